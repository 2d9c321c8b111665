/**
 * Each store has its own circuit breaker: a store that keeps failing opens its own circuit only. Its fields are null
 * with errors naming it, the other store keeps answering from Shopify, /readyz stays ready (reporting each store's
 * circuit) until every store's circuit is open, and /metrics shows each store's breaker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedCustomers, storePair, type SharedCustomer, type StorePair } from 'shopify-admin-simulator/testing';
import { startStack, token, type Stack } from '../actions/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'stores-breakers-'));
let pair: StorePair;
let h: Stack;
let shared: SharedCustomer;

beforeAll(async () => {
  pair = await storePair({
    customers: 40,
    us: { maximumAvailable: 1e6, restoreRate: 1e6 },
    eu: { maximumAvailable: 1e6, restoreRate: 1e6 },
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
  h = await startStack({
    simulator: pair.us,
    env: {
      SHOPIFY_STORE_DOMAIN: '',
      SHOPIFY_ADMIN_ACCESS_TOKEN: '',
      SHOPIFY_STORES_FILE: path,
      US_TOKEN: pair.us.token,
      EU_TOKEN: pair.eu.token,
      SHOPIFY_BREAKER_THRESHOLD: '3',
      SHOPIFY_BREAKER_COOLDOWN_MS: '60000',
      SHOPIFY_MAX_WAIT_MS: '1000',
      SHOPIFY_TIMEOUT_MS: '500',
      SHOPIFY_CACHE_TTL_S: '0',
    },
  });
  shared = (await sharedCustomers(pair.us, pair.eu)).find((s) => s.a.numberOfOrders > 0 && s.b.numberOfOrders > 0)!;
});
afterAll(async () => {
  await h?.close();
  await pair?.close();
  rmSync(dir, { recursive: true, force: true });
});

const CARD = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile {
  id shopifyCustomers { id store { handle } } orders(limit: 10) { id store { handle } } } } }`;
const base = () => `http://127.0.0.1:${(h.app.server.http.address() as { port: number }).port}`;
const readyz = async () => {
  const res = await fetch(`${base()}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string; stores: Record<string, { circuit: string }> } };
};
const control = (sim: { url: string }, path: string, body: unknown) =>
  fetch(`${sim.url}/__simulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const stats = async (sim: { url: string }) => (await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { requests: number };

async function card() {
  const res = await h.query(
    CARD,
    { r: [{ __typename: 'CustomerProfile', id: 'p-shared', emails: [shared.email] }] },
    { authorization: `Bearer ${await token()}` },
  );
  return res.body as { data: { _entities: any[] }; errors?: Array<{ path: Array<string | number>; extensions: Record<string, unknown> }> };
}

describe('a circuit breaker per store', () => {
  it('one failing store opens its own circuit only; readiness holds until every store is open', async () => {
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', stores: { us: { circuit: 'closed' }, eu: { circuit: 'closed' } } },
    });
    const healthy = await card();
    expect(healthy.errors).toBeUndefined();
    expect(healthy.data._entities[0].shopifyCustomers).toEqual([
      { id: shared.a.id, store: { handle: 'us' } },
      { id: shared.b.id, store: { handle: 'eu' } },
    ]);

    await control(pair.eu, 'faults', { failNext: { count: 1000, status: 503 } });
    for (let i = 0; i < 3; i++) await card();
    const euState = h.app.stores.find((s) => s.handle === 'eu')!.breaker.state;
    expect([euState, h.app.stores.find((s) => s.handle === 'us')!.breaker.state]).toEqual(['open', 'closed']);

    // Open: the eu store is not called at all; the us store still is, and its data is intact.
    const [euBefore, usBefore] = [await stats(pair.eu), await stats(pair.us)];
    const partial = await card();
    expect((await stats(pair.eu)).requests).toBe(euBefore.requests);
    expect((await stats(pair.us)).requests).toBeGreaterThan(usBefore.requests);
    const entity = partial.data._entities[0];
    expect(entity.shopifyCustomers).toEqual([{ id: shared.a.id, store: { handle: 'us' } }, null]);
    expect(entity.orders.length).toBe(Math.min(10, shared.a.numberOfOrders));
    expect(entity.orders.every((o: { store: { handle: string } }) => o.store.handle === 'us')).toBe(true);
    expect(partial.errors!.map((e) => [e.path.join('.'), e.extensions.code, e.extensions.store])).toEqual([
      ['_entities.0.shopifyCustomers.1', 'SHOPIFY_UNAVAILABLE', 'eu'],
      ['_entities.0.orders', 'SHOPIFY_UNAVAILABLE', 'eu'],
    ]);

    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', stores: { us: { circuit: 'closed' }, eu: { circuit: 'open' } } },
    });
    const metrics = await fetch(`${base()}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^shopify_breaker_state\{store="eu"\} 2$/m);
    expect(metrics).toMatch(/^shopify_breaker_state\{store="us"\} 0$/m);
    expect(metrics).toMatch(/^shopify_requests_total\{store="eu",operation="ProfileCustomers",outcome="breaker_open"\} [1-9]/m);

    await control(pair.us, 'faults', { failNext: { count: 1000, status: 503 } });
    for (let i = 0; i < 3; i++) await card();
    const down = await readyz();
    expect(down.status).toBe(503);
    expect(down.body.stores).toEqual({ us: { circuit: 'open' }, eu: { circuit: 'open' } });
    await Promise.all([control(pair.us, 'faults', {}), control(pair.eu, 'faults', {})]);
  });
});
