/**
 * What managed webhooks buy: orders/create and customers/create reach cached cards (a cached "no customer" included)
 * without waiting for a TTL, and while the store's webhooks are verified its entries live SHOPIFY_CACHE_TTL_WEBHOOKS_S
 * instead of SHOPIFY_CACHE_TTL_S; when verification lapses (here: our own cancel's webhook never arrives, because the
 * app's secret no longer matches) the short TTL applies again, to entries written before the lapse too.
 * The cache and the webhook health read an injected clock; deliveries are real ones from the simulator.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'shopify-admin-simulator';
import { silentLogger } from '../../src/logger.js';
import { WebhookHealth } from '../../src/webhooks/health.js';
import { asAgent, CANCEL, newKey, startTestSimulator } from '../actions/helpers.js';
import { control, freePort, metricsOf, SECRET, startManaged, type ManagedStack } from '../helpers/managed-webhooks.js';

let sim: Simulator;
let stack: ManagedStack;
let now = Date.parse('2026-12-01T09:00:00Z');

beforeAll(async () => {
  sim = await startTestSimulator();
  await control(sim, 'app', { webhookSecret: SECRET });
  stack = await startManaged(sim, {
    port: await freePort(),
    env: { SHOPIFY_CACHE_TTL_S: '30', SHOPIFY_CACHE_TTL_WEBHOOKS_S: '600', SHOPIFY_WEBHOOKS_EXPECT_S: '60' },
    build: { clock: () => now },
  });
  expect(await stack.app.stores[0]!.webhooks.firstCheck).toMatchObject({ outcome: 'created', created: 6 });
});
afterAll(async () => {
  await stack?.close();
  await sim?.close();
});

const requests = async () => (await control<{ requests: number }>(sim, 'stats')).requests;
const settle = () => control(sim, 'webhooks?settle');
const health = () => stack.app.stores[0]!.webhooks.health;

async function card(email: string) {
  const body = await stack.profile('shopifyCustomer { id } orders(limit: 10) { id }', [email]);
  expect(body.errors).toBeUndefined();
  return body.data._entities[0];
}

/** A customer with an email and orders, not used by another test. */
async function someCustomer(skip: number): Promise<{ id: string; email: string }> {
  const all = await control<Array<{ id: string; email: string | null; numberOfOrders: number }>>(sim, 'customers');
  return all.filter((c) => c.email && c.numberOfOrders > 0)[skip] as { id: string; email: string };
}

describe('new customers and orders reach the cache', () => {
  it('a profile cached as "no customer" shows the customer created meanwhile (customers/create)', async () => {
    const email = `new-${randomUUID()}@example.com`;
    expect(await card(email)).toEqual({ shopifyCustomer: null, orders: [] });
    const before = await requests();
    expect(await card(email)).toEqual({ shopifyCustomer: null, orders: [] });
    expect(await requests()).toBe(before); // the "no customer" is cached

    const created = await control<{ id: string }>(sim, 'customers', { email, firstName: 'New', lastName: 'Customer' });
    const { deliveries } = await settle();
    expect(deliveries.filter((d: any) => d.topic === 'customers/create').map((d: any) => d.status)).toEqual([200]);
    expect(await card(email)).toEqual({ shopifyCustomer: { id: created.id }, orders: [] });
  });

  it("a new order shows on its customer's cached card (orders/create)", async () => {
    const customer = await someCustomer(0);
    const first = await card(customer.email);
    const before = await requests();
    expect(await card(customer.email)).toEqual(first);
    expect(await requests()).toBe(before);

    const order = await control<{ id: string }>(sim, 'orders', { customerId: customer.id });
    const { deliveries } = await settle();
    expect(deliveries.filter((d: any) => d.topic === 'orders/create').map((d: any) => d.status)).toEqual([200]);
    const after = await card(customer.email);
    expect(after.orders.map((o: any) => o.id)).toContain(order.id);
    expect(after.orders.length).toBe(Math.min(10, first.orders.length + 1));
  });
});

