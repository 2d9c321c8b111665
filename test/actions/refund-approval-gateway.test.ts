/**
 * Refund approval through the real @apollo/gateway supergraph (dev/supergraph-harness.ts), as the support desk sees
 * it: an agent's refund above their limit becomes a request the profile read shows on the order; a supervisor
 * approves it; the next profile read shows the refund and the request approved.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SupergraphHarness } from '../../dev/supergraph-harness.js';
import { asAgent, cents, money, newKey, orderPicker, paidOrder, simOrder } from './helpers.js';
import { startActionsSupergraph } from './supergraph.js';

const AGENT = { sub: 'agent-ann', scopes: ['shopify:read', 'shopify:orders:refund'] };
const SUPERVISOR = { sub: 'boss-bea', scopes: ['shopify:read', 'shopify:orders:refund:approve'] };

let h: SupergraphHarness;
/** customer GID → the profile matched to it by email, for customers whose orders all fit in orders(limit: 10) */
let profileOf: Map<string, string>;

beforeAll(async () => {
  ({ h, profileOf } = await startActionsSupergraph({ env: { SHOPIFY_REFUND_LIMITS: 'shopify:orders:refund=25.00' } }));
});
afterAll(async () => h?.close());

const PROFILE = `query($ids: [ID!]!) {
  profiles(ids: $ids) { orders(limit: 10) { id totalRefunded { amount } refundRequests { id status requestedBy decidedBy amount { amount currencyCode } refund { id } } } }
}`;
const REFUND = `mutation($input: ShopifyRefundOrderInput!) { refundOrder(input: $input) { refund { id } refundRequest { id status } userErrors { code } } }`;
const APPROVE = `mutation($input: ShopifyApproveRefundRequestInput!) {
  approveRefundRequest(input: $input) { refundRequest { status } refund { id total { amount } } userErrors { code message } }
}`;

it('an over-limit refund shows as a pending request in the profile read; once a supervisor approves, the refund shows', async () => {
  const order = await orderPicker(h)(
    (o) => paidOrder(1)(o) && profileOf.has(o.customerId!) && cents(o.lineItems[0]!.discountedUnitPrice) > cents('25.00'),
  );
  const line = order.lineItems[0]!;
  const read = async () => {
    const res = await asAgent(h, PROFILE, { ids: [profileOf.get(order.customerId!)] }, AGENT.scopes, AGENT.sub);
    expect(res.body.errors).toBeUndefined();
    return res.body.data.profiles[0].orders.find((o: { id: string }) => o.id === order.id);
  };

  const held = await asAgent(
    h,
    REFUND,
    { input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: 1 }], idempotencyKey: newKey() } },
    AGENT.scopes,
    AGENT.sub,
  );
  expect(held.body.errors).toBeUndefined();
  const { refund, refundRequest, userErrors } = held.body.data.refundOrder;
  expect([refund, refundRequest.status, userErrors]).toEqual([null, 'PENDING', []]);
  const amount = { amount: money(cents(line.discountedUnitPrice)), currencyCode: 'USD' };
  expect(await read()).toEqual({
    id: order.id,
    totalRefunded: { amount: '0.00' },
    refundRequests: [{ id: refundRequest.id, status: 'PENDING', requestedBy: AGENT.sub, decidedBy: null, amount, refund: null }],
  });

  const approved = await asAgent(
    h,
    APPROVE,
    { input: { id: refundRequest.id, idempotencyKey: newKey() } },
    SUPERVISOR.scopes,
    SUPERVISOR.sub,
  );
  expect(approved.body.errors).toBeUndefined();
  const [made] = (await simOrder(h, order.id)).refunds;
  expect(approved.body.data.approveRefundRequest).toEqual({
    refundRequest: { status: 'APPROVED' },
    refund: { id: made!.id, total: { amount: amount.amount } },
    userErrors: [],
  });
  expect(await read()).toEqual({
    id: order.id,
    totalRefunded: { amount: amount.amount },
    refundRequests: [
      { id: refundRequest.id, status: 'APPROVED', requestedBy: AGENT.sub, decidedBy: SUPERVISOR.sub, amount, refund: { id: made!.id } },
    ],
  });
});
