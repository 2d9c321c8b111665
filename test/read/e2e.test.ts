/**
 * The read path end to end: a real @apollo/gateway supergraph (test profiles subgraph + this subgraph) over the
 * Shopify simulator. Expected values come from the simulator itself, asked directly with a plain query of our own
 * (not the subgraph's documents or mappers), and compared field by field.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { startSupergraph, type SimCustomer, type SupergraphHarness, type TestProfile } from '../../dev/supergraph-harness.js';

const CARD = /* GraphQL */ `
  query Cards($ids: [ID!]!) {
    profiles(ids: $ids) {
      id
      name
      shopifyCustomer {
        id
        displayName
        email
        phone
        acceptsMarketing
        createdAt
        shopifyUrl
        note
        totalSpent {
          amount
          currencyCode
        }
        totalOrders
        tags
      }
      orders(limit: 10) {
        id
        orderNumber
        buyerAcceptsMarketing
        type
        shopifyUrl
        total {
          amount
          currencyCode
        }
        totalRefunded {
          amount
          currencyCode
        }
        firstTrackingNumber
        firstTrackingUrl
        createdAt
        status
        financialStatus
        fulfillmentStatus
        cancelledAt
        note
        locationName
        locationCountry
        canCancel
        refundable
        products {
          id
          orderId
          productId
          name
          quantity
          sku
          status
          unitPrice {
            amount
            currencyCode
          }
          imageUrl
        }
      }
      products {
        id
        orderId
        name
        quantity
      }
      shopifyLink {
        customerId
        method
        matchedEmail
      }
    }
  }
`;

/** What we ask the simulator directly: everything the card shows, all line items. */
const ORACLE = /* GraphQL */ `
  query Oracle($email: String!) {
    customerByIdentifier(identifier: { emailAddress: $email }) {
      id
      displayName
      note
      tags
      createdAt
      numberOfOrders
      defaultEmailAddress {
        emailAddress
        marketingState
      }
      defaultPhoneNumber {
        phoneNumber
      }
      amountSpent {
        amount
        currencyCode
      }
      orders(first: 10, sortKey: CREATED_AT, reverse: true) {
        nodes {
          id
          name
          createdAt
          cancelledAt
          customerAcceptsMarketing
          note
          sourceName
          refundable
          displayFinancialStatus
          displayFulfillmentStatus
          totalPriceSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          totalRefundedSet {
            shopMoney {
              amount
              currencyCode
            }
          }
          fulfillments(first: 1) {
            trackingInfo(first: 1) {
              number
              url
            }
          }
          retailLocation {
            name
            address {
              country
            }
          }
          lineItems(first: 10) {
            nodes {
              id
              name
              quantity
              currentQuantity
              unfulfilledQuantity
              sku
              originalUnitPriceSet {
                shopMoney {
                  amount
                  currencyCode
                }
              }
              image {
                url
              }
              product {
                id
              }
            }
          }
        }
      }
    }
  }
`;

const SOURCE: Record<string, string> = {
  web: 'Online Store',
  pos: 'Point of Sale',
  shopify_draft_order: 'Draft Order',
  iphone: 'Shopify Mobile',
  android: 'Shopify Mobile',
};
const FINANCIAL: Record<string, string> = {
  REFUNDED: 'Refunded',
  PARTIALLY_REFUNDED: 'Partially refunded',
  PENDING: 'Pending payment',
  AUTHORIZED: 'Payment authorized',
  PARTIALLY_PAID: 'Partially paid',
  VOIDED: 'Voided',
  EXPIRED: 'Payment expired',
};
const FULFILLMENT: Record<string, string> = {
  FULFILLED: 'Fulfilled',
  PARTIALLY_FULFILLED: 'Partially fulfilled',
  UNFULFILLED: 'Unfulfilled',
  IN_PROGRESS: 'In progress',
  ON_HOLD: 'On hold',
  SCHEDULED: 'Scheduled',
  RESTOCKED: 'Restocked',
  PENDING_FULFILLMENT: 'Pending fulfillment',
  OPEN: 'Open',
  REQUEST_DECLINED: 'Fulfillment declined',
};

