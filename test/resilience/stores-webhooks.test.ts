/**
 * Webhooks with several stores: a delivery is routed by X-Shopify-Shop-Domain to its store, verified with that
 * store's own secret (another store's secret, or an unknown shop, is refused), and drops entries from that store's
 * cache only — the other store's cached customer is still served without asking Shopify.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedCustomers, storePair, type SharedCustomer, type StorePair } from 'shopify-admin-simulator/testing';
import { signWebhook } from '../../src/webhooks/verify.js';
import { startStack, token, type Stack } from '../actions/helpers.js';

const SECRETS = { us: 'us-webhook-secret-for-this-test', eu: 'eu-webhook-secret-for-this-test' };
const dir = mkdtempSync(join(tmpdir(), 'stores-webhooks-'));
let pair: StorePair;
let h: Stack;
let shared: SharedCustomer;

beforeAll(async () => {
  pair = await storePair({
    customers: 30,
    us: { maximumAvailable: 1e6, restoreRate: 1e6 },
    eu: { maximumAvailable: 1e6, restoreRate: 1e6 },
  });
  const path = join(dir, 'stores.json');
  writeFileSync(
    path,
    JSON.stringify({
      stores: [
        { handle: 'us', name: 'US store', domain: pair.us.url, tokenEnv: 'US_TOKEN', webhookSecretEnv: 'US_WEBHOOK_SECRET' },
        { handle: 'eu', name: 'EU store', domain: pair.eu.url, tokenEnv: 'EU_TOKEN', webhookSecretEnv: 'EU_WEBHOOK_SECRET' },
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
      US_WEBHOOK_SECRET: SECRETS.us,
      EU_WEBHOOK_SECRET: SECRETS.eu,
      SHOPIFY_CACHE_TTL_S: '60',
    },
  });
  shared = (await sharedCustomers(pair.us, pair.eu))[0]!;
});
afterAll(async () => {
  await h?.close();
  await pair?.close();
  rmSync(dir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${(h.app.server.http.address() as { port: number }).port}`;
const requests = async (sim: { url: string }) =>
  ((await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { requests: number }).requests;
const VIEW = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile { shopifyCustomers { id store { handle } } } } }`;

async function view() {
  const res = await h.query(
    VIEW,
    { r: [{ __typename: 'CustomerProfile', id: 'p-shared', emails: [shared.email] }] },
    { authorization: `Bearer ${await token()}` },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data._entities[0].shopifyCustomers;
}

async function deliver(shop: string, secret: string, customerId: string) {
  const body = JSON.stringify({ id: Number(customerId.split('/').pop()), admin_graphql_api_id: customerId, email: shared.email });
  const res = await fetch(`${base()}/webhooks/shopify`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'customers/update',
      'x-shopify-shop-domain': shop,
      'x-shopify-hmac-sha256': signWebhook(body, secret),
      'x-shopify-event-id': randomUUID(),
    },
  });
  return { status: res.status, result: ((await res.json()) as { result: string }).result };
}

describe('webhooks with several stores', () => {
  it("are verified with the named store's secret and drop that store's cache entries only", async () => {
    const euDomain = new URL(pair.eu.url).host;
    const cards = [
      { id: shared.a.id, store: { handle: 'us' } },
      { id: shared.b.id, store: { handle: 'eu' } },
    ];
    expect(await view()).toEqual(cards);
    const before = [await requests(pair.us), await requests(pair.eu)];
    expect(await view()).toEqual(cards);
    expect([await requests(pair.us), await requests(pair.eu)]).toEqual(before); // both cached

    // Signed with the us secret but naming the eu shop, or naming a shop nobody serves: refused, nothing dropped.
    expect(await deliver(euDomain, SECRETS.us, shared.b.id)).toEqual({ status: 401, result: 'unauthorized' });
    expect(await deliver('other-shop.myshopify.com', SECRETS.eu, shared.b.id)).toEqual({ status: 401, result: 'unauthorized' });
    expect(await view()).toEqual(cards);
    expect([await requests(pair.us), await requests(pair.eu)]).toEqual(before);

    // The eu store's own delivery: the eu entry (and its email index) is dropped, the us one is still served cached.
    expect(await deliver(euDomain, SECRETS.eu, shared.b.id)).toEqual({ status: 200, result: 'processed' });
    expect(await view()).toEqual(cards);
    expect(await requests(pair.us)).toBe(before[0]);
    expect(await requests(pair.eu)).toBeGreaterThan(before[1]!);

    const metrics = await fetch(`${base()}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^shopify_webhooks_total\{store="eu",topic="customers\/update",result="processed"\} 1$/m);
    expect(metrics).toMatch(/^shopify_webhooks_total\{store="eu",topic="customers\/update",result="unauthorized"\} 1$/m);
    expect(metrics).toMatch(/^shopify_webhooks_total\{store="none",topic="customers\/update",result="unauthorized"\} 1$/m);
    expect(metrics).toMatch(/^shopify_cache_invalidations_total\{store="eu",source="webhook"\} 1$/m);
    expect(metrics).not.toMatch(/^shopify_cache_invalidations_total\{store="us"/m);
  });
});
