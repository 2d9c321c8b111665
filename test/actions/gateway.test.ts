/**
 * The actions through a real @apollo/gateway supergraph (test/helpers/supergraph.ts), as the support desk calls them:
 * the agent's token travels through the router, the action shows in the simulator, and the next profile read through
 * the supergraph shows the new state (our action invalidated whatever cached the old one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupergraphHarness } from '../../dev/supergraph-harness.js';
import { asAgent, cents, DISCOUNT, money, newKey, orderPicker, paidOrder, REFUND, simOrder, type SimOrder } from './helpers.js';
import { startActionsSupergraph } from './supergraph.js';

let h: SupergraphHarness;
/** customer GID → the profile matched to it by email, for customers whose orders all fit in orders(limit: 10) */
let profileOf: Map<string, string>;

beforeAll(async () => {
  ({ h, profileOf } = await startActionsSupergraph());
});
afterAll(async () => h?.close());

const PROFILE = `query($ids: [ID!]!) { profiles(ids: $ids) { id orders(limit: 10) { id totalRefunded { amount } status agentActions { action outcome shopifyIds } } } }`;

describe('through the gateway', () => {
  it('refundOrder moves the money once; the next profile read shows the refund and its audit entry', async () => {
    const order = await orderPicker(h)((o) => paidOrder(1)(o) && profileOf.has(o.customerId!));
    const profileId = profileOf.get(order.customerId!)!;
    const read = async () =>
      (await asAgent(h, PROFILE, { ids: [profileId] })).body.data.profiles[0].orders.find((o: { id: string }) => o.id === order.id);
    expect((await read()).totalRefunded.amount).toBe('0.00');

    const line = order.lineItems[0]!;
    const res = await asAgent(h, REFUND, {
      input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: 1 }], idempotencyKey: newKey() },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.refundOrder.refund.total).toEqual({ amount: money(cents(line.discountedUnitPrice)), currencyCode: 'USD' });
    const after = await simOrder(h, order.id);
    expect(after.refunds).toHaveLength(1);
    expect(cents(after.totalRefunded)).toBe(cents(line.discountedUnitPrice));

    expect(await read()).toEqual({
      id: order.id,
      totalRefunded: { amount: after.totalRefunded },
      status: 'Partially refunded',
      agentActions: [{ action: 'refundOrder', outcome: 'succeeded', shopifyIds: [`refundId=${after.refunds[0]!.id}`] }],
    });
  });

  it('createDiscount reaches Shopify for that one customer; without the scope the gateway relays FORBIDDEN', async () => {
    const order: SimOrder = await orderPicker(h)(paidOrder(1));
    const res = await asAgent(h, DISCOUNT, { input: { customerId: order.customerId, amount: '7.5', idempotencyKey: newKey() } });
    expect(res.body.errors).toBeUndefined();
    const { discount } = res.body.data.createDiscount;
    expect(discount.value).toBe('7.50 USD');
    const stored = (await h.sim<Array<{ code: string; customerIds: string[] }>>('discounts')).filter((d) => d.code === discount.code);
    expect(stored.map((d) => d.customerIds)).toEqual([[order.customerId]]);

    const denied = await asAgent(h, DISCOUNT, { input: { customerId: order.customerId, percentage: 5, idempotencyKey: newKey() } }, [
      'shopify:read',
    ]);
    expect(denied.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'shopify:discounts:create' });
  });
});
