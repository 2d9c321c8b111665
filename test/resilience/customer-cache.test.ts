/**
 * CachedCustomerSource over a fake inner source (the CustomerSource interface, not Shopify): plan coverage, the
 * email index (including "no customer"), coalescing of concurrent misses, and the race with an invalidation that
 * lands while a load is in flight. The same rules run over Redis in ./replicas.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { CachedCustomerSource } from '../../src/cache/customer-cache.js';
import { MemoryKv } from '../../src/cache/kv.js';
import { silentLogger } from '../../src/logger.js';
import type { CustomerBundle, OrderModel } from '../../src/domain/model.js';
import { CUSTOMER_ONLY, type CustomerHit, type CustomerTarget, type FetchPlan } from '../../src/domain/lookup.js';

const plan = (ordersFirst: number, lineItems = false): FetchPlan => ({ ordersFirst, lineItems, tracking: false, location: false });
const order = (id: number) => ({ id: `gid://shopify/Order/${id}`, products: null }) as unknown as OrderModel;

/** A store of two customers; records every call; can be paused to stage races. */
function fakeSource() {
  const customers: Record<string, { email: string; orders: number[] }> = {
    'gid://shopify/Customer/1': { email: 'ann@example.com', orders: [11, 12, 13] },
    'gid://shopify/Customer/2': { email: 'bob@example.com', orders: [21] },
  };
  const calls: Array<{ targets: CustomerTarget[]; plan: FetchPlan }> = [];
  let gate: Promise<void> | null = null;
  let version = 1;
  const bundle = (id: string, p: FetchPlan): CustomerBundle => ({
    customer: { id, email: customers[id]!.email, displayName: `v${version}` } as CustomerBundle['customer'],
    orders: p.ordersFirst > 0 ? customers[id]!.orders.slice(0, p.ordersFirst).map(order) : undefined,
  });
  return {
    calls,
    bump: () => version++,
    pause() {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return () => {
        gate = null;
        open();
      };
    },
    async load(targets: readonly CustomerTarget[], p: FetchPlan): Promise<Array<CustomerHit | null>> {
      calls.push({ targets: [...targets], plan: p });
      const version0 = version;
      if (gate) await gate;
      return targets.map((t) => {
        if (t.kind === 'id')
          return customers[t.customerId]
            ? {
                bundle: { ...bundle(t.customerId, p), customer: { ...bundle(t.customerId, p).customer, displayName: `v${version0}` } },
                matchedEmail: null,
              }
            : null;
        for (const email of t.emails) {
          const id = Object.keys(customers).find((k) => customers[k]!.email === email);
          if (id)
            return {
              bundle: { ...bundle(id, p), customer: { ...bundle(id, p).customer, displayName: `v${version0}` } },
              matchedEmail: email,
            };
        }
        return null;
      });
    },
  };
}

const make = () => {
  const inner = fakeSource();
  const cache = new CachedCustomerSource(inner, { kv: new MemoryKv(1000), ttlMs: 30_000, logger: silentLogger() });
  return { inner, cache };
};
const ann: CustomerTarget = { kind: 'emails', emails: ['nobody@example.com', 'ann@example.com'] };

