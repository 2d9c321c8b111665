/**
 * Every example operation in docs/operations, run as a frontend would: through the local supergraph that
 * `npm run dev` starts (same code, free ports), with the demo agent token, against the two seeded demo stores
 * (`us` in USD, `eu` in EUR, sharing some customers). Placeholders in the variables files are filled with real ids
 * picked from the stores through the supergraph; the variables name the `us` store where one must be named.
 */
import { randomUUID } from 'node:crypto';
import { parse, validate } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, localSubgraphs } from '../../dev/compose.js';
import { fillPlaceholders, loadExampleOperation, loadExampleOperations, placeholdersIn } from '../../dev/operations.js';
import type { SimCustomer } from '../../dev/profiles-subgraph.js';
import { startDevStack, type DevStack, type DevStore } from '../../dev/stack.js';
import { silentLogger } from '../../src/logger.js';

/** Every operation this test runs, in the order it runs them (link before unlink, reads before the actions). */
const EXPECTED = [
  'three-profiles',
  'profile-card',
  'two-store-card',
  'customer-search',
  'link-customer',
  'unlink-customer',
  'cancel-order',
  'refund-partial',
  'refund-full',
  'update-order-note',
  'update-order-tags',
  'update-shipping-address',
  'create-replacement-order',
  'refund-requests',
  'approve-refund-request',
  'reject-refund-request',
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
  store: { handle: string };
  createdAt: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  canCancel: boolean;
  refundable: boolean;
  total: Money;
  totalRefunded: Money;
  products: CardProduct[];
}

let stack: DevStack;

const AUTH_JWT_SECRET = 'operations-test-secret-0123456789-abcdefghij';

