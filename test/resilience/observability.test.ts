/**
 * Logs and metrics of a full run — reads, search, link/unlink, a refund, the webhooks it triggers, a fault: every
 * log line is JSON, Shopify requests and actions have their line, and no seeded email, name or phone, nor the access
 * token or webhook secret, appears anywhere. /metrics shows what the issue lists, from this app's own registry.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';
import type { SimCustomer } from 'shopify-admin-simulator/testing';

const SECRET = 'webhook-secret-for-the-log-test';
const TOKEN = 'shpat_simulator';
const CARD = `query($ids: [ID!]!) { profiles(ids: $ids) { id name shopifyCustomer { id displayName email phone } orders(limit: 5) { id orderNumber refundable products { name } } shopifyLink { matchedEmail } } }`;

const lines: string[] = [];
let h: SupergraphHarness;
let seeded: SimCustomer[];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  h = await startSupergraph({
    logger: createLogger({ level: 'debug', destination: sink }),
    simulator: { customers: 40, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    // The injected 500s take 4 or 5 attempts, depending on backoff jitter: a threshold above that keeps the breaker
    // closed whatever the jitter, so the metrics read below are deterministic (the breaker has its own tests).
    env: { SHOPIFY_WEBHOOK_SECRET: SECRET, SHOPIFY_MAX_WAIT_MS: '1000', SHOPIFY_TIMEOUT_MS: '800', SHOPIFY_BREAKER_THRESHOLD: '20' },
    profiles: (all) =>
      all
        .filter((c) => c.email && c.numberOfOrders > 1)
        .slice(0, 6)
        .map((c, i) => ({ id: `p${i}`, name: `Profile ${i}`, emails: [c.email!] })),
  });
  seeded = await h.sim('customers');
});
afterAll(async () => h?.close());

describe('a full run', () => {
  it('reads, search, link, an action, webhooks and a fault', async () => {
    const base = h.subgraphUrl.replace(/\/graphql$/, '');
    await h.sim('webhooks', { url: `${base}/webhooks/shopify`, secret: SECRET });
    const ids = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    const cards = await h.query(CARD, { ids });
    expect(cards.body.errors).toBeUndefined();
    await h.query(CARD, { ids }); // from the cache

    const someone = seeded.find((c) => c.email && c.phone)!;
    for (const q of [someone.email!, someone.displayName, someone.phone!, cards.body.data.profiles[0].orders[0].orderNumber]) {
      const found = await h.query(`query($q: String!) { shopifyCustomerSearch(query: $q, first: 5) { id email } }`, { q });
      expect(found.body.errors).toBeUndefined();
    }
    const link = await h.query(`mutation($c: ID!) { linkShopifyCustomer(profileId: "p5", customerId: $c) { link { method } } }`, {
      c: someone.id,
    });
    expect(link.body.errors).toBeUndefined();
    await h.query(`mutation { unlinkShopifyCustomer(profileId: "p5") { profileId } }`);

    const order = cards.body.data.profiles.flatMap((p: any) => p.orders).find((o: any) => o.refundable);
    const refund = await h.query(
      `mutation($input: ShopifyRefundOrderInput!) { refundOrder(input: $input) { refund { id } userErrors { message } } }`,
      { input: { orderId: order.id, note: `refund for ${someone.email}`, idempotencyKey: randomUUID() } },
    );
    expect(refund.body.errors).toBeUndefined();
    const { deliveries } = await h.sim('webhooks?settle');
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d: any) => d.status === 200)).toBe(true);

    await h.sim('faults', { failNext: { count: 1, status: 503 } });
    const retried = await h.query(`query($q: String!) { shopifyCustomerSearch(query: $q, first: 5) { id } }`, { q: someone.displayName });
    expect(retried.body.errors).toBeUndefined();
    await h.sim('faults', { failNext: { count: 100, status: 500 } });
    await h.query(`query($q: String!) { shopifyCustomerSearch(query: $q, first: 5) { id } }`, { q: someone.email });
    await h.sim('faults', {});
  });

  it('logs JSON lines with Shopify requests, actions and webhooks, and no PII or secrets', () => {
    const records = lines.map((l) => JSON.parse(l) as Record<string, any>);
    const shopify = records.filter((r) => r.shopify);
    expect(shopify.length).toBeGreaterThan(5);
    expect(shopify[0]!.shopify).toEqual(
      expect.objectContaining({
        operation: expect.any(String),
        outcome: 'ok',
        attempt: 1,
        durationMs: expect.any(Number),
        requestedCost: expect.any(Number),
        actualCost: expect.any(Number),
        available: expect.any(Number),
      }),
    );
    expect(shopify.some((r) => r.shopify.outcome === 'http_error' && r.shopify.status === 503)).toBe(true);
    expect(records.some((r) => r.action?.field === 'refundOrder' && r.action.outcome === 'ok')).toBe(true);
    expect(records.some((r) => r.webhook?.result === 'processed')).toBe(true);

    const text = lines.join('\n');
    const leaks: string[] = [];
    const words = (s: string | null) => (s ? [s] : []);
    for (const c of seeded) {
      for (const value of [...words(c.email), ...words(c.phone), c.displayName]) if (text.includes(value)) leaks.push(value);
      for (const name of [...words(c.firstName), ...words(c.lastName)]) {
        if (name.length >= 3 && new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text)) leaks.push(name);
      }
    }
    expect(leaks).toEqual([]);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
  });

  it("/metrics: requests by outcome, cost, batch sizes, cache, resolver latency, breaker — this app's registry only", async () => {
    const res = await fetch(h.subgraphUrl.replace(/\/graphql$/, '/metrics'));
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const pattern of [
      /^shopify_requests_total\{store="default",operation="ProfileCustomers",outcome="ok"\} [1-9]/m,
      /^shopify_requests_total\{store="default",operation="CustomerSearch",outcome="http_error"\} [1-9]/m,
      /^shopify_cost_points_total\{store="default",kind="actual"\} [1-9]/m,
      /^shopify_waits_total\{store="default",reason="backoff"\} [1-9]/m,
      /^shopify_customer_batch_size_bucket\{le="10",store="default"\} [1-9]/m,
      /^shopify_cache_lookups_total\{store="default",result="hit"\} [1-9]/m,
      /^graphql_resolver_duration_seconds_count\{field="CustomerProfile.orders"\} [1-9]/m,
      /^graphql_resolver_duration_seconds_count\{field="Mutation.refundOrder"\} 1$/m,
      /^shopify_breaker_state\{store="default"\} 0$/m,
      /^shopify_webhooks_total\{store="default",topic="refunds\/create",result="processed"\} 1$/m,
      /^shopify_budget_available_points\{store="default"\} \d+/m,
      /^process_cpu_user_seconds_total /m,
    ])
      expect(text).toMatch(pattern);
    // Only the I/O resolvers are timed: plain reads such as an order's number are not.
    expect(text).not.toMatch(/field="ShopifyOrder\.orderNumber"/);
  });
});
