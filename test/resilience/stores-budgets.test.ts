/**
 * Each store has its own cost budget and cache namespace, shared between replicas through Redis under the store's
 * own keys: two stores with different buckets are each paced by their own bucket, and what one replica cached for a
 * store is served by the other replica without asking that store again.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedCustomers, storePair, type SharedCustomer, type StorePair } from 'shopify-admin-simulator/testing';
import { startStack, token, type Stack } from '../actions/helpers.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test:${randomUUID()}:`;
const dir = mkdtempSync(join(tmpdir(), 'stores-budgets-'));
let pair: StorePair;
let replicas: Stack[];
let redis: Redis;
let shared: SharedCustomer;

beforeAll(async () => {
  // Buckets of different sizes: a budget shared between the stores would show one size for both.
  pair = await storePair({
    customers: 30,
    us: { maximumAvailable: 4000, restoreRate: 200 },
    eu: { maximumAvailable: 1000, restoreRate: 50 },
  });
  const path = join(dir, 'stores.json');
  writeFileSync(
    path,
    JSON.stringify({
      stores: [
        { handle: 'us', name: 'US store', domain: pair.us.url, tokenEnv: 'US_TOKEN' },
        { handle: 'eu', name: 'EU store', domain: pair.eu.url, tokenEnv: 'EU_TOKEN' },
      ],
    }),
  );
  const env = {
    SHOPIFY_STORE_DOMAIN: '',
    SHOPIFY_ADMIN_ACCESS_TOKEN: '',
    SHOPIFY_STORES_FILE: path,
    US_TOKEN: pair.us.token,
    EU_TOKEN: pair.eu.token,
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    SHOPIFY_CACHE_TTL_S: '60',
  };
  replicas = await Promise.all([startStack({ simulator: pair.us, env }), startStack({ simulator: pair.us, env })]);
  redis = new Redis(REDIS_URL);
  shared = (await sharedCustomers(pair.us, pair.eu))[0]!;
});
afterAll(async () => {
  await Promise.all((replicas ?? []).map((r) => r.close()));
  await pair?.close();
  if (redis) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
  rmSync(dir, { recursive: true, force: true });
});

const requests = async (sim: { url: string }) =>
  ((await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { requests: number }).requests;
const VIEW = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile { shopifyCustomers { id store { handle } } } } }`;

async function view(h: Stack) {
  const res = await h.query(
    VIEW,
    { r: [{ __typename: 'CustomerProfile', id: 'p-shared', emails: [shared.email] }] },
    { authorization: `Bearer ${await token()}` },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data._entities[0].shopifyCustomers;
}

describe('budgets and caches per store, shared between replicas', () => {
  it("keeps each store's bucket and cache under its own Redis keys, learned from that store's own answers", async () => {
    const [a, b] = replicas as [Stack, Stack];
    const cards = [
      { id: shared.a.id, store: { handle: 'us' } },
      { id: shared.b.id, store: { handle: 'eu' } },
    ];
    expect(await view(a)).toEqual(cards);

    const [us, eu] = [new URL(pair.us.url).host, new URL(pair.eu.url).host];
    expect(await redis.hget(`${prefix}${us}:budget`, 'max')).toBe('4000');
    expect(await redis.hget(`${prefix}${eu}:budget`, 'max')).toBe('1000');
    expect(await redis.hget(`${prefix}${us}:budget`, 'rate')).toBe('200');
    expect(await redis.hget(`${prefix}${eu}:budget`, 'rate')).toBe('50');
    expect((await redis.keys(`${prefix}${us}:cache:*`)).length).toBeGreaterThan(0);
    expect((await redis.keys(`${prefix}${eu}:cache:*`)).length).toBeGreaterThan(0);

    // The other replica serves both stores' customers from the shared caches: neither store is asked again.
    const before = [await requests(pair.us), await requests(pair.eu)];
    expect(await view(b)).toEqual(cards);
    expect([await requests(pair.us), await requests(pair.eu)]).toEqual(before);
  });
});