/** A token of another agent than the demo one: a refund limit of 1.00 in every store, so its refunds need approval. */
function limitedAgentToken(): Promise<string> {
  return new SignJWT({ scope: 'shopify:read shopify:orders:refund', shopify_refund_limit: '1.00' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('limited-agent')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(AUTH_JWT_SECRET));
}

async function run<T = any>(name: string, values: Record<string, unknown> = {}, token = stack.token): Promise<T> {
  const op = loadExampleOperation(name);
  const variables = fillPlaceholders(op.variables, { idempotencyKey: randomUUID(), ...values });
  const res = await fetch(stack.urls.gateway!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: op.document, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, `${name}: ${JSON.stringify(body.errors)}`).toBeUndefined();
  expect(res.status).toBe(200);
  return body.data!;
}

/** The store whose handle the example variables name where a store must be named. */
const NAMED_STORE = 'us';

/** The profile's customer in each store where one has one of its emails (auto-linking finds it), in store order. */
const customersOfProfile = (emails: string[]): Array<{ store: DevStore; customer: SimCustomer }> =>
  stack.stores.flatMap((store) => {
    const customer = store.customers.find((c) => c.email && emails.some((e) => e.toLowerCase() === c.email!.toLowerCase()));
    return customer ? [{ store, customer }] : [];
  });
/** The customer `shopifyCustomer` gives: the one in the first store that has one. */
async function gqlThroughGateway<T>(query: string, variables: Record<string, unknown>, token = stack.token): Promise<T> {
  const res = await fetch(stack.urls.gateway!, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  return body.data!;
}

const customerOfProfile = (emails: string[]): SimCustomer | undefined => customersOfProfile(emails)[0]?.customer;
const ordersOfProfile = (emails: string[]): number =>
  customersOfProfile(emails).reduce((n, { customer }) => n + customer.numberOfOrders, 0);
const currencyOf = (handle: string): string => stack.stores.find((s) => s.handle === handle)!.currencyCode;

/** Newest first, as the merged order list must be (ties keep any order). */
function expectNewestFirst(orders: ReadonlyArray<{ createdAt: string }>): void {
  const times = orders.map((o) => Date.parse(o.createdAt));
  expect(times.every((t) => Number.isFinite(t))).toBe(true);
  expect(times).toEqual([...times].sort((a, b) => b - a));
}

beforeAll(async () => {
  stack = await startDevStack({
    ports: { gateway: 0, shopify: 0, profiles: 0, simulator: 0, simulatorEu: 0 },
    host: '127.0.0.1',
    // A known secret, so this test can sign the token of a second agent (one with a refund limit).
    env: { LOG_LEVEL: 'silent', AUTH_JWT_SECRET },
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
      'orderId',
      'unshippedOrderId',
      'shippedOrderId',
      'shippedLineItemId',
      'requestProfileId',
      'refundRequestId',
      'otherRefundRequestId',
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
      const emails = stack.profiles[i]!.emails;
      const customer = customerOfProfile(emails);
      expect(p.name).toBe(stack.profiles[i]!.name);
      expect(p.shopifyCustomer?.id ?? null).toBe(customer?.id ?? null);
      expect(p.shopifyCustomer?.totalOrders ?? null).toBe(customer?.numberOfOrders ?? null);
      // the latest orders of the profile's customers in every store it is linked in
      expect(p.orders).toHaveLength(Math.min(2, ordersOfProfile(emails)));
    });
  });

  it('profile-card: the customer, 10 most recent orders of both stores and their products (Sandbox opens with this one)', async () => {
    const id = stack.exampleProfileId;
    const profile = stack.profiles.find((p) => p.id === id)!;
    const linked = customersOfProfile(profile.emails);
    expect(linked.map((l) => l.store.handle)).toEqual(['us', 'eu']);
    const [us] = linked;
    const { profile: card } = await run('profile-card', { profileId: id });
    expect(card.id).toBe(id);
    expect(card.emails).toEqual(profile.emails);
    expect(card.shopifyCustomer).toMatchObject({ id: us!.customer.id, store: { handle: 'us', name: us!.store.name } });
    expect(card.shopifyLink).toMatchObject({ method: 'AUTO_EMAIL', customerId: us!.customer.id, matchedEmail: us!.customer.email });
    expect(card.orders).toHaveLength(Math.min(10, ordersOfProfile(profile.emails)));
    expectNewestFirst(card.orders);
    for (const order of card.orders as CardOrder[]) {
      expect(order.total.currencyCode, order.id).toBe(currencyOf(order.store.handle));
      for (const li of order.products) expect(li.unitPrice.currencyCode, li.id).toBe(currencyOf(order.store.handle));
    }
    const lineItems = card.orders.flatMap((o: CardOrder) => o.products.map((p) => p.id));
    expect(card.products.map((p: CardProduct) => p.id)).toEqual(lineItems);
  });

  it('two-store-card: the customer in each store in its own currency, and both stores’ orders merged newest first', async () => {
    const id = stack.exampleProfileId;
    const profile = stack.profiles.find((p) => p.id === id)!;
    const linked = customersOfProfile(profile.emails);
    const data = await run<{
      shopifyStores: Array<{ handle: string; name: string; domain: string; currencyCode: string | null }>;
      profile: {
        id: string;
        shopifyCustomers: Array<{
          id: string;
          displayName: string;
          store: { handle: string; currencyCode: string | null };
          totalOrders: number;
          totalSpent: Money;
        } | null>;
        orders: Array<{ id: string; orderNumber: string; createdAt: string; store: { handle: string }; total: Money }>;
      };
    }>('two-store-card', { profileId: id });

    expect(data.shopifyStores).toEqual(
      stack.stores.map((s) => ({ handle: s.handle, name: s.name, domain: expect.any(String), currencyCode: s.currencyCode })),
    );
    expect(data.shopifyStores.map((s) => [s.handle, s.currencyCode])).toEqual([
      ['us', 'USD'],
      ['eu', 'EUR'],
    ]);

    // One customer per store, each the store's own (its id, its orders), with its total in its store's currency:
    // exactly what that store says the customer spent, never the two amounts added up.
    const customers = data.profile.shopifyCustomers;
    expect(customers).toHaveLength(2);
    customers.forEach((c, i) => {
      const { store, customer } = linked[i]!;
      expect(c).toMatchObject({
        id: customer.id,
        displayName: customer.displayName,
        store: { handle: store.handle, currencyCode: store.currencyCode },
        totalOrders: customer.numberOfOrders,
        totalSpent: { amount: customer.amountSpent, currencyCode: store.currencyCode },
      });
    });
    expect(customers[0]!.id).not.toBe(customers[1]!.id);
    expect(customers[0]!.totalSpent.currencyCode).not.toBe(customers[1]!.totalSpent.currencyCode);

    // The example profile has orders in both stores and at most 10 in all, so the card holds every one of them.
    const orders = data.profile.orders;
    const expectedCount = Math.min(10, ordersOfProfile(profile.emails));
    expect(orders).toHaveLength(expectedCount);
    expect(new Set(orders.map((o) => o.store.handle))).toEqual(new Set(['us', 'eu']));
    expectNewestFirst(orders);
    for (const o of orders) expect(o.total.currencyCode, o.orderNumber).toBe(currencyOf(o.store.handle));
    for (const { store, customer } of linked) {
      expect(orders.filter((o) => o.store.handle === store.handle)).toHaveLength(Math.min(customer.numberOfOrders, expectedCount));
    }

    // The merge is each store's own list interleaved by date: read them one store at a time and compare.
    const perStore = await gqlThroughGateway<{ profile: Record<string, Array<{ id: string; createdAt: string }>> }>(
      `query($id: ID!) { profile(id: $id) { us: orders(limit: 10, stores: ["us"]) { id createdAt } eu: orders(limit: 10, stores: ["eu"]) { id createdAt } } }`,
      { id },
    );
    const merged = [...perStore.profile.us!, ...perStore.profile.eu!]
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .slice(0, 10);
    expect(new Set(orders.map((o) => o.id))).toEqual(new Set(merged.map((o) => o.id)));
  });

  it('customer-search, link-customer, unlink-customer: linking a profile that has no email by hand, in the us store', async () => {
    const us = stack.stores.find((s) => s.handle === NAMED_STORE)!;
    const customer = us.customers.find((c) => !c.email)!;
    const profile = stack.profiles.find((p) => p.emails.length === 0 && p.name === customer.displayName)!;

    const { shopifyCustomerSearch } = await run<{ shopifyCustomerSearch: Array<{ id: string; store: { handle: string } }> }>(
      'customer-search',
      { customerName: customer.displayName },
    );
    expect(shopifyCustomerSearch.map((c) => c.id)).toContain(customer.id);
    expect(new Set(shopifyCustomerSearch.map((c) => c.store.handle))).toEqual(new Set([NAMED_STORE]));

    const { linkShopifyCustomer } = await run('link-customer', { unlinkedProfileId: profile.id, customerId: customer.id });
    expect(linkShopifyCustomer).toMatchObject({
      profileId: profile.id,
      link: { method: 'MANUAL', customerId: customer.id, linkedBy: 'demo-agent' },
      customer: { id: customer.id, displayName: customer.displayName },
    });
    const linked = await run('profile-card', { profileId: profile.id });
    expect(linked.profile.shopifyCustomer).toMatchObject({ id: customer.id, store: { handle: NAMED_STORE } });
    expect(linked.profile.shopifyLink).toMatchObject({ method: 'MANUAL', customerId: customer.id });
    // linked in the us store only
    const twoStores = await run('two-store-card', { profileId: profile.id });
    expect(twoStores.profile.shopifyCustomers.map((c: { store: { handle: string } }) => c.store.handle)).toEqual([NAMED_STORE]);

    const { unlinkShopifyCustomer } = await run('unlink-customer', { unlinkedProfileId: profile.id });
    expect(unlinkShopifyCustomer).toEqual({ profileId: profile.id, link: null, customer: null });
    const unlinked = await run('profile-card', { profileId: profile.id });
    expect(unlinked.profile.shopifyCustomer).toBeNull();
  });

  describe('order actions (in the us store, as the variables name it)', () => {
    let cancellable: CardOrder;
    let partial: { order: CardOrder; lineItem: CardProduct };
    let full: CardOrder;

    beforeAll(async () => {
      // Read profile cards until there is a paid, never-refunded us order for each action (three different orders).
      const candidates: CardOrder[] = [];
      for (const profile of stack.profiles) {
        if (!customersOfProfile(profile.emails).some((l) => l.store.handle === NAMED_STORE && l.customer.numberOfOrders > 0)) continue;
        const { profile: card } = await run<{ profile: { orders: CardOrder[] } }>('profile-card', { profileId: profile.id });
        candidates.push(
          ...card.orders.filter((o) => o.store.handle === NAMED_STORE && o.financialStatus === 'PAID' && o.totalRefunded.amount === '0.00'),
        );
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
      throw new Error('the us demo store has no three paid orders to act on');
    }, 60_000);

    it('cancel-order: cancels, refunds and restocks an unfulfilled paid order', async () => {
      const { cancelOrder } = await run('cancel-order', { cancellableOrderId: cancellable.id });
      expect(cancelOrder.userErrors).toEqual([]);
      expect(cancelOrder.jobId).toMatch(/^gid:\/\/shopify\/Job\//);
      expect(cancelOrder.order.id).toBe(cancellable.id);
      expect(cancelOrder.order.store).toEqual({ handle: NAMED_STORE });
      expect(cancelOrder.order.cancelledAt).not.toBeNull();
      expect(cancelOrder.order.canCancel).toBe(false);
    });

    it('refund-partial: refunds one unit of one line item', async () => {
      const { refundOrder } = await run('refund-partial', { refundableOrderId: partial.order.id, lineItemId: partial.lineItem.id });
      expect(refundOrder.userErrors).toEqual([]);
      expect(refundOrder.refund.id).toMatch(/^gid:\/\/shopify\/Refund\//);
      expect(Number(refundOrder.refund.total.amount)).toBeGreaterThan(0);
      expect(refundOrder.refund.total.currencyCode).toBe(currencyOf(NAMED_STORE));
      expect(refundOrder.order).toMatchObject({
        id: partial.order.id,
        store: { handle: NAMED_STORE },
        financialStatus: 'PARTIALLY_REFUNDED',
        totalRefunded: refundOrder.refund.total,
        refundable: true,
      });
    });

    it('refund-full: refunds everything left, shipping included', async () => {
      const { refundOrder } = await run('refund-full', { fullyRefundableOrderId: full.id });
      expect(refundOrder.userErrors).toEqual([]);
      expect(refundOrder.refund.total).toEqual(full.total);
      expect(refundOrder.order).toMatchObject({
        id: full.id,
        store: { handle: NAMED_STORE },
        financialStatus: 'REFUNDED',
        totalRefunded: full.total,
        refundable: false,
      });
    });

    it('create-discount: a single-use 15% code for one customer', async () => {
      const profile = stack.profiles.find((p) => p.id === stack.exampleProfileId)!;
      const us = customersOfProfile(profile.emails).find((l) => l.store.handle === NAMED_STORE)!;
      const { createDiscount } = await run('create-discount', { customerId: us.customer.id });
      expect(createDiscount.userErrors).toEqual([]);
      expect(createDiscount.discount).toMatchObject({ value: '15%', usageLimit: 1, endsAt: null });
      expect(createDiscount.discount.id).toMatch(/^gid:\/\/shopify\/DiscountCodeNode\//);
      expect(createDiscount.discount.code).toMatch(/^[A-Z0-9-]{8,}$/);
    });

    it('an action without a store, while two are served, is BAD_USER_INPUT naming the field', async () => {
      const op = loadExampleOperation('create-discount');
      const profile = stack.profiles.find((p) => p.id === stack.exampleProfileId)!;
      const variables = fillPlaceholders(op.variables, {
        idempotencyKey: randomUUID(),
        customerId: customerOfProfile(profile.emails)!.id,
      }) as {
        input: Record<string, unknown>;
      };
      delete variables.input.store;
      const res = await fetch(stack.urls.gateway!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
        body: JSON.stringify({ query: op.document, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      expect(body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
        ['BAD_USER_INPUT', 'input.store: several stores are served (us, eu): name one'],
      ]);
      expect(body.data?.createDiscount ?? null).toBeNull();
    });
  });

  describe('order edits, replacement orders and refund approval (in the us store)', () => {
    interface ScanOrder {
      id: string;
      financialStatus: string | null;
      refundable: boolean;
      canEditShippingAddress: boolean;
      canReplace: boolean;
      shippingAddress: { countryCode: string | null } | null;
      totalRefunded: Money;
      products: Array<{ id: string; quantity: number; status: string | null }>;
    }
    const SCAN = `query($id: ID!) { profile(id: $id) { orders(limit: 10, stores: ["us"]) { id financialStatus refundable
      canEditShippingAddress canReplace shippingAddress { countryCode } totalRefunded { amount currencyCode } products { id quantity status } } } }`;
    const seen: Array<{ profileId: string; order: ScanOrder }> = [];
    const taken = new Set<string>();
    const unrefunded = (o: ScanOrder) => o.financialStatus === 'PAID' && o.refundable && o.totalRefunded.amount === '0.00';
    const wanted: Array<(o: ScanOrder) => boolean> = [
      (o) => o.canEditShippingAddress,
      // the example ships to the original address: an order that has one (a POS sale may have none)
      (o) => o.canReplace && o.shippingAddress !== null && o.products.some((p) => p.status === 'Fulfilled'),
      unrefunded,
      unrefunded,
      () => true,
    ];
    /** An order seen on a us card that passes `p`, never one handed out before. */
    function take(p: (o: ScanOrder) => boolean): { profileId: string; order: ScanOrder } {
      const found = seen.find((s) => !taken.has(s.order.id) && p(s.order));
      if (!found) throw new Error('the us demo store has no order for this example');
      taken.add(found.order.id);
      return found;
    }

    beforeAll(async () => {
      for (const profile of stack.profiles) {
        if (!customersOfProfile(profile.emails).some((l) => l.store.handle === NAMED_STORE && l.customer.numberOfOrders > 0)) continue;
        const { profile: card } = await gqlThroughGateway<{ profile: { orders: ScanOrder[] } }>(SCAN, { id: profile.id });
        seen.push(...card.orders.map((order) => ({ profileId: profile.id, order })));
        // enough when each wanted kind can be handed out to a different order
        const used = new Set<string>();
        const ok = wanted.every((p) => {
          const s = seen.find((x) => !used.has(x.order.id) && p(x.order));
          if (s) used.add(s.order.id);
          return s !== undefined;
        });
        if (ok) return;
      }
      throw new Error('the us demo store has too few orders for the edit examples');
    }, 60_000);

    it('update-shipping-address: an order that has not shipped ships to the new address', async () => {
      const { order } = take(wanted[0]!);
      const { input } = loadExampleOperation('update-shipping-address').variables as { input: { address: Record<string, string> } };
      const { updateShippingAddress } = await run('update-shipping-address', { unshippedOrderId: order.id });
      expect(updateShippingAddress.userErrors).toEqual([]);
      expect(updateShippingAddress.order).toEqual({
        id: order.id,
        store: { handle: NAMED_STORE },
        orderNumber: expect.any(String),
        canEditShippingAddress: true,
        shippingAddress: { ...input.address },
      });
    });

    it('create-replacement-order: a shipped unit sent again at no charge, recorded on the original order', async () => {
      const { order } = take(wanted[1]!);
      const line = order.products.find((p) => p.status === 'Fulfilled')!;
      const { createReplacementOrder: r } = await run('create-replacement-order', { shippedOrderId: order.id, shippedLineItemId: line.id });
      expect(r.userErrors).toEqual([]);
      expect(r.draftOrderId).toMatch(/^gid:\/\/shopify\/DraftOrder\//);
      expect(r.order.id).not.toBe(order.id);
      expect(r.order.total).toEqual({ amount: '0.00', currencyCode: currencyOf(NAMED_STORE) });
      expect(r.order.products.map((p: { quantity: number }) => p.quantity)).toEqual([1]);
      expect(r.order.tags).toEqual(expect.arrayContaining(['replacement', `replaces-${r.originalOrder.orderNumber.replace('#', '')}`]));
      expect(r.order.note).toContain(r.originalOrder.orderNumber);
      expect(r.originalOrder.agentActions).toEqual([
        { action: 'createReplacementOrder', outcome: 'succeeded', shopifyIds: expect.arrayContaining([`draftOrderId=${r.draftOrderId}`]) },
      ]);
    });

    it('refund-requests, approve-refund-request, reject-refund-request: refunds above an agent’s limit wait for a supervisor', async () => {
      const limited = await limitedAgentToken();
      const hold = async (orderId: string) => {
        const data = await gqlThroughGateway<{ refundOrder: any }>(
          `mutation($input: ShopifyRefundOrderInput!) { refundOrder(input: $input) {
            refund { id } refundRequest { id status amount { amount currencyCode } } userErrors { code } } }`,
          { input: { orderId, shipping: { full: true }, idempotencyKey: randomUUID(), store: NAMED_STORE } },
          limited,
        );
        expect(data.refundOrder.userErrors).toEqual([]);
        expect(data.refundOrder.refund).toBeNull();
        expect(data.refundOrder.refundRequest.status).toBe('PENDING');
        return data.refundOrder.refundRequest as { id: string; amount: Money };
      };
      const first = take(wanted[2]!);
      const second = take(wanted[3]!);
      const approveMe = await hold(first.order.id);
      const rejectMe = await hold(second.order.id);

      const listed = await run('refund-requests', { requestProfileId: first.profileId });
      const onOrder = listed.profile.orders.find((o: { id: string }) => o.id === first.order.id);
      expect(onOrder.refundRequests).toEqual([
        expect.objectContaining({
          id: approveMe.id,
          status: 'PENDING',
          requestedBy: 'limited-agent',
          amount: approveMe.amount,
          limit: { amount: '1.00', currencyCode: currencyOf(NAMED_STORE) },
          shippingFull: true,
        }),
      ]);

      const { approveRefundRequest: a } = await run('approve-refund-request', { refundRequestId: approveMe.id });
      expect(a.userErrors).toEqual([]);
      expect(a.refundRequest).toMatchObject({
        id: approveMe.id,
        status: 'APPROVED',
        requestedBy: 'limited-agent',
        decidedBy: 'demo-agent',
      });
      expect(a.refund.total).toEqual(approveMe.amount);
      expect(a.order.totalRefunded).toEqual(approveMe.amount);

      const { input } = loadExampleOperation('reject-refund-request').variables as { input: { reason: string } };
      const { rejectRefundRequest: r } = await run('reject-refund-request', { otherRefundRequestId: rejectMe.id });
      expect(r.userErrors).toEqual([]);
      expect(r.refundRequest).toEqual({ id: rejectMe.id, status: 'REJECTED', decidedBy: 'demo-agent', rejectionReason: input.reason });
    });

    it('update-order-note and update-order-tags: the note is set, tags added and removed, the others kept', async () => {
      const { order } = take(wanted[4]!);
      const note = (loadExampleOperation('update-order-note').variables as { input: { note: string } }).input.note;
      const { updateOrderNote } = await run('update-order-note', { orderId: order.id });
      expect(updateOrderNote.userErrors).toEqual([]);
      expect(updateOrderNote.order).toMatchObject({ id: order.id, store: { handle: NAMED_STORE }, note });

      const { updateOrderTags } = await run('update-order-tags', { orderId: order.id });
      expect(updateOrderTags.userErrors).toEqual([]);
      const tags = updateOrderTags.order.tags.map((t: string) => t.toLowerCase());
      expect(tags).toEqual(expect.arrayContaining(['vip', 'escalated']));
      expect(tags).not.toContain('needs-review');
    });
  });
});