describe('the cache TTL follows webhook verification', () => {
  it('verified: an entry outlives the short TTL and expires at the long one; lapsed: the short TTL applies to it again', async () => {
    // A signed delivery after the subscriptions were confirmed: verified.
    await control(sim, 'customers', { email: `ping-${randomUUID()}@example.com` });
    await settle();
    expect(health().verified()).toBe(true);
    let metrics = await metricsOf(stack);
    expect(metrics).toMatch(/^shopify_webhooks_verified\{store="default"\} 1$/m);
    expect(metrics).toMatch(/^shopify_cache_ttl_seconds\{store="default"\} 600$/m);

    const { email } = await someCustomer(1);
    let count = await requests();
    const view = await card(email);
    expect(await requests()).toBeGreaterThan(count);

    now += 45_000; // past SHOPIFY_CACHE_TTL_S, within SHOPIFY_CACHE_TTL_WEBHOOKS_S
    count = await requests();
    expect(await card(email)).toEqual(view);
    expect(await requests()).toBe(count);

    now += 560_000; // 605 s after it was written: past the long TTL
    expect(await card(email)).toEqual(view);
    expect(await requests()).toBeGreaterThan(count);

    // Our own cancel, while Shopify signs with a secret we do not have: its webhook never arrives as a signed one.
    await control(sim, 'app', { webhookSecret: 'a-rotated-secret-we-were-not-told' });
    const order = await control<{ id: string }>(sim, 'orders', { customerId: (await someCustomer(2)).id });
    await settle();
    const res = await asAgent(stack, CANCEL, {
      input: { orderId: order.id, reason: 'CUSTOMER', refund: false, restock: false, idempotencyKey: newKey() },
    });
    expect(res.body.data.cancelOrder.userErrors).toEqual([]);
    await settle();
    now += 40_000; // the entry (written 40 s ago) is past the short TTL; the cancel's webhook is not overdue yet
    count = await requests();
    expect(await card(email)).toEqual(view);
    expect(await requests()).toBe(count);
    expect(health().verified()).toBe(true);

    now += 21_000; // 61 s after the cancel: overdue, so the store's TTL is 30 s, and the 61 s old entry is a miss
    expect(health().verified()).toBe(false);
    expect(await card(email)).toEqual(view);
    expect(await requests()).toBeGreaterThan(count);
    metrics = await metricsOf(stack);
    expect(metrics).toMatch(/^shopify_webhooks_verified\{store="default"\} 0$/m);
    expect(metrics).toMatch(/^shopify_cache_ttl_seconds\{store="default"\} 30$/m);

    // A signed delivery again (the secret put back): verified, long TTL.
    await control(sim, 'app', { webhookSecret: SECRET });
    await control(sim, 'customers', { email: `ping-${randomUUID()}@example.com` });
    await settle();
    expect(health().verified()).toBe(true);
  });
});

describe('webhook health', () => {
  const at = { t: 0 };
  const make = (declared = false) =>
    new WebhookHealth({ recentMs: 60_000, expectWithinMs: 10_000, declared, logger: silentLogger(), now: () => at.t });

  it('needs confirmed subscriptions and a recent signed delivery', () => {
    const h = make();
    h.delivered([]);
    expect(h.verified()).toBe(false); // not subscribed
    h.subscriptionsConfirmed(true);
    expect(h.verified()).toBe(true);
    at.t += 60_001;
    expect(h.verified()).toBe(false); // quiet for longer than recent
    h.delivered([]);
    expect(h.verified()).toBe(true);
    h.subscriptionsConfirmed(false);
    expect(h.verified()).toBe(false);
  });

  it('an own change is settled by its webhook, and an overdue one by any later delivery', () => {
    const h = make(true);
    h.delivered([]);
    h.expect(['gid://shopify/Order/1']);
    at.t += 5_000;
    h.delivered(['gid://shopify/Order/1']);
    at.t += 20_000;
    expect(h.verified()).toBe(true); // settled in time

    h.expect(['gid://shopify/Order/2']);
    at.t += 10_001;
    expect(h.verified()).toBe(false); // overdue
    h.delivered(['gid://shopify/Order/3']);
    expect(h.verified()).toBe(true); // the pipe works again

    // A webhook that overtook the answer to our own mutation counts.
    h.delivered(['gid://shopify/Order/4']);
    h.expect(['gid://shopify/Order/4']);
    at.t += 10_001;
    expect(h.verified()).toBe(true);
  });
});
