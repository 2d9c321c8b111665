/**
 * Each card asks for the orders its customer has: when the email lookup ran first (a batch of several requests, or a
 * bucket too low to hold the batch), its `numberOfOrders` sizes `orders(first:)`, so a customer with 2 orders does not
 * hold the points of 10. A count that went stale between the lookup and the card (an order placed meanwhile) is seen
 * by the page's `hasNextPage` and the card is asked again in full: the answer is never short of an order. Against the
 * simulator; the requests are read off the wire (the client's fetch records what it sends and passes it on).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from 'shopify-admin-simulator';
import { control, simulator } from 'shopify-admin-simulator/testing';
import { silentLogger } from '../../src/logger.js';
import { LocalCostBudget, type CostBudget } from '../../src/shopify/budget.js';
import { createShopifyClient } from '../../src/shopify/client.js';
import { ShopifyCustomerSource } from '../../src/shopify/customers.js';
import { OrderCounts } from '../../src/shopify/order-counts.js';
import { parseStoreDomain } from '../../src/shopify/transport.js';
import type { CustomerHit, CustomerTarget, FetchPlan } from '../../src/domain/lookup.js';

interface SimCustomer {
  id: string;
  email: string | null;
  numberOfOrders: number;
}
interface Sent {
  operation: string;
  variables: Record<string, unknown>;
}

const PLAN: FetchPlan = { ordersFirst: 10, lineItems: true, tracking: true, location: false };

let sim: Simulator;
let customers: SimCustomer[];
let sent: Sent[];
/** Runs after each answer of this operation has been read off the wire (a test's chance to change the store). */
let afterAnswer: ((operation: string) => Promise<void>) | null = null;

function source(budget: CostBudget = new LocalCostBudget()) {
  const recording: typeof fetch = async (input, init) => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: Record<string, unknown> };
    const operation = /(?:query|mutation)\s+(\w+)/.exec(body.query)![1]!;
    sent.push({ operation, variables: body.variables });
    const res = await fetch(input, init);
    const text = await res.text();
    await afterAnswer?.(operation);
    return new Response(text, { status: res.status, headers: res.headers });
  };
  const client = createShopifyClient({
    endpoint: parseStoreDomain(sim.storeDomain),
    accessToken: sim.token,
    apiVersion: sim.apiVersion,
    timeoutMs: 5_000,
    maxWaitMs: 5_000,
    logger: silentLogger(),
    budget,
    fetch: recording,
  });
  return new ShopifyCustomerSource(client);
}

const byEmail = (c: SimCustomer): CustomerTarget => ({ kind: 'emails', emails: [c.email!.toLowerCase()] });
const orderIds = (hit: CustomerHit | null | Error) => (hit as CustomerHit).bundle.orders!.map((o) => o.id);
/** The customer's orders, newest first, as the simulator holds them. */
async function ordersOf(c: SimCustomer): Promise<string[]> {
  const all = await control<Array<{ id: string; customerId: string | null; createdAt: string }>>(sim, 'orders');
  return all
    .filter((o) => o.customerId === c.id)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || Number(b.id.split('/').pop()) - Number(a.id.split('/').pop()))
    .slice(0, 10)
    .map((o) => o.id);
}

beforeAll(async () => {
  sim = await simulator();
  customers = (await control<SimCustomer[]>(sim, 'customers')).filter((c) => c.email);
});
afterAll(() => sim?.close());
beforeEach(async () => {
  await control(sim, 'reset', {});
  sent = [];
  afterAnswer = null;
});

