/**
 * POST /webhooks/shopify: only bodies signed with our secret, byte for byte, are accepted; each event is handled
 * once however often and however concurrently it is delivered; a delivery drops the cache entries it names.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/webhooks/verify.js';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';

const SECRET = 'webhook-secret-for-the-webhook-test';
let h: SupergraphHarness;
let url: string;
/** The served store's domain, as Shopify names it in X-Shopify-Shop-Domain (the simulator's host:port here). */
let shopDomain: string;

beforeAll(async () => {
  h = await startSupergraph({
    simulator: { customers: 30, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    env: { SHOPIFY_WEBHOOK_SECRET: SECRET, SHOPIFY_CACHE_TTL_S: '30' },
    profiles: (all) =>
      all
        .filter((x) => x.email && x.numberOfOrders > 0)
        .slice(0, 2)
        .map((c, i) => ({ id: `p${i}`, name: `Name ${i}`, emails: [c.email!] })),
  });
  url = h.subgraphUrl.replace(/\/graphql$/, '/webhooks/shopify');
  shopDomain = new URL(h.simulatorUrl).host;
});
afterAll(async () => h?.close());

/** An orders/updated body about an order and customer no test views (invalidations here must not touch theirs). */
function orderBody() {
  return JSON.stringify({
    id: 1,
    admin_graphql_api_id: 'gid://shopify/Order/1',
    financial_status: 'paid',
    customer: { id: 2, admin_graphql_api_id: 'gid://shopify/Customer/2' },
  });
}

async function deliver(body: string | Buffer, headers: Record<string, string | undefined>) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    // a copy as a plain Uint8Array: the DOM typings now in the tree no longer take a Buffer as a BodyInit
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: Object.fromEntries(
      Object.entries({
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/updated',
        'x-shopify-shop-domain': shopDomain,
        ...headers,
      }).filter(([, v]) => v !== undefined),
    ) as Record<string, string>,
  });
  const json = (await res.json()) as { result: string };
  return { status: res.status, result: json.result, ms: performance.now() - t0 };
}

const signed = (body: string) => ({ 'x-shopify-hmac-sha256': signWebhook(body, SECRET), 'x-shopify-event-id': randomUUID() });

describe('signature', () => {
  it('a correctly signed delivery → 200, answered within 1 s', async () => {
    const body = orderBody();
    const res = await deliver(body, signed(body));
    expect(res).toMatchObject({ status: 200, result: 'processed' });
    expect(res.ms).toBeLessThan(1000);
  });

  it.each([
    ['one byte changed', (b: string) => ({ body: b.replace('paid', 'paiD'), hmac: signWebhook(b, SECRET) })],
    ['header missing', (b: string) => ({ body: b, hmac: undefined })],
    ['wrong length (an HMAC-SHA1)', (b: string) => ({ body: b, hmac: createHmac('sha1', SECRET).update(b).digest('base64') })],
    ['not base64', (b: string) => ({ body: b, hmac: '%%%not-base64%%%' })],
    ['another secret', (b: string) => ({ body: b, hmac: signWebhook(b, `${SECRET}x`) })],
    ['re-serialized body, same JSON', (b: string) => ({ body: JSON.stringify(JSON.parse(b), null, 2), hmac: signWebhook(b, SECRET) })],
  ])('%s → 401', async (_name, tamper) => {
    const { body, hmac } = tamper(orderBody());
    const res = await deliver(body, { 'x-shopify-hmac-sha256': hmac, 'x-shopify-event-id': randomUUID() });
    expect(res).toMatchObject({ status: 401, result: 'unauthorized' });
  });

  it.each([
    ['another shop', () => 'other-shop.myshopify.com'],
    ['no shop header', () => undefined],
    ['a served domain with another port', () => shopDomain.replace(/:\d+$/, ':1')],
  ])('signed with our secret but from %s → 401, nothing processed', async (_name, domain) => {
    const body = orderBody();
    const res = await deliver(body, { ...signed(body), 'x-shopify-shop-domain': domain() });
    expect(res).toMatchObject({ status: 401, result: 'unauthorized' });
  });

  it('the shop domain is compared without regard to case', async () => {
    const body = orderBody();
    const res = await deliver(body, { ...signed(body), 'x-shopify-shop-domain': ` ${shopDomain.toUpperCase()} ` });
    expect(res).toMatchObject({ status: 200, result: 'processed' });
  });

  it('a signed delivery of a topic we do not handle is acknowledged and ignored', async () => {
    const body = '{"id":1}';
    const res = await deliver(body, { ...signed(body), 'x-shopify-topic': 'products/update' });
    expect(res).toMatchObject({ status: 200, result: 'ignored' });
  });
});

describe('de-duplication', () => {
  it('the same event id three times at once is processed once', async () => {
    const body = orderBody();
    const headers = signed(body);
    const results = await Promise.all([1, 2, 3].map(() => deliver(body, headers)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(results.map((r) => r.result).sort()).toEqual(['duplicate', 'duplicate', 'processed']);
    const metrics = await fetch(url.replace('/webhooks/shopify', '/metrics')).then((r) => r.text());
    expect(metrics).toMatch(/^shopify_webhooks_total\{store="default",topic="orders\/updated",result="duplicate"\} 2$/m);
  });

  it('X-Shopify-Webhook-Id is accepted as the event id', async () => {
    const body = orderBody();
    const headers = { 'x-shopify-hmac-sha256': signWebhook(body, SECRET), 'x-shopify-webhook-id': randomUUID() };
    expect((await deliver(body, headers)).result).toBe('processed');
    expect((await deliver(body, headers)).result).toBe('duplicate');
  });
});

describe('invalidation', () => {
  it("orders/updated for a cached customer's order: the next view asks Shopify again", async () => {
    const VIEW = `{ profiles(ids: ["p0"]) { id shopifyCustomer { id } orders(limit: 3) { id } } }`;
    const first = await h.query(VIEW);
    const orderGid = first.body.data.profiles[0].orders[0].id;
    await h.sim('reset', {});
    await h.query(VIEW);
    expect((await h.sim('stats')).requests).toBe(0);

    // Only the order id: the order → customer index finds the entry.
    const body = JSON.stringify({ id: Number(orderGid.split('/').pop()), admin_graphql_api_id: orderGid });
    expect((await deliver(body, signed(body))).status).toBe(200);
    expect((await h.query(VIEW)).body).toEqual(first.body);
    expect((await h.sim('stats')).requests).toBe(1);
  });

  it('refunds/create names its order by numeric order_id', async () => {
    const VIEW = `{ profiles(ids: ["p1"]) { id orders(limit: 3) { id } } }`;
    const orderGid = (await h.query(VIEW)).body.data.profiles[0].orders[0].id;
    await h.sim('reset', {});
    await h.query(VIEW);
    expect((await h.sim('stats')).requests).toBe(0);
    const body = JSON.stringify({ id: 42, order_id: Number(orderGid.split('/').pop()), admin_graphql_api_id: 'gid://shopify/Refund/42' });
    expect((await deliver(body, { ...signed(body), 'x-shopify-topic': 'refunds/create' })).result).toBe('processed');
    await h.query(VIEW);
    expect((await h.sim('stats')).requests).toBe(1);
  });
});
