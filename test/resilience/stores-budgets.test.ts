/**
 * Each store has its own cost budget and cache namespace, shared between replicas through Redis under the store's
 * own keys: two stores with different buckets are each paced by their own bucket, and what one replica cached for a
 * store is served by the other replica without asking that store again.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { token, type Stack } from '../actions/helpers.js';
import { simRequests, startTwoStores, type TwoStores } from '../helpers/two-stores.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test:${randomUUID()}:`;
let t: TwoStores;
let other: Stack;
let redis: Redis;

beforeAll(async () => {
  // Buckets of different sizes: a budget shared between the stores would show one size for both.
  t = await startTwoStores({
    customers: 30,
    us: { maximumAvailable: 4000, restoreRate: 200 },
    eu: { maximumAvailable: 1000, restoreRate: 50 },
    env: { REDIS_URL, REDIS_KEY_PREFIX: prefix, SHOPIFY_CACHE_TTL_S: '60' },
  });
  other = await t.replica();
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  await t?.close();
  if (redis) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
});

async function view(h: Stack) {
  const shared = t.shared[0]!;
  const res = await h.query(
    `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile { shopifyCustomers { id store { handle } } } } }`,
    { r: [{ __typename: 'CustomerProfile', id: 'p-shared', emails: [shared.email] }] },
    { authorization: `Bearer ${await token()}` },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data._entities[0].shopifyCustomers;
}

describe('budgets and caches per store, shared between replicas', () => {
  it("keeps each store's bucket and cache under its own Redis keys, learned from that store's own answers", async () => {
    const { us, eu } = t.pair;
    const shared = t.shared[0]!;
    const cards = [
      { id: shared.a.id, store: { handle: 'us' } },
      { id: shared.b.id, store: { handle: 'eu' } },
    ];
    expect(await view(t.h)).toEqual(cards);

    const [usHost, euHost] = [new URL(us.url).host, new URL(eu.url).host];
    expect(await redis.hmget(`${prefix}${usHost}:budget`, 'max', 'rate')).toEqual(['4000', '200']);
    expect(await redis.hmget(`${prefix}${euHost}:budget`, 'max', 'rate')).toEqual(['1000', '50']);
    expect((await redis.keys(`${prefix}${usHost}:cache:*`)).length).toBeGreaterThan(0);
    expect((await redis.keys(`${prefix}${euHost}:cache:*`)).length).toBeGreaterThan(0);

    // The other replica serves both stores' customers from the shared caches: neither store is asked again.
    const before = [await simRequests(us), await simRequests(eu)];
    expect(await view(other)).toEqual(cards);
    expect([await simRequests(us), await simRequests(eu)]).toEqual(before);
  });
});