describe('CachedCustomerSource', () => {
  it('answers a smaller plan from a bigger entry, and an auto-linked profile through the email index', async () => {
    const { inner, cache } = make();
    const [first] = await cache.load([ann], plan(3, true));
    expect(first).toMatchObject({ matchedEmail: 'ann@example.com', bundle: { customer: { id: 'gid://shopify/Customer/1' } } });
    const [small] = await cache.load([ann], plan(2));
    expect((small as CustomerHit).bundle.orders!.map((o) => o.id)).toEqual(['gid://shopify/Order/11', 'gid://shopify/Order/12']);
    expect((small as CustomerHit).matchedEmail).toBe('ann@example.com');
    const [byId] = await cache.load([{ kind: 'id', customerId: 'gid://shopify/Customer/1' }], CUSTOMER_ONLY);
    expect((byId as CustomerHit).bundle.orders).toBeUndefined();
    // A customer with fewer orders than were asked has all of them cached: a bigger limit is covered too.
    await cache.load([{ kind: 'id', customerId: 'gid://shopify/Customer/2' }], plan(5));
    await cache.load([{ kind: 'id', customerId: 'gid://shopify/Customer/2' }], plan(10));
    expect(inner.calls).toHaveLength(2);
  });

  it('a bigger plan than cached goes to the source by id, not by a costly email search', async () => {
    const { inner, cache } = make();
    await cache.load([ann], CUSTOMER_ONLY);
    const [hit] = await cache.load([ann], plan(3, true));
    expect(inner.calls[1]!.targets).toEqual([{ kind: 'id', customerId: 'gid://shopify/Customer/1' }]);
    expect((hit as CustomerHit).matchedEmail).toBe('ann@example.com');
  });

  it('remembers that no customer has these emails', async () => {
    const { inner, cache } = make();
    const none: CustomerTarget = { kind: 'emails', emails: ['x@example.com', 'y@example.com'] };
    expect(await cache.load([none], plan(3))).toEqual([null]);
    expect(await cache.load([none], plan(3))).toEqual([null]);
    expect(inner.calls).toHaveLength(1);
  });

  it('remembers nothing of a lookup the source could not complete: the next view asks again', async () => {
    const inner = fakeSource();
    let failing = true;
    const flaky = {
      calls: inner.calls,
      load: async (targets: readonly CustomerTarget[], p: FetchPlan) =>
        failing ? targets.map(() => new Error('the search page was full and the follow-up failed')) : inner.load(targets, p),
    };
    const cache = new CachedCustomerSource(flaky, { kv: new MemoryKv(1000), ttlMs: 30_000, logger: silentLogger() });
    const [first] = await cache.load([ann], plan(3));
    expect(first).toBeInstanceOf(Error);
    failing = false;
    const [second] = await cache.load([ann], plan(3));
    expect((second as CustomerHit).bundle.customer.id).toBe('gid://shopify/Customer/1');
    // The complete answer is the one remembered, "nobody@" (before Ann's email) as no customer included.
    const [third] = await cache.load([ann], plan(3));
    expect((third as CustomerHit).matchedEmail).toBe('ann@example.com');
    expect(inner.calls).toHaveLength(1);
  });

  it('concurrent misses of the same customer share one load', async () => {
    const { inner, cache } = make();
    const release = inner.pause();
    const loads = [cache.load([ann], plan(3)), cache.load([ann], plan(2)), cache.load([ann], plan(3))];
    release();
    const answers = await Promise.all(loads);
    expect(answers.map(([a]) => (a as CustomerHit).bundle.orders!.length)).toEqual([3, 2, 3]);
    expect(inner.calls).toHaveLength(1);
  });

  it('a load in flight when an invalidation lands is not stored, nor joined afterwards', async () => {
    const { inner, cache } = make();
    const release = inner.pause();
    const stale = cache.load([{ kind: 'id', customerId: 'gid://shopify/Customer/1' }], plan(3));
    await vi.waitFor(() => expect(inner.calls).toHaveLength(1)); // Shopify has been asked…
    inner.bump(); // …then the customer changes there…
    await cache.invalidate({ orderIds: ['gid://shopify/Order/12'], customerIds: ['gid://shopify/Customer/1'] }); // …and we are told, before the answer arrives
    const fresh = cache.load([{ kind: 'id', customerId: 'gid://shopify/Customer/1' }], plan(3));
    release();
    expect(((await stale)[0] as CustomerHit).bundle.customer.displayName).toBe('v1');
    expect(((await fresh)[0] as CustomerHit).bundle.customer.displayName).toBe('v2');
    expect(inner.calls).toHaveLength(2);
  });

  it('an order id finds its customer through the order index', async () => {
    const { inner, cache } = make();
    await cache.load([ann], plan(3));
    await cache.invalidate({ orderIds: ['gid://shopify/Order/13'] });
    inner.bump();
    // Past the tombstone's clock-skew margin only in real time; the entry itself is gone at once.
    const [again] = await cache.load([ann], plan(3));
    expect((again as CustomerHit).bundle.customer.displayName).toBe('v2');
    expect(inner.calls).toHaveLength(2);
  });

  it('a store that fails (Redis down) costs Shopify requests, never answers', async () => {
    const inner = fakeSource();
    const down = {
      mget: () => Promise.reject(new Error('down')),
      mset: () => Promise.reject(new Error('down')),
      del: () => Promise.reject(new Error('down')),
    };
    const cache = new CachedCustomerSource(inner, { kv: down, ttlMs: 30_000, logger: silentLogger() });
    const [hit] = await cache.load([ann], plan(3));
    expect((hit as CustomerHit).bundle.customer.id).toBe('gid://shopify/Customer/1');
    await expect(cache.invalidate({ customerIds: ['gid://shopify/Customer/1'] })).rejects.toThrow('down');
  });
});
