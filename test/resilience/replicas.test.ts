/**
 * Two replicas of this subgraph over one store, sharing Redis (REDIS_URL): together they stay under the store's one
 * bucket, and what one fetched or invalidated holds for the other. Redis must be running (TEST_REDIS_URL); without it
 * these tests fail, they do not skip.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'shopify-admin-simulator';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const VIEW = `query($id: ID!) { profile(id: $id) { id name shopifyCustomer { id displayName } orders(limit: 5) { id products { id } } } }`;

let sim: Simulator;
let a: SupergraphHarness;
let b: SupergraphHarness;
const prefix = `test:${randomUUID()}:`;

beforeAll(async () => {
  // A bucket that holds two card requests at a time: replicas that did not share it would overdraw it at once.
  sim = await startSimulator({ port: 0, customers: 60, maximumAvailable: 400, restoreRate: 200 });
  const replica = () =>
    startSupergraph({
      simulatorUrl: sim.url,
      env: { REDIS_URL, REDIS_KEY_PREFIX: prefix, SHOPIFY_CACHE_TTL_S: '30', SHOPIFY_MAX_WAIT_MS: '8000' },
      profiles: (all) =>
        all
          .filter((c) => c.email && c.numberOfOrders > 1)
          .slice(0, 30)
          .map((c, i) => ({ id: `p${i}`, name: `Name ${i}`, emails: [c.email!] })),
    });
  [a, b] = await Promise.all([replica(), replica()]);
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await sim?.close();
});

describe('two replicas sharing Redis', () => {
  it('stay under the one bucket together: Shopify never throttles, every view is served', async () => {
    await a.sim('reset', {});
    const views = [
      ...[0, 1, 2, 3, 4, 5].map((i) => a.query(VIEW, { id: `p${i}` })),
      ...[6, 7, 8, 9, 10, 11].map((i) => b.query(VIEW, { id: `p${i}` })),
    ];
    const results = await Promise.all(views);
    for (const r of results) {
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.profile.shopifyCustomer.id).toMatch(/^gid:\/\/shopify\/Customer\//);
    }
    const stats = await a.sim('stats');
    expect(stats.requests).toBeGreaterThanOrEqual(12);
    expect(stats.throttled).toBe(0);
    // Their demand was well above the bucket: the shared budget made them wait for it.
    expect(stats.requestedCost).toBeGreaterThan(2 * 400);
  });

  it('share the cache: what one fetched costs the other nothing, what one invalidated is gone for both', async () => {
    const first = await a.query(VIEW, { id: 'p20' });
    expect(first.body.errors).toBeUndefined();
    await a.sim('reset', {});
    expect((await b.query(VIEW, { id: 'p20' })).body).toEqual(first.body);
    expect((await a.sim('stats')).requests).toBe(0);

    await b.app.deps.served[0]!.invalidate!({ customerIds: [first.body.data.profile.shopifyCustomer.id] });
    expect((await a.query(VIEW, { id: 'p20' })).body).toEqual(first.body);
    // One card fetched again. Its email is looked up first (one more, cheap request) when the shared bucket, drained by
    // the test above, cannot hold the full card yet: the lookup's order count then sizes it (customers.ts).
    const stats = await a.sim('stats');
    expect(stats.byOperation.ProfileCustomers).toBe(1);
    expect(stats.requests).toBe(1 + (stats.byOperation.CustomerIdsByEmail ?? 0));
  });
});
