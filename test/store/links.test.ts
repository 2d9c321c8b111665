import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databases, type TestStore } from '../helpers/databases.js';

const US_1 = 'gid://shopify/Customer/1001';
const EU_1 = 'gid://shopify/Customer/1001'; // the same numeric id in another store is another customer
const US_2 = 'gid://shopify/Customer/2002';

describe.each(databases)('links on $name', (database) => {
  let store: TestStore;
  let clock: Date;
  beforeEach(async () => {
    clock = new Date('2026-03-01T10:00:00.123Z');
    store = await database.open({ now: () => clock });
  });
  afterEach(() => store.cleanup());

  it('upsert creates a link and returns it exactly, store included', async () => {
    const link = await store.links.upsert({ store: 'us', profileId: 'profile-1', customerId: US_1, linkedBy: 'agent-7' });
    expect(link).toEqual({
      store: 'us',
      profileId: 'profile-1',
      customerId: US_1,
      method: 'MANUAL',
      linkedBy: 'agent-7',
      linkedAt: new Date('2026-03-01T10:00:00.123Z'),
    });
    expect(await store.links.getMany('us', ['profile-1'])).toEqual(new Map([['profile-1', link]]));
    expect(await store.links.getMany('eu', ['profile-1'])).toEqual(new Map());
  });

  it('upsert replaces the link in its store only', async () => {
    const eu = await store.links.upsert({ store: 'eu', profileId: 'profile-1', customerId: EU_1, linkedBy: 'agent-1' });
    await store.links.upsert({ store: 'us', profileId: 'profile-1', customerId: US_1, linkedBy: 'agent-7' });
    clock = new Date('2026-03-02T08:30:00.000Z');
    const replaced = await store.links.upsert({ store: 'us', profileId: 'profile-1', customerId: US_2, linkedBy: null });
    expect(replaced).toEqual({
      store: 'us',
      profileId: 'profile-1',
      customerId: US_2,
      method: 'MANUAL',
      linkedBy: null,
      linkedAt: new Date('2026-03-02T08:30:00.000Z'),
    });
    expect(await store.links.getMany('us', ['profile-1'])).toEqual(new Map([['profile-1', replaced]]));
    expect(await store.links.getMany('eu', ['profile-1'])).toEqual(new Map([['profile-1', eu]]));
  });

  it('the same profile is linked in two stores; unlinking one keeps the other', async () => {
    const us = await store.links.upsert({ store: 'us', profileId: 'profile-1', customerId: US_1, linkedBy: 'agent-7' });
    const eu = await store.links.upsert({ store: 'eu', profileId: 'profile-1', customerId: EU_1, linkedBy: 'agent-8' });
    expect(await store.links.getManyAllStores(['profile-1'])).toEqual(new Map([['profile-1', [eu, us]]]));

    expect(await store.links.remove('us', 'profile-1')).toEqual(us);
    expect(await store.links.remove('us', 'profile-1')).toBeNull();
    expect(await store.links.getMany('us', ['profile-1'])).toEqual(new Map());
    expect(await store.links.getMany('eu', ['profile-1'])).toEqual(new Map([['profile-1', eu]]));
    expect(await store.links.getManyAllStores(['profile-1'])).toEqual(new Map([['profile-1', [eu]]]));

    expect(await store.links.remove('eu', 'profile-1')).toEqual(eu);
    expect(await store.links.getManyAllStores(['profile-1'])).toEqual(new Map());
  });

  it('remove in a store where the profile is not linked removes nothing', async () => {
    const eu = await store.links.upsert({ store: 'eu', profileId: 'profile-1', customerId: EU_1, linkedBy: 'agent-8' });
    expect(await store.links.remove('us', 'profile-1')).toBeNull();
    expect(await store.links.getMany('eu', ['profile-1'])).toEqual(new Map([['profile-1', eu]]));
  });

  it('getMany answers a batch in one store; missing ids are absent; duplicates and empty batches are fine', async () => {
    for (const n of [1, 2, 3]) {
      await store.links.upsert({ store: 'us', profileId: `profile-${n}`, customerId: `gid://shopify/Customer/${n}`, linkedBy: 'agent-1' });
    }
    await store.links.upsert({ store: 'eu', profileId: 'profile-2', customerId: 'gid://shopify/Customer/92', linkedBy: 'agent-1' });
    await store.links.upsert({ store: 'eu', profileId: 'profile-404', customerId: 'gid://shopify/Customer/94', linkedBy: 'agent-1' });

    const us = await store.links.getMany('us', ['profile-3', 'profile-404', 'profile-1', 'profile-3']);
    expect([...us.keys()].sort()).toEqual(['profile-1', 'profile-3']);
    expect([...us.values()].map((l) => [l.store, l.profileId, l.customerId]).sort()).toEqual([
      ['us', 'profile-1', 'gid://shopify/Customer/1'],
      ['us', 'profile-3', 'gid://shopify/Customer/3'],
    ]);
    const eu = await store.links.getMany('eu', ['profile-1', 'profile-2', 'profile-3']);
    expect([...eu.values()].map((l) => [l.store, l.profileId, l.customerId])).toEqual([['eu', 'profile-2', 'gid://shopify/Customer/92']]);
    expect(await store.links.getMany('us', [])).toEqual(new Map());
  });

  it('getManyAllStores answers a batch across stores in one call, each profile’s links ordered by store handle', async () => {
    await store.links.upsert({ store: 'us', profileId: 'profile-1', customerId: 'gid://shopify/Customer/11', linkedBy: 'agent-1' });
    await store.links.upsert({ store: 'eu', profileId: 'profile-1', customerId: 'gid://shopify/Customer/21', linkedBy: 'agent-1' });
    await store.links.upsert({ store: 'default', profileId: 'profile-1', customerId: 'gid://shopify/Customer/31', linkedBy: 'agent-1' });
    await store.links.upsert({ store: 'eu', profileId: 'profile-2', customerId: 'gid://shopify/Customer/22', linkedBy: 'agent-1' });
    await store.links.upsert({ store: 'us', profileId: 'profile-3', customerId: 'gid://shopify/Customer/13', linkedBy: 'agent-1' });
    // Code-unit order on both dialects ('-' before letters), whatever PostgreSQL's collation would say.
    await store.links.upsert({ store: 'usa', profileId: 'profile-3', customerId: 'gid://shopify/Customer/43', linkedBy: 'agent-1' });
    await store.links.upsert({ store: 'us-b', profileId: 'profile-3', customerId: 'gid://shopify/Customer/53', linkedBy: 'agent-1' });

    const all = await store.links.getManyAllStores(['profile-2', 'profile-1', 'profile-404', 'profile-1', 'profile-3']);
    const summary = (id: string) => all.get(id)?.map((l) => `${l.store}:${l.customerId}`);
    expect([...all.keys()].sort()).toEqual(['profile-1', 'profile-2', 'profile-3']);
    expect(summary('profile-1')).toEqual([
      'default:gid://shopify/Customer/31',
      'eu:gid://shopify/Customer/21',
      'us:gid://shopify/Customer/11',
    ]);
    expect(summary('profile-2')).toEqual(['eu:gid://shopify/Customer/22']);
    expect(summary('profile-3')).toEqual([
      'us:gid://shopify/Customer/13',
      'us-b:gid://shopify/Customer/53',
      'usa:gid://shopify/Customer/43',
    ]);
    expect(await store.links.getManyAllStores([])).toEqual(new Map());
  });

  it('rejects an empty customer id and a malformed store handle, storing nothing', async () => {
    await expect(store.links.upsert({ store: 'us', profileId: 'profile-1', customerId: '', linkedBy: null })).rejects.toThrow(
      'customerId must be a non-empty string, got ""',
    );
    const malformed = 'store must be a store handle matching /^[a-z][a-z0-9-]{0,31}$/';
    for (const bad of ['', 'US', '1us', 'u'.repeat(33), 'us\u0000']) {
      await expect(store.links.upsert({ store: bad, profileId: 'profile-1', customerId: US_1, linkedBy: null })).rejects.toThrow(malformed);
    }
    await expect(
      store.links.upsert({ store: undefined as never, profileId: 'profile-1', customerId: US_1, linkedBy: null }),
    ).rejects.toThrow(malformed);
    await expect(store.links.getMany('US', ['profile-1'])).rejects.toThrow(malformed);
    await expect(store.links.remove('', 'profile-1')).rejects.toThrow(malformed);
    expect(await store.links.getManyAllStores(['profile-1'])).toEqual(new Map());
  });
});
