import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databases, type TestStore } from '../helpers/databases.js';

describe.each(databases)('links on $name', (database) => {
  let store: TestStore;
  let clock: Date;
  beforeEach(async () => {
    clock = new Date('2026-03-01T10:00:00.123Z');
    store = await database.open({ now: () => clock });
  });
  afterEach(() => store.cleanup());

  it('upsert creates a link and returns it exactly', async () => {
    const link = await store.links.upsert({ profileId: 'profile-1', customerId: 'gid://shopify/Customer/1001', linkedBy: 'agent-7' });
    expect(link).toEqual({
      profileId: 'profile-1',
      customerId: 'gid://shopify/Customer/1001',
      method: 'MANUAL',
      linkedBy: 'agent-7',
      linkedAt: new Date('2026-03-01T10:00:00.123Z'),
    });
    expect((await store.links.getMany(['profile-1'])).get('profile-1')).toEqual(link);
  });

  it('upsert replaces an existing link', async () => {
    await store.links.upsert({ profileId: 'profile-1', customerId: 'gid://shopify/Customer/1001', linkedBy: 'agent-7' });
    clock = new Date('2026-03-02T08:30:00.000Z');
    const replaced = await store.links.upsert({ profileId: 'profile-1', customerId: 'gid://shopify/Customer/2002', linkedBy: null });
    expect(replaced).toEqual({
      profileId: 'profile-1',
      customerId: 'gid://shopify/Customer/2002',
      method: 'MANUAL',
      linkedBy: null,
      linkedAt: new Date('2026-03-02T08:30:00.000Z'),
    });
    const all = await store.links.getMany(['profile-1']);
    expect([...all.values()]).toEqual([replaced]);
  });

  it('remove returns what was removed, then null', async () => {
    const link = await store.links.upsert({ profileId: 'profile-1', customerId: 'gid://shopify/Customer/1001', linkedBy: 'agent-7' });
    expect(await store.links.remove('profile-1')).toEqual(link);
    expect(await store.links.remove('profile-1')).toBeNull();
    expect((await store.links.getMany(['profile-1'])).size).toBe(0);
  });

  it('getMany answers a batch; missing ids are absent; duplicates and empty batches are fine', async () => {
    for (const n of [1, 2, 3]) {
      await store.links.upsert({ profileId: `profile-${n}`, customerId: `gid://shopify/Customer/${n}`, linkedBy: 'agent-1' });
    }
    const found = await store.links.getMany(['profile-3', 'profile-404', 'profile-1', 'profile-3']);
    expect([...found.keys()].sort()).toEqual(['profile-1', 'profile-3']);
    expect(found.get('profile-1')?.customerId).toBe('gid://shopify/Customer/1');
    expect(found.get('profile-3')?.customerId).toBe('gid://shopify/Customer/3');
    expect(found.has('profile-404')).toBe(false);
    expect((await store.links.getMany([])).size).toBe(0);
  });

  it('rejects an empty customer id', async () => {
    await expect(store.links.upsert({ profileId: 'profile-1', customerId: '', linkedBy: null })).rejects.toThrow(
      'customerId must be a non-empty string, got ""',
    );
  });
});