let h: SupergraphHarness;
/** The subgraph's log lines (one per Shopify request), to see each request's requested cost. */
const logLines: Array<Record<string, any>> = [];
const capture = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
    done();
  },
});
let customers: SimCustomer[];
let profiles: TestProfile[];

/** 25 profiles: 20 matched by one email (mixed case, spaces), 3 by their second email, 2 without a Shopify customer. */
function makeProfiles(all: SimCustomer[]): TestProfile[] {
  const withOrders = all.filter((c) => c.email && c.numberOfOrders > 0);
  const noOrders = all.filter((c) => c.email && c.numberOfOrders === 0);
  const picked = [...withOrders.slice(0, 21), ...noOrders.slice(0, 2)];
  const out: TestProfile[] = picked.map((c, i) => ({
    id: `p${i + 1}`,
    name: `Profile ${i + 1}`,
    emails: i < 20 ? [i % 2 ? `  ${c.email!.toUpperCase()} ` : c.email!] : [`nobody-${i}@nowhere.example`, c.email!],
  }));
  out.push({ id: 'p24', name: 'No Shopify', emails: ['ghost@nowhere.example'] });
  out.push({ id: 'p25', name: 'No email', emails: [] });
  return out;
}

async function oracle(email: string) {
  const res = await fetch(`${h.simulatorUrl}/admin/api/2026-07/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'shpat_simulator' },
    body: JSON.stringify({ query: ORACLE, variables: { email } }),
  });
  const body = (await res.json()) as any;
  expect(body.errors).toBeUndefined();
  return body.data.customerByIdentifier;
}

/** The card a profile must show, built from the simulator's own answer. */
async function expectedCard(p: TestProfile) {
  const base = h.simulatorUrl;
  for (const raw of p.emails) {
    const email = raw.trim().toLowerCase();
    const c = await oracle(email);
    if (!c) continue;
    const orders = c.orders.nodes.map((o: any) => {
      const tracking = o.fulfillments[0]?.trackingInfo[0];
      return {
        id: o.id,
        orderNumber: o.name,
        buyerAcceptsMarketing: o.customerAcceptsMarketing,
        type: o.sourceName ? (SOURCE[o.sourceName] ?? o.sourceName) : null,
        shopifyUrl: `${base}/admin/orders/${o.id.split('/').pop()}`,
        total: o.totalPriceSet.shopMoney,
        totalRefunded: o.totalRefundedSet.shopMoney,
        firstTrackingNumber: tracking?.number ?? null,
        firstTrackingUrl: tracking?.url ?? null,
        createdAt: o.createdAt,
        status: o.cancelledAt ? 'Cancelled' : (FINANCIAL[o.displayFinancialStatus] ?? FULFILLMENT[o.displayFulfillmentStatus]),
        financialStatus: o.displayFinancialStatus,
        fulfillmentStatus: o.displayFulfillmentStatus,
        cancelledAt: o.cancelledAt,
        note: o.note || null,
        locationName: o.retailLocation?.name ?? null,
        locationCountry: o.retailLocation?.address.country ?? null,
        canCancel: o.cancelledAt === null && !['FULFILLED', 'PARTIALLY_FULFILLED', 'IN_PROGRESS'].includes(o.displayFulfillmentStatus),
        refundable: o.refundable,
        products: o.lineItems.nodes.map((li: any) => ({
          id: li.id,
          orderId: o.id,
          productId: li.product?.id ?? null,
          name: li.name,
          quantity: li.quantity,
          sku: li.sku || null,
          status:
            li.currentQuantity === 0
              ? 'Refunded'
              : li.currentQuantity < li.quantity
                ? 'Partially refunded'
                : li.unfulfilledQuantity === 0
                  ? 'Fulfilled'
                  : li.unfulfilledQuantity < li.currentQuantity
                    ? 'Partially fulfilled'
                    : 'Unfulfilled',
          unitPrice: li.originalUnitPriceSet.shopMoney,
          imageUrl: li.image?.url ?? null,
        })),
      };
    });
    return {
      id: p.id,
      name: p.name,
      shopifyCustomer: {
        id: c.id,
        displayName: c.displayName,
        email: c.defaultEmailAddress?.emailAddress ?? null,
        phone: c.defaultPhoneNumber?.phoneNumber ?? null,
        acceptsMarketing: c.defaultEmailAddress?.marketingState === 'SUBSCRIBED',
        createdAt: c.createdAt,
        shopifyUrl: `${base}/admin/customers/${c.id.split('/').pop()}`,
        note: c.note || null,
        totalSpent: c.amountSpent,
        totalOrders: Number(c.numberOfOrders),
        tags: c.tags,
      },
      orders,
      products: orders.flatMap((o: any) =>
        o.products.map((li: any) => ({ id: li.id, orderId: li.orderId, name: li.name, quantity: li.quantity })),
      ),
      shopifyLink: { customerId: c.id, method: 'AUTO_EMAIL', matchedEmail: email },
    };
  }
  return { id: p.id, name: p.name, shopifyCustomer: null, orders: [], products: [], shopifyLink: null };
}

beforeAll(async () => {
  h = await startSupergraph({
    profiles: (all) => (profiles = makeProfiles((customers = all))),
    // A Plus-plan bucket (20000 points, 1000/s): 25 full cards use ~4000 actual points, more than a Standard bucket
    // (2000, 100/s) can give within SHOPIFY_MAX_WAIT_MS. These tests are about the 1000-point per-query limit and
    // exact data; behaviour on an exhausted budget is tested in degraded.test.ts.
    simulator: { maximumAvailable: 20_000, restoreRate: 1_000 },
    // Request counts here are about batching; the cache across requests is tested on its own.
    env: { SHOPIFY_CACHE_TTL_S: '0' },
    logger: createLogger({ level: 'info', destination: capture }),
  });
});
afterAll(async () => h?.close());

describe('supergraph read path', () => {
  it("one query for 25 profiles with every field returns exactly the simulator's data", async () => {
    await h.sim('reset', {});
    const res = await h.query(CARD, { ids: profiles.map((p) => p.id) });
    expect(res.body.errors).toBeUndefined();
    const expected = [];
    for (const p of profiles) expected.push(await expectedCard(p));
    expect(res.body.data.profiles).toEqual(expected);
    // The fixture is meaningful: orders, POS locations, tracking and unmatched profiles all appear.
    const cards = res.body.data.profiles;
    expect(cards.filter((c: any) => c.shopifyCustomer === null).map((c: any) => c.id)).toEqual(['p24', 'p25']);
    expect(cards.flatMap((c: any) => c.orders).length).toBeGreaterThan(60);
    expect(cards.some((c: any) => c.orders.some((o: any) => o.locationName))).toBe(true);
    expect(cards.some((c: any) => c.orders.some((o: any) => o.firstTrackingNumber))).toBe(true);
  });

  it('customer-only fields for 25 profiles cost exactly one Shopify request, without orders', async () => {
    await h.sim('reset', {});
    const res = await h.query(`query($ids: [ID!]!) { profiles(ids: $ids) { id shopifyCustomer { id totalSpent { amount } } } }`, {
      ids: profiles.map((p) => p.id),
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.profiles.filter((p: any) => p.shopifyCustomer).length).toBe(23);
    const stats = await h.sim('stats');
    expect(stats.requests).toBe(1);
    expect(stats.byOperation).toEqual({ ProfileCustomers: 1 });
    // 23 matched customers with the card's fields only: far below what orders would cost.
    expect(stats.requestedCost).toBeLessThan(200);
  });

  it('the full card takes the fewest requests the 1000-point limit allows', async () => {
    await h.sim('reset', {});
    logLines.length = 0;
    const res = await h.query(CARD, { ids: profiles.map((p) => p.id) });
    expect(res.body.errors).toBeUndefined();
    const stats = await h.sim('stats');
    const profileRequests = stats.byOperation.ProfileCustomers ?? 0;
    const lookups = stats.byOperation.CustomerIdsByEmail ?? 0;
    const followUps = stats.byOperation.OrderLineItems ?? 0;
    expect(profileRequests + lookups + followUps).toBe(stats.requests);
    expect(stats.throttled).toBe(0);
    // Each request is under the limit, and no two could have been one request: none is wasted.
    const sent = logLines.filter((l) => l.msg === 'shopify request');
    expect(sent.reduce((sum, l) => sum + l.shopify.requestedCost, 0)).toBe(stats.requestedCost);
    const costs = sent.filter((l) => l.shopify.operation === 'ProfileCustomers').map((l) => l.shopify.requestedCost as number);
    expect(costs).toHaveLength(profileRequests);
    for (const cost of costs) expect(cost).toBeLessThanOrEqual(1000);
    for (let i = 0; i < costs.length; i++) for (let j = i + 1; j < costs.length; j++) expect(costs[i]! + costs[j]!).toBeGreaterThan(1000);
    // A full card for 10 orders is ~366 points, so at most two share a request. Fetching every email's card directly
    // would take 14 requests (the three two-email profiles need a request each); looking the 26 emails up first (one
    // request) also reads each customer's number of orders, so each card asks only the orders its customer has, and
    // the 23 customers' sized cards pack into 8 requests (12 at 10 orders each): 9 in all.
    expect(stats.byOperation).toEqual({ CustomerIdsByEmail: 1, ProfileCustomers: 8 });
  });

  it('orders(limit: 3) asks Shopify for 3 orders, and an out-of-range limit is a BAD_USER_INPUT naming the bounds', async () => {
    await h.sim('reset', {});
    const res = await h.query(`query($ids: [ID!]!) { profiles(ids: $ids) { id orders(limit: 3) { orderNumber } } }`, { ids: ['p1'] });
    expect(res.body.errors).toBeUndefined();
    const all = (await h.query(CARD, { ids: ['p1'] })).body.data.profiles[0].orders;
    expect(res.body.data.profiles[0].orders).toEqual(all.slice(0, 3).map((o: any) => ({ orderNumber: o.orderNumber })));

    const bad = await h.query(`query { profiles(ids: ["p1"]) { id name orders(limit: 11) { id } } }`);
    expect(bad.body.data.profiles[0]).toEqual({ id: 'p1', name: 'Profile 1', orders: null });
    expect(bad.body.errors).toHaveLength(1);
    expect(bad.body.errors[0]).toMatchObject({ message: 'limit: must be from 1 to 10, got 11', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it("line items' product GIDs are asked of Shopify only when productId is selected: one point per line item", async () => {
    const cost = async (productFields: string) => {
      await h.sim('reset', {});
      const res = await h.query(`query($ids: [ID!]!) { profiles(ids: $ids) { id products { ${productFields} } } }`, { ids: ['p1'] });
      expect(res.body.errors).toBeUndefined();
      const stats = await h.sim('stats');
      return { products: res.body.data.profiles[0].products, requested: stats.requestedCost, actual: stats.actualCost };
    };
    const names = await cost('id name');
    const withIds = await cost('id name productId');
    expect(withIds.products.map((p: any) => ({ id: p.id, name: p.name }))).toEqual(names.products);
    expect(withIds.products.every((p: any) => typeof p.productId === 'string')).toBe(true);
    // products reads 10 orders × 5 line items per request: 50 requested points for product { id }, 1 actual per line
    expect(withIds.requested - names.requested).toBe(50);
    expect(withIds.actual - names.actual).toBe(names.products.length);
  });

  it('search finds customers by email, phone, name and order number', async () => {
    const withPhone = customers.find((c) => c.phone && c.email && c.numberOfOrders > 0)!;
    const search = async (query: string) => {
      const res = await h.query(`query($q: String!) { shopifyCustomerSearch(query: $q, first: 5) { id } }`, { q: query });
      expect(res.body.errors).toBeUndefined();
      return res.body.data.shopifyCustomerSearch.map((c: any) => c.id);
    };
    expect(await search(withPhone.email!.toUpperCase())).toEqual([withPhone.id]);
    expect(await search(withPhone.phone!)).toEqual([withPhone.id]);
    expect(await search(withPhone.displayName)).toContain(withPhone.id);
    const card = await oracle(withPhone.email!);
    expect(await search(card.orders.nodes[0].name)).toEqual([withPhone.id]);
  });
});
