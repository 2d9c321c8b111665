/**
 * Webhooks with several stores: a delivery is routed by X-Shopify-Shop-Domain to its store, verified with that
 * store's own secret (another store's secret, or an unknown shop, is refused), and drops entries from that store's
 * cache only — the other store's cached customer is still served without asking Shopify.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SharedCustomer } from 'shopify-admin-simulator/testing';
import { signWebhook } from '../../src/webhooks/verify.js';
import { baseUrl, simRequests, startTwoStores, type TwoStores } from '../helpers/two-stores.js';

const SECRETS = { us: 'us-webhook-secret-for-this-test', eu: 'eu-webhook-secret-for-this-test' };
let t: TwoStores;
let shared: SharedCustomer;

beforeAll(async () => {
  t = await startTwoStores({
    customers: 30,
    entries: { us: { webhookSecretEnv: 'US_WEBHOOK_SECRET' }, eu: { webhookSecretEnv: 'EU_WEBHOOK_SECRET' } },
    env: { US_WEBHOOK_SECRET: SECRETS.us, EU_WEBHOOK_SECRET: SECRETS.eu, SHOPIFY_CACHE_TTL_S: '60' },
  });
  shared = t.shared[0]!;
});
afterAll(async () => t?.close());

async function view() {
  const body = await t.profile('shopifyCustomers { id store { handle } }', [shared.email], 'p-shared');
  expect(body.errors).toBeUndefined();
  return body.data._entities[0].shopifyCustomers;
}

async function deliver(shop: string, secret: string, customerId: string) {
  const body = JSON.stringify({ id: Number(customerId.split('/').pop()), admin_graphql_api_id: customerId, email: shared.email });
  const res = await fetch(`${baseUrl(t.h)}/webhooks/shopify`, {
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
    const { us, eu } = t.pair;
    const euDomain = new URL(eu.url).host;
    const cards = [
      { id: shared.a.id, store: { handle: 'us' } },
      { id: shared.b.id, store: { handle: 'eu' } },
    ];
    expect(await view()).toEqual(cards);
    const before = [await simRequests(us), await simRequests(eu)];
    expect(await view()).toEqual(cards);
    expect([await simRequests(us), await simRequests(eu)]).toEqual(before); // both cached

    // Signed with the us secret but naming the eu shop, or naming a shop nobody serves: refused, nothing dropped.
    expect(await deliver(euDomain, SECRETS.us, shared.b.id)).toEqual({ status: 401, result: 'unauthorized' });
    expect(await deliver('other-shop.myshopify.com', SECRETS.eu, shared.b.id)).toEqual({ status: 401, result: 'unauthorized' });
    expect(await view()).toEqual(cards);
    expect([await simRequests(us), await simRequests(eu)]).toEqual(before);

    // The eu store's own delivery: the eu entry (and its email index) is dropped, the us one is still served cached.
    expect(await deliver(euDomain, SECRETS.eu, shared.b.id)).toEqual({ status: 200, result: 'processed' });
    expect(await view()).toEqual(cards);
    expect(await simRequests(us)).toBe(before[0]);
    expect(await simRequests(eu)).toBeGreaterThan(before[1]!);

    const metrics = await fetch(`${baseUrl(t.h)}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^shopify_webhooks_total\{store="eu",topic="customers\/update",result="processed"\} 1$/m);
    expect(metrics).toMatch(/^shopify_webhooks_total\{store="eu",topic="customers\/update",result="unauthorized"\} 1$/m);
    expect(metrics).toMatch(/^shopify_webhooks_total\{store="none",topic="customers\/update",result="unauthorized"\} 1$/m);
    expect(metrics).toMatch(/^shopify_cache_invalidations_total\{store="eu",source="webhook"\} 1$/m);
    expect(metrics).not.toMatch(/^shopify_cache_invalidations_total\{store="us"/m);
  });
});
