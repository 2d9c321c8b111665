/**
 * Every example operation in docs/operations, run as a frontend would: through the local supergraph that
 * `npm run dev` starts (same code, free ports), with the demo agent token, against the seeded demo store.
 * Placeholders in the variables files are filled with real ids picked from the store through the supergraph.
 */
import { randomUUID } from 'node:crypto';
import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, localSubgraphs } from '../../dev/compose.js';
import { fillPlaceholders, loadExampleOperation, loadExampleOperations, placeholdersIn } from '../../dev/operations.js';
import type { SimCustomer } from '../../dev/profiles-subgraph.js';
import { startDevStack, type DevStack } from '../../dev/stack.js';
import { silentLogger } from '../../src/logger.js';

/** Every operation this test runs, in the order it runs them (link before unlink, reads before the actions). */
const EXPECTED = [
  'three-profiles',
  'profile-card',
  'customer-search',
  'link-customer',
  'unlink-customer',
  'cancel-order',
  'refund-partial',
  'refund-full',
  'create-discount',
];

interface Money {
  amount: string;
  currencyCode: string;
}
interface CardProduct {
  id: string;
  quantity: number;
  status: string | null;
  unitPrice: Money;
}
interface CardOrder {
  id: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  canCancel: boolean;
  refundable: boolean;
  total: Money;
  totalRefunded: Money;
  products: CardProduct[];
}

let stack: DevStack;

