/**
 * The cross-request cache, end to end through the supergraph: a repeat view costs no Shopify request; our own
 * refundOrder and a signed webhook about a change made elsewhere (here: straight in the simulator, as an admin in
 * Shopify would) both make the next view show the new state.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
        totalSpent {
          amount
          currencyCode
        }
        totalOrders
      }
      orders(limit: 10) {
        id
        orderNumber
        status
        cancelledAt
        refundable
        totalRefunded {
          amount
        }
        firstTrackingNumber
        locationName
        products {
          id
          name
          quantity
          status
        }
      }
      products {
        id
      }
      shopifyLink {
        customerId
        method
        matchedEmail
      }
    }
  }
`;
const SECRET = 'webhook-secret-for-the-cache-test';

let h: SupergraphHarness;
let profiles: TestProfile[];
let customers: SimCustomer[];

/** 20 profiles linked by their email, 3 by a second email after one no customer has, one unmatched, one without email. */
function makeProfiles(all: SimCustomer[]): TestProfile[] {
  customers = all.filter((c) => c.email && c.numberOfOrders > 1).slice(0, 23);
  const out = customers.map((c, i) => ({
    id: `p${i}`,
    name: `Profile ${i}`,
    emails: i < 20 ? [c.email!] : [`nobody-${i}@nowhere.example`, c.email!],
  }));
  out.push({ id: 'p23', name: 'No Shopify', emails: ['ghost@nowhere.example'] }, { id: 'p24', name: 'No email', emails: [] });
  return out;
}

const ids = () => profiles.map((p) => p.id);
const simulatorGraphql = (query: string, variables: Record<string, unknown>) =>
  fetch(`${h.simulatorUrl}/admin/api/2026-07/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'shpat_simulator' },
    body: JSON.stringify({ query, variables }),
  }).then((r) => r.json() as Promise<any>);

beforeAll(async () => {
  h = await startSupergraph({
    // The budget is not what this file tests: a bucket that never runs dry.
    simulator: { customers: 120, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    env: { SHOPIFY_CACHE_TTL_S: '30', SHOPIFY_WEBHOOK_SECRET: SECRET },
    profiles: (all) => (profiles = makeProfiles(all)),
  });
});
afterAll(async () => h?.close());

describe('cache', () => {
  it('a second view of 25 profiles costs 0 Shopify requests and shows the same cards', async () => {
    await h.sim('reset', {});
    const first = await h.query(CARD, { ids: ids() });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.profiles.filter((p: any) => p.shopifyCustomer).length).toBe(23);
    expect((await h.sim('stats')).requests).toBeGreaterThan(0);

    await h.sim('reset', {});
    const second = await h.query(CARD, { ids: ids() });
    expect(second.body).toEqual(first.body);
    expect((await h.sim('stats')).requests).toBe(0);

    // A smaller selection is answered by the bigger cached entries, auto-linked profiles included.
    const small = await h.query(
      `query($ids: [ID!]!) { profiles(ids: $ids) { id shopifyCustomer { id } orders(limit: 3) { id } shopifyLink { matchedEmail } } }`,
      { ids: ids() },
    );
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data.profiles[21].shopifyLink.matchedEmail).toBe(customers[21]!.email);
    expect(small.body.data.profiles[5].orders).toEqual(first.body.data.profiles[5].orders.slice(0, 3).map((o: any) => ({ id: o.id })));
    expect((await h.sim('stats')).requests).toBe(0);
    const metrics = await fetch(h.subgraphUrl.replace(/\/graphql$/, '/metrics')).then((r) => r.text());
    expect(metrics).toMatch(/^shopify_cache_lookups_total\{store="default",result="hit"\} [1-9]\d*$/m);
  });

  it('after refundOrder the next view shows the refund (our own action invalidates)', async () => {
    await h.query(CARD, { ids: ['p3'] });
    const before = (await h.query(CARD, { ids: ['p3'] })).body.data.profiles[0];
    const order = before.orders.find((o: any) => o.refundable && !o.cancelledAt);
    expect(order).toBeDefined();
    const res = await h.query(
      `mutation($input: ShopifyRefundOrderInput!) { refundOrder(input: $input) { refund { id } userErrors { message } } }`,
      // Everything, shipping included: shipping is refunded only when asked (issue 10).
      { input: { orderId: order.id, shipping: { full: true }, idempotencyKey: randomUUID() } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.refundOrder.userErrors).toEqual([]);

    expect((await h.sim(`orders/${encodeURIComponent(order.id)}`)).financialStatus).toBe('REFUNDED');
    const after = (await h.query(CARD, { ids: ['p3'] })).body.data.profiles[0];
    const shown = after.orders.find((o: any) => o.id === order.id);
    expect(shown).toMatchObject({ refundable: false, status: 'Refunded' });
    expect(shown.totalRefunded.amount).not.toBe(order.totalRefunded.amount);
  });

  it('a signed webhook about a change made outside the subgraph makes the next view fresh', async () => {
    const base = h.subgraphUrl.replace(/\/graphql$/, '');
    await h.sim('webhooks', { url: `${base}/webhooks/shopify`, secret: SECRET });
    try {
      // An order Shopify lets us cancel (no fulfillments yet), among the 10 latest of one of our profiles' customers.
      const cancellable = new Set((await h.sim('orders')).filter((o: any) => o.fulfillments === 0 && !o.cancelled).map((o: any) => o.id));
      const cards = (await h.query(CARD, { ids: ids().slice(0, 20) })).body.data.profiles;
      const before = cards.find((c: any) => c.orders.some((o: any) => cancellable.has(o.id)));
      const id = before.id;
      const order = before.orders.find((o: any) => cancellable.has(o.id));
      await h.sim('reset', {}); // clears stats (and re-seeds the same store); the cache keeps its entry
      await h.sim('webhooks', { url: `${base}/webhooks/shopify`, secret: SECRET });
      expect((await h.query(CARD, { ids: [id] })).body.data.profiles[0]).toEqual(before);
      expect((await h.sim('stats')).requests).toBe(0);

      const cancel = await simulatorGraphql(
        `mutation($id: ID!) { orderCancel(orderId: $id, reason: OTHER, restock: false, refund: false, notifyCustomer: false) { job { id } orderCancelUserErrors { message } } }`,
        { id: order.id },
      );
      expect(cancel.data.orderCancel.orderCancelUserErrors).toEqual([]);
      await new Promise((r) => setTimeout(r, 50)); // the cancel job runs on the next tick
      const { deliveries } = await h.sim('webhooks?settle');
      expect(deliveries.filter((d: any) => d.topic === 'orders/cancelled').map((d: any) => d.status)).toEqual([200]);

      const after = (await h.query(CARD, { ids: [id] })).body.data.profiles[0];
      expect(after.orders.find((o: any) => o.id === order.id).status).toBe('Cancelled');
    } finally {
      await h.sim('webhooks', {});
    }
  });
});
