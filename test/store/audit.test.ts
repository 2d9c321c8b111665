import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boundedEntry } from '../../src/audit/attempt.js';
import type { NewAuditEntry } from '../../src/store/index.js';
import { databases, type TestStore } from '../helpers/databases.js';

const T0 = new Date('2026-03-01T09:00:00.000Z');

function entry(overrides: Partial<NewAuditEntry>): NewAuditEntry {
  return {
    store: 'us',
    agentId: 'agent-1',
    action: 'refundOrder',
    outcome: 'succeeded',
    orderId: 'gid://shopify/Order/1',
    customerId: 'gid://shopify/Customer/5',
    profileId: 'profile-5',
    amount: '10.00',
    currencyCode: 'EUR',
    idempotencyKey: null,
    shopifyIds: {},
    errorCode: null,
    detail: null,
    ...overrides,
  };
}

describe.each(databases)('audit on $name', (database) => {
  let store: TestStore;
  let clock: Date;
  const at = (ms: number) => new Date(T0.getTime() + ms);
  beforeEach(async () => {
    clock = T0;
    store = await database.open({ now: () => clock });
  });
  afterEach(() => store.cleanup());

  it('record stores every field exactly and returns the stored entry', async () => {
    const recorded = await store.audit.record(
      entry({
        amount: '1234567890.12345',
        idempotencyKey: 'key-1',
        shopifyIds: { refundId: 'gid://shopify/Refund/77' },
        detail: 'partial',
      }),
    );
    expect(recorded.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(recorded).toEqual({
      id: recorded.id,
      at: T0,
      store: 'us',
      agentId: 'agent-1',
      action: 'refundOrder',
      outcome: 'succeeded',
      orderId: 'gid://shopify/Order/1',
      customerId: 'gid://shopify/Customer/5',
      profileId: 'profile-5',
      amount: '1234567890.12345',
      currencyCode: 'EUR',
      idempotencyKey: 'key-1',
      shopifyIds: { refundId: 'gid://shopify/Refund/77' },
      errorCode: null,
      detail: 'partial',
    });
    expect(await store.audit.list()).toEqual([recorded]);
  });

  it('uses the given `at` instead of now', async () => {
    const recorded = await store.audit.record(entry({ at: at(-60_000) }));
    expect(recorded.at).toEqual(at(-60_000));
    expect((await store.audit.list())[0]?.at).toEqual(at(-60_000));
  });

  it('an email across the 500-character cut of an attempt detail is redacted, not half kept', async () => {
    const detail = `${'x'.repeat(480)} jane.doe@example.co.uk was refused`;
    const recorded = await store.audit.record(boundedEntry(entry({ outcome: 'failed', detail })));
    expect(recorded.detail).toBe(`${'x'.repeat(480)} [email] was refused`);
  });

  it('redacts email addresses in detail and rejects non-decimal amounts', async () => {
    const recorded = await store.audit.record(entry({ outcome: 'failed', detail: 'Shopify said: jane.doe+vip@example.co.uk is blocked' }));
    expect(recorded.detail).toBe('Shopify said: [email] is blocked');
    expect((await store.audit.list())[0]?.detail).toBe('Shopify said: [email] is blocked');
    await expect(store.audit.record(entry({ amount: '1e3' }))).rejects.toThrow('amount must be a decimal string like "12.50", got "1e3"');
    await expect(store.audit.record(entry({ amount: 12.5 as unknown as string }))).rejects.toThrow('got 12.5');
    await expect(store.audit.record(entry({ action: 'dropTables' as never }))).rejects.toThrow('unknown audit action "dropTables"');
  });

  it('bounds every column as a last line of defence: over-long or control-character values are refused, detail is cut', async () => {
    const huge = 'x'.repeat(1_870_000);
    await expect(store.audit.record(entry({ profileId: huge }))).rejects.toThrow('profileId must be at most 200 characters, got 1870000');
    await expect(store.audit.record(entry({ idempotencyKey: 'k'.repeat(256) }))).rejects.toThrow(
      'idempotencyKey must be at most 255 characters, got 256',
    );
    await expect(store.audit.record(entry({ agentId: 'a'.repeat(256) }))).rejects.toThrow(
      'agentId must be at most 255 characters, got 256',
    );
    await expect(store.audit.record(entry({ orderId: `gid://shopify/Order/${'1'.repeat(200)}` }))).rejects.toThrow(
      'orderId must be at most 200 characters, got 220',
    );
    await expect(store.audit.record(entry({ amount: '1'.repeat(41) }))).rejects.toThrow('amount must be at most 40 characters, got 41');
    await expect(store.audit.record(entry({ customerId: 'gid://shopify/Customer/1\u0000' }))).rejects.toThrow(
      'customerId must not contain control characters',
    );
    await expect(store.audit.record(entry({ store: 'u'.repeat(33) }))).rejects.toThrow(
      'store must be null or a store handle matching /^[a-z][a-z0-9-]{0,31}$/',
    );
    await expect(store.audit.record(entry({ store: 'US' }))).rejects.toThrow('store must be null or a store handle');
    await expect(store.audit.record(entry({ store: undefined as never }))).rejects.toThrow('store must be null or a store handle');
    const many = Object.fromEntries([...Array(11)].map((_, i) => [`id${i}`, `gid://shopify/Refund/${i}`]));
    await expect(store.audit.record(entry({ shopifyIds: many }))).rejects.toThrow('shopifyIds must have at most 10 entries, got 11');
    expect(await store.audit.list()).toEqual([]);

    const cut = await store.audit.record(entry({ detail: `a\u0000b${'d'.repeat(1_000_000)}` }));
    expect(cut.detail).toBe(`a b${'d'.repeat(496)}…`);
    expect((await store.audit.list())[0]?.detail).toBe(cut.detail);
  });

  it('list is newest first (ties in `at` broken by insertion order) and filters', async () => {
    const a = await store.audit.record(entry({ action: 'cancelOrder', outcome: 'denied', errorCode: 'FORBIDDEN', amount: null }));
    const b = await store.audit.record(entry({ outcome: 'succeeded', idempotencyKey: 'key-1' }));
    clock = at(1_000);
    const c = await store.audit.record(entry({ outcome: 'replayed', idempotencyKey: 'key-1' }));
    const d = await store.audit.record(entry({ action: 'createDiscount', outcome: 'succeeded', orderId: null, amount: '5.00' }));

    expect((await store.audit.list()).map((e) => e.id)).toEqual([d.id, c.id, b.id, a.id]);
    expect((await store.audit.list({ limit: 2 })).map((e) => e.id)).toEqual([d.id, c.id]);
    expect((await store.audit.list({ action: 'refundOrder' })).map((e) => e.id)).toEqual([c.id, b.id]);
    expect((await store.audit.list({ outcome: 'succeeded' })).map((e) => e.id)).toEqual([d.id, b.id]);
    expect((await store.audit.list({ idempotencyKey: 'key-1' })).map((e) => e.id)).toEqual([c.id, b.id]);
    expect((await store.audit.list({ action: 'refundOrder', outcome: 'denied' })).map((e) => e.id)).toEqual([]);
  });

  it('listByOrders: newest first, at most limitPerOrder each, every requested order present', async () => {
    const o1 = 'gid://shopify/Order/1';
    const o2 = 'gid://shopify/Order/2';
    const ids: Record<string, string> = {};
    const steps: Array<[string, string, number]> = [
      ['o1-a', o1, 0],
      ['o2-a', o2, 500],
      ['o1-b', o1, 1_000],
      ['o1-c', o1, 2_000],
      ['o1-d', o1, 2_000],
    ];
    for (const [name, orderId, ms] of steps) {
      clock = at(ms);
      ids[name] = (await store.audit.record(entry({ orderId, detail: name }))).id;
    }
    await store.audit.record(entry({ orderId: null, action: 'createDiscount' }));

    const byOrder = await store.audit.listByOrders([o1, o2, 'gid://shopify/Order/404', o1], 3);
    expect([...byOrder.keys()]).toEqual([o1, o2, 'gid://shopify/Order/404']);
    expect(byOrder.get(o1)?.map((e) => e.detail)).toEqual(['o1-d', 'o1-c', 'o1-b']);
    expect(byOrder.get(o1)?.map((e) => e.id)).toEqual([ids['o1-d'], ids['o1-c'], ids['o1-b']]);
    expect(byOrder.get(o2)?.map((e) => e.detail)).toEqual(['o2-a']);
    expect(byOrder.get('gid://shopify/Order/404')).toEqual([]);

    const one = await store.audit.listByOrders([o1], 1);
    expect(one.get(o1)?.map((e) => e.detail)).toEqual(['o1-d']);
    expect((await store.audit.listByOrders([], 5)).size).toBe(0);
  });
  it('an entry whose store was never known is stored with a null store; boundedEntry nulls a malformed handle', async () => {
    const unknown = await store.audit.record(entry({ store: null, agentId: null, outcome: 'denied', errorCode: 'UNAUTHENTICATED' }));
    expect(unknown.store).toBeNull();
    expect((await store.audit.list())[0]).toEqual(unknown);

    for (const raw of ['EU', 'e'.repeat(33), 'eu\u0000', '', 42, undefined]) {
      expect(boundedEntry(entry({ store: raw as never })).store).toBeNull();
    }
    expect(boundedEntry(entry({ store: 'eu-2' })).store).toBe('eu-2');
  });

  it('list filters by store; a null store filter finds the entries whose store was never known', async () => {
    const us = await store.audit.record(entry({ store: 'us' }));
    const eu = await store.audit.record(entry({ store: 'eu' }));
    const unknown = await store.audit.record(entry({ store: null, outcome: 'denied', amount: null, currencyCode: null }));
    clock = at(1_000);
    const us2 = await store.audit.record(entry({ store: 'us', action: 'cancelOrder', amount: null, currencyCode: null }));

    expect((await store.audit.list({ store: 'us' })).map((e) => e.id)).toEqual([us2.id, us.id]);
    expect((await store.audit.list({ store: 'eu' })).map((e) => e.id)).toEqual([eu.id]);
    expect((await store.audit.list({ store: null })).map((e) => e.id)).toEqual([unknown.id]);
    expect((await store.audit.list({ store: 'uk' })).map((e) => e.id)).toEqual([]);
    expect((await store.audit.list({ store: 'us', action: 'refundOrder' })).map((e) => e.id)).toEqual([us.id]);
    expect((await store.audit.list()).map((e) => e.id)).toEqual([us2.id, unknown.id, eu.id, us.id]);
  });

  it('listByOrders with a store: only that store’s entries, limitPerOrder counted within it', async () => {
    // The same order GID in two stores names two different orders.
    const o1 = 'gid://shopify/Order/1';
    const steps: Array<[string, string | null, number]> = [
      ['us-a', 'us', 0],
      ['eu-a', 'eu', 500],
      ['us-b', 'us', 1_000],
      ['none', null, 1_500],
      ['eu-b', 'eu', 2_000],
      ['eu-c', 'eu', 2_500],
    ];
    for (const [name, storeHandle, ms] of steps) {
      clock = at(ms);
      await store.audit.record(entry({ store: storeHandle, orderId: o1, detail: name }));
    }
    const details = (m: Map<string, { detail: string | null }[]>) => m.get(o1)?.map((e) => e.detail);

    expect(details(await store.audit.listByOrders([o1], 2, 'us'))).toEqual(['us-b', 'us-a']);
    expect(details(await store.audit.listByOrders([o1], 2, 'eu'))).toEqual(['eu-c', 'eu-b']);
    expect(await store.audit.listByOrders([o1, 'gid://shopify/Order/2'], 5, 'uk')).toEqual(
      new Map([
        [o1, []],
        ['gid://shopify/Order/2', []],
      ]),
    );
    // Without a store, every entry for the GID, as before stores existed.
    expect(details(await store.audit.listByOrders([o1], 10))).toEqual(['eu-c', 'eu-b', 'none', 'us-b', 'eu-a', 'us-a']);
    await expect(store.audit.listByOrders([o1], 2, 'US')).rejects.toThrow('store must be a store handle matching');
  });
});