async function run<T = any>(name: string, values: Record<string, unknown> = {}): Promise<T> {
  const op = loadExampleOperation(name);
  const variables = fillPlaceholders(op.variables, { idempotencyKey: randomUUID(), ...values });
  const res = await fetch(stack.urls.gateway!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
    body: JSON.stringify({ query: op.document, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, `${name}: ${JSON.stringify(body.errors)}`).toBeUndefined();
  expect(res.status).toBe(200);
  return body.data!;
}

const customerOfProfile = (emails: string[]): SimCustomer | undefined =>
  stack.customers.find((c) => c.email && emails.some((e) => e.toLowerCase() === c.email!.toLowerCase()));

beforeAll(async () => {
  stack = await startDevStack({
    ports: { gateway: 0, shopify: 0, profiles: 0, simulator: 0 },
    host: '127.0.0.1',
    env: { LOG_LEVEL: 'silent' },
    logger: silentLogger(),
  });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('docs/operations', () => {
  it('are exactly the operations this test runs, each with variables whose placeholders it knows', () => {
    const ops = loadExampleOperations();
    expect(ops.map((o) => o.name).sort()).toEqual([...EXPECTED].sort());
    const known = new Set([
      'profileId',
      'customerName',
      'unlinkedProfileId',
      'customerId',
      'cancellableOrderId',
      'refundableOrderId',
      'lineItemId',
      'fullyRefundableOrderId',
      'idempotencyKey',
    ]);
    for (const op of ops)
      expect(
        placeholdersIn(op.variables).filter((p) => !known.has(p)),
        op.name,
      ).toEqual([]);
  });

  it('each validates against the composed supergraph API schema', () => {
    const composition = compose(localSubgraphs({ profiles: 'http://profiles', shopify: 'http://shopify' }));
    if (!composition.ok) throw new Error(composition.errors.join('\n'));
    const schema = composition.apiSchema();
    for (const op of loadExampleOperations()) {
      expect(
        validate(schema, parse(op.document)).map((e) => e.message),
        op.name,
      ).toEqual([]);
    }
  });

  it('three-profiles: the first three profiles with their Shopify customers and latest orders', async () => {
    const data = await run<{
      profiles: Array<{ id: string; name: string; shopifyCustomer: { id: string; totalOrders: number } | null; orders: unknown[] }>;
    }>('three-profiles');
    expect(data.profiles.map((p) => p.id)).toEqual(stack.profiles.slice(0, 3).map((p) => p.id));
    data.profiles.forEach((p, i) => {
      const customer = customerOfProfile(stack.profiles[i]!.emails);
      expect(p.name).toBe(stack.profiles[i]!.name);
      expect(p.shopifyCustomer?.id ?? null).toBe(customer?.id ?? null);
      expect(p.shopifyCustomer?.totalOrders ?? null).toBe(customer?.numberOfOrders ?? null);
      expect(p.orders).toHaveLength(Math.min(2, customer?.numberOfOrders ?? 0));
    });
  });

  it('profile-card: the customer, 10 most recent orders and their products (Sandbox opens with this one)', async () => {
    const id = stack.exampleProfileId;
    const profile = stack.profiles.find((p) => p.id === id)!;
    const customer = customerOfProfile(profile.emails)!;
    const { profile: card } = await run('profile-card', { profileId: id });
    expect(card.id).toBe(id);
    expect(card.emails).toEqual(profile.emails);
    expect(card.shopifyCustomer.id).toBe(customer.id);
    expect(card.shopifyLink).toMatchObject({ method: 'AUTO_EMAIL', customerId: customer.id, matchedEmail: customer.email });
    expect(card.orders).toHaveLength(Math.min(10, customer.numberOfOrders));
    const lineItems = card.orders.flatMap((o: CardOrder) => o.products.map((p) => p.id));
    expect(card.products.map((p: CardProduct) => p.id)).toEqual(lineItems);
  });

  it('customer-search, link-customer, unlink-customer: linking a profile that has no email by hand', async () => {
    const index = stack.customers.findIndex((c) => !c.email);
    const customer = stack.customers[index]!;
    const profile = stack.profiles.find((p) => p.emails.length === 0 && p.name === customer.displayName)!;

    const { shopifyCustomerSearch } = await run<{ shopifyCustomerSearch: Array<{ id: string }> }>('customer-search', {
      customerName: customer.displayName,
    });
    expect(shopifyCustomerSearch.map((c) => c.id)).toContain(customer.id);

    const { linkShopifyCustomer } = await run('link-customer', { unlinkedProfileId: profile.id, customerId: customer.id });
    expect(linkShopifyCustomer).toMatchObject({
      profileId: profile.id,
      link: { method: 'MANUAL', customerId: customer.id, linkedBy: 'demo-agent' },
      customer: { id: customer.id, displayName: customer.displayName },
    });
    const linked = await run('profile-card', { profileId: profile.id });
    expect(linked.profile.shopifyCustomer.id).toBe(customer.id);

    const { unlinkShopifyCustomer } = await run('unlink-customer', { unlinkedProfileId: profile.id });
    expect(unlinkShopifyCustomer).toEqual({ profileId: profile.id, link: null, customer: null });
    const unlinked = await run('profile-card', { profileId: profile.id });
    expect(unlinked.profile.shopifyCustomer).toBeNull();
  });

  describe('order actions', () => {
    let cancellable: CardOrder;
    let partial: { order: CardOrder; lineItem: CardProduct };
    let full: CardOrder;

    beforeAll(async () => {
      // Read profile cards until there is a paid, never-refunded order for each action (three different orders).
      const candidates: CardOrder[] = [];
      for (const profile of stack.profiles) {
        const customer = customerOfProfile(profile.emails);
        if (!customer || customer.numberOfOrders === 0) continue;
        const { profile: card } = await run<{ profile: { orders: CardOrder[] } }>('profile-card', { profileId: profile.id });
        candidates.push(...card.orders.filter((o) => o.financialStatus === 'PAID' && o.totalRefunded.amount === '0.00'));
        // Shopify refuses to cancel an order with fulfillments, whatever canCancel says.
        const c = candidates.find((o) => o.canCancel && o.fulfillmentStatus === 'UNFULFILLED');
        const p = candidates.find((o) => o !== c && o.refundable && o.products.reduce((n, li) => n + li.quantity, 0) >= 2);
        const f = candidates.find((o) => o !== c && o !== p && o.refundable);
        if (c && p && f) {
          cancellable = c;
          partial = { order: p, lineItem: p.products.find((li) => li.quantity >= 1 && li.status !== 'Refunded')! };
          full = f;
          return;
        }
      }
      throw new Error('the demo store has no three paid orders to act on');
    }, 60_000);

    it('cancel-order: cancels, refunds and restocks an unfulfilled paid order', async () => {
      const { cancelOrder } = await run('cancel-order', { cancellableOrderId: cancellable.id });
      expect(cancelOrder.userErrors).toEqual([]);
      expect(cancelOrder.jobId).toMatch(/^gid:\/\/shopify\/Job\//);
      expect(cancelOrder.order.id).toBe(cancellable.id);
      expect(cancelOrder.order.cancelledAt).not.toBeNull();
      expect(cancelOrder.order.canCancel).toBe(false);
    });

    it('refund-partial: refunds one unit of one line item', async () => {
      const { refundOrder } = await run('refund-partial', { refundableOrderId: partial.order.id, lineItemId: partial.lineItem.id });
      expect(refundOrder.userErrors).toEqual([]);
      expect(refundOrder.refund.id).toMatch(/^gid:\/\/shopify\/Refund\//);
      expect(Number(refundOrder.refund.total.amount)).toBeGreaterThan(0);
      expect(refundOrder.order).toMatchObject({
        id: partial.order.id,
        financialStatus: 'PARTIALLY_REFUNDED',
        totalRefunded: refundOrder.refund.total,
        refundable: true,
      });
    });

    it('refund-full: refunds everything left, shipping included', async () => {
      const { refundOrder } = await run('refund-full', { fullyRefundableOrderId: full.id });
      expect(refundOrder.userErrors).toEqual([]);
      expect(refundOrder.refund.total).toEqual(full.total);
      expect(refundOrder.order).toMatchObject({ id: full.id, financialStatus: 'REFUNDED', totalRefunded: full.total, refundable: false });
    });

    it('create-discount: a single-use 15% code for one customer', async () => {
      const profile = stack.profiles.find((p) => p.id === stack.exampleProfileId)!;
      const { createDiscount } = await run('create-discount', { customerId: customerOfProfile(profile.emails)!.id });
      expect(createDiscount.userErrors).toEqual([]);
      expect(createDiscount.discount).toMatchObject({ value: '15%', usageLimit: 1, endsAt: null });
      expect(createDiscount.discount.id).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\//);
      expect(createDiscount.discount.code).toMatch(/^[A-Z0-9-]{8,}$/);
    });
  });
});