describe('orders(first:) sized by numberOfOrders', () => {
  const pick = (n: (k: number) => boolean, count: number, from = 0) =>
    customers.filter((c) => n(c.numberOfOrders)).slice(from, from + count);
  /** A source whose store has shown, in earlier cards, customers with these order counts. */
  async function taught(counts: (k: number) => boolean): Promise<ShopifyCustomerSource> {
    const s = source();
    const earlier = pick(counts, 20, 10);
    expect(earlier).toHaveLength(20);
    await s.load(
      earlier.map((c) => ({ kind: 'id', customerId: c.id })),
      PLAN,
    );
    sent = [];
    return s;
  }

  it('in a store whose customers have few orders, a several-request batch looks the emails up first and sizes each card request', async () => {
    // Direct, 12 cards of 10 orders take 4 requests; looked up first, 1 + 1 (the extra round trip must halve them).
    const chosen = [...pick((k) => k === 0, 6), ...pick((k) => k >= 1 && k <= 2, 6)];
    expect(chosen).toHaveLength(12);
    const hits = await (await taught((k) => k <= 2)).load(chosen.map(byEmail), PLAN);

    for (const [i, c] of chosen.entries()) expect(orderIds(hits[i]!)).toEqual(await ordersOf(c));
    expect(sent[0]!.operation).toBe('CustomerIdsByEmail');
    const cards = sent.filter((s) => s.operation === 'ProfileCustomers');
    const countOf = new Map(chosen.map((c) => [c.id, c.numberOfOrders]));
    for (const card of cards) {
      const ids = card.variables.ids as string[];
      // the largest count among the request's customers, at least 1, at most the 10 asked
      expect(card.variables.ordersFirst).toBe(Math.min(10, Math.max(1, ...ids.map((id) => countOf.get(id)!))));
    }
    // Every customer in exactly one card request
    expect(cards.flatMap((c) => c.variables.ids as string[]).sort()).toEqual(chosen.map((c) => c.id).sort());
    expect(cards.some((c) => (c.variables.ordersFirst as number) < 10)).toBe(true);
  });

  it('in a store whose customers have many orders, a several-request batch goes straight to the cards: a lookup would not pay', async () => {
    const chosen = [...pick((k) => k === 0, 3), ...pick((k) => k >= 1 && k <= 3, 3), ...pick((k) => k >= 10, 2)];
    const hits = await (await taught((k) => k >= 10)).load(chosen.map(byEmail), PLAN);
    for (const [i, c] of chosen.entries()) expect(orderIds(hits[i]!)).toEqual(await ordersOf(c));
    expect(new Set(sent.map((s) => s.operation))).toEqual(new Set(['ProfileCustomers']));
    expect(sent.every((s) => s.variables.ordersFirst === 10)).toBe(true);
  });

  it('an order placed between the lookup and the card: the short page is seen and the card asked again in full', async () => {
    const few = customers.filter((c) => c.numberOfOrders === 1).slice(0, 3);
    const target = few[0]!;
    afterAnswer = async (operation) => {
      if (operation !== 'CustomerIdsByEmail') return;
      afterAnswer = null;
      for (let i = 0; i < 3; i++) await control(sim, 'orders', { customerId: target.id });
    };
    // Three cards fit one request: a short bucket is what makes the lookup go first (see the next test).
    const budget = new LocalCostBudget();
    budget.settle(0, { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 }, 0);
    const hits = await source(budget).load(few.map(byEmail), PLAN);

    expect(orderIds(hits[0]!)).toHaveLength(4);
    expect(orderIds(hits[0]!)).toEqual(await ordersOf(target));
    for (const [i, c] of few.entries()) expect(orderIds(hits[i]!)).toEqual(await ordersOf(c));
    const cards = sent.filter((s) => s.operation === 'ProfileCustomers');
    expect(cards.map((c) => [c.variables.ids, c.variables.ordersFirst])).toEqual([
      [few.map((c) => c.id), 1],
      [[target.id], 10],
    ]);
  });

  it('one cold card goes straight to Shopify while the bucket holds it, and is sized once the bucket runs short', async () => {
    const c = customers.find((x) => x.numberOfOrders === 2)!;
    const roomy = new LocalCostBudget();
    roomy.settle(0, { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 }, 0);
    expect(orderIds((await source(roomy).load([byEmail(c)], PLAN))[0]!)).toEqual(await ordersOf(c));
    expect(sent.map((s) => [s.operation, s.variables.ordersFirst])).toEqual([['ProfileCustomers', 10]]);

    sent = [];
    const short = new LocalCostBudget();
    short.settle(0, { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 }, 0);
    expect(orderIds((await source(short).load([byEmail(c)], PLAN))[0]!)).toEqual(await ordersOf(c));
    expect(sent.map((s) => [s.operation, s.variables.ordersFirst])).toEqual([
      ['CustomerIdsByEmail', undefined],
      ['ProfileCustomers', 2],
    ]);
  });
});

describe('a store’s typical order count', () => {
  it('is unknown until 16 customers were seen, then the 75th percentile of the last 256, between 1 and the page asked', () => {
    const counts = new OrderCounts();
    for (let i = 0; i < 15; i++) counts.add(2);
    expect(counts.typical(10)).toBeUndefined();
    counts.add(40); // capped at 10
    expect(counts.typical(10)).toBe(2);
    for (let i = 0; i < 8; i++) counts.add(10);
    // 15 × 2, 9 × 10 of 24: the 18th is a 10
    expect(counts.typical(10)).toBe(10);
    expect(counts.typical(5)).toBe(5);
    for (let i = 0; i < 256; i++) counts.add(0);
    // the window forgot the older counts; a page is never smaller than 1
    expect(counts.typical(10)).toBe(1);
  });
});
