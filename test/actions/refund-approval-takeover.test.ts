/**
 * An approval whose approver died must not stay stuck (issue 15): approver A wins the request (approving), sends
 * refundCreate, and its answer is lost; A never retries. Until A's hold lapses nobody else can decide the request
 * (REQUEST_NOT_PENDING, naming when the hold ends, nothing sent), and no rejection ever can (the refund may have been
 * made); after the hold, approver B takes the approval over and resends exactly the stored refundCreate under the
 * request's Shopify key: if Shopify made A's refund, B gets that one; if A's request never reached Shopify, B's makes
 * it. One refund either way (the simulator is the oracle). A's own later retry then learns who finished the approval.
 * Shopify timeouts are short so the hold is 4 s.
 */
import { startSimulator, type Simulator } from 'shopify-admin-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseMsFor } from '../../src/actions/idempotency.js';
import {
  asAgent,
  cents,
  money,
  newKey,
  onceBefore,
  orderPicker,
  paidOrder,
  simOrder,
  simStats,
  startStack,
  type SimOrder,
  type Stack,
} from './helpers.js';

const LIMIT = '50.00';
const REQUESTER = { sub: 'agent-ann', scopes: ['shopify:read', 'shopify:orders:refund'] };
const A = { sub: 'boss-bea', scopes: ['shopify:read', 'shopify:orders:refund', 'shopify:orders:refund:approve'] };
const B = { sub: 'boss-cal', scopes: A.scopes };
type Agent = typeof REQUESTER;

let h: Stack;
let simulator: Simulator;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, customers: 120, maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
  h = await startStack({
    simulator,
    env: {
      SHOPIFY_REFUND_LIMITS: `shopify:orders:refund=${LIMIT}, shopify:orders:refund:approve=none`,
      // The approver's hold is 2 × (1000 + 500) + 1000 ms. A refundCreate without an answer is noticed after 1 s and
      // not resent (the first timeout already passes the 500 ms deadline); reads have a second, even on a busy machine.
      SHOPIFY_TIMEOUT_MS: '1000',
      SHOPIFY_MAX_WAIT_MS: '500',
    },
  });
  pick = orderPicker(h);
});
afterAll(async () => {
  await h?.close();
  await simulator?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const as = (agent: Agent, query: string, variables: Record<string, unknown>) => asAgent(h, query, variables, agent.scopes, agent.sub);

const MONEY = `{ amount currencyCode }`;
const REQUEST_FIELDS = `id status decidedBy decidedAt refund { id total ${MONEY} } errorCode`;
const REFUND = `mutation($input: ShopifyRefundOrderInput!) { refundOrder(input: $input) { refundRequest { ${REQUEST_FIELDS} } userErrors { code } } }`;
const APPROVE = `mutation($input: ShopifyApproveRefundRequestInput!) {
  approveRefundRequest(input: $input) { refundRequest { ${REQUEST_FIELDS} } refund { id total ${MONEY} } userErrors { field message code } }
}`;

const REJECT = `mutation($input: ShopifyRejectRefundRequestInput!) { rejectRefundRequest(input: $input) { userErrors { field message code } } }`;

const approve = (agent: Agent, id: string, idempotencyKey = newKey()) => as(agent, APPROVE, { input: { id, idempotencyKey } });
const refundCreates = async () => (await simStats(h)).byOperation.ActionRefundCreate ?? 0;
const unitPrice = (order: SimOrder) => ({ amount: money(cents(order.lineItems[0]!.discountedUnitPrice)), currencyCode: 'USD' });

/** A request (held, PENDING) for one unit of a fresh order whose first line item costs more than the limit. */
async function heldRequest(): Promise<{ order: SimOrder; id: string }> {
  const order = await pick((o) => paidOrder(1)(o) && cents(o.lineItems[0]!.discountedUnitPrice) > cents(LIMIT));
  const input = { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }], idempotencyKey: newKey() };
  const res = await as(REQUESTER, REFUND, { input });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.refundOrder.refundRequest.status).toBe('PENDING');
  return { order, id: res.body.data.refundOrder.refundRequest.id };
}

/** A approves with `faults` armed just before its refundCreate: no answer comes back; the request is left approving. */
async function approvalLost(id: string, faults: Record<string, unknown>): Promise<{ key: string; at: string; until: string }> {
  const key = newKey();
  onceBefore(h, 'ActionRefundCreate', () => h.sim('faults', faults));
  const lost = await approve(A, id, key);
  await h.sim('faults', {});
  expect(lost.body.errors[0].extensions.code).toBe('SHOPIFY_OUTCOME_UNKNOWN');
  const row = (await h.app.deps.store.refundRequests.get(id))!;
  expect([row.state, row.decision?.by, row.approving?.lapsed]).toEqual(['approving', A.sub, false]);
  const hold = leaseMsFor(h.app.deps.config);
  expect(Date.parse(row.approving!.until) - Date.parse(row.decision!.at)).toBe(hold);
  return { key, at: row.decision!.at, until: row.approving!.until };
}

/** Polls the simulator (not a timing assertion: it fails only if the refund never shows up) until the order has n refunds. */
async function refundsOf(orderId: string, n: number): Promise<SimOrder['refunds']> {
  for (let tries = 0; ; tries++) {
    const refunds = (await simOrder(h, orderId)).refunds;
    if (refunds.length === n || tries >= 100) return refunds;
    await sleep(50);
  }
}

describe('an approval left approving by an approver who never comes back', () => {
  it('Shopify made the refund: B is refused until the hold lapses, then takes over and gets that same refund; A learns B finished it', async () => {
    const { order, id } = await heldRequest();
    // refundCreate answers after our timeout, yet is made (a second after A gave up on it).
    const left = await approvalLost(id, { latencyMs: 2_000 });
    const creates = await refundCreates();

    // Before the hold lapses: REQUEST_NOT_PENDING, saying when it ends; the request still reads PENDING, nobody decided.
    const early = await approve(B, id);
    expect(early.body.data.approveRefundRequest).toEqual({
      refundRequest: { id, status: 'PENDING', decidedBy: null, decidedAt: null, refund: null, errorCode: null },
      refund: null,
      userErrors: [
        {
          field: ['input', 'id'],
          message: `this refund request is being approved by ${A.sub} at ${left.at}, who holds it until ${left.until}: if that approval has not finished by then, approving again takes it over`,
          code: 'REQUEST_NOT_PENDING',
        },
      ],
    });
    expect(await refundCreates()).toBe(creates);

    const made = await refundsOf(order.id, 1);
    expect(made).toHaveLength(1);
    await sleep(Date.parse(left.until) - Date.now() + 100);
    const keyB = newKey();
    const taken = await approve(B, id, keyB);
    const refund = { id: made[0]!.id, total: unitPrice(order) };
    expect(taken.body.data.approveRefundRequest).toEqual({
      refundRequest: { id, status: 'APPROVED', decidedBy: B.sub, decidedAt: expect.any(String), refund, errorCode: null },
      refund,
      userErrors: [],
    });
    // B resent the stored refundCreate once; Shopify's key answered with A's refund: still exactly one.
    expect(await refundCreates()).toBe(creates + 1);
    expect((await simOrder(h, order.id)).refunds.map((r) => r.id)).toEqual([made[0]!.id]);

    // A's own retry with its key: no second refund; it is told who finished the approval.
    const decidedAt = taken.body.data.approveRefundRequest.refundRequest.decidedAt;
    const retry = await approve(A, id, left.key);
    expect(retry.body.data.approveRefundRequest).toEqual({
      refundRequest: { id, status: 'APPROVED', decidedBy: B.sub, decidedAt, refund, errorCode: null },
      refund: null,
      userErrors: [
        {
          field: ['input', 'id'],
          message: `this refund request was already approved by ${B.sub} at ${decidedAt}`,
          code: 'REQUEST_NOT_PENDING',
        },
      ],
    });
    expect(await refundCreates()).toBe(creates + 1);
    expect((await simOrder(h, order.id)).refunds).toHaveLength(1);

    const trail = (await h.app.deps.store.audit.listByOrders([order.id], 10, 'default')).get(order.id)!;
    expect(trail.map((e) => [e.action, e.agentId, e.outcome, e.errorCode, e.idempotencyKey])).toEqual([
      ['approveRefundRequest', A.sub, 'failed', 'REQUEST_NOT_PENDING', left.key],
      ['approveRefundRequest', B.sub, 'succeeded', null, keyB],
      ['approveRefundRequest', B.sub, 'rejected', 'REQUEST_NOT_PENDING', expect.any(String)],
      ['approveRefundRequest', A.sub, 'unknown', 'SHOPIFY_OUTCOME_UNKNOWN', left.key],
      ['refundOrder', REQUESTER.sub, 'succeeded', null, expect.any(String)],
    ]);
    expect(trail[1]).toMatchObject({ amount: refund.total.amount, currencyCode: 'USD', shopifyIds: { refundId: refund.id } });
    // B's success says whose approval it finished; the attempts that took nothing over name the request only.
    expect(trail[1]!.detail).toBe(`request=${id}; took over an approval left by ${A.sub}`);
    expect([trail[0]!.detail, trail[2]!.detail, trail[3]!.detail]).toEqual([`request=${id}`, `request=${id}`, `request=${id}`]);
  }, 30_000);

  it("A's refundCreate never reached Shopify: after the hold, B's takeover makes the refund, exactly one", async () => {
    const { order, id } = await heldRequest();
    // The request hangs before the simulator executes anything: nothing is refunded.
    const left = await approvalLost(id, { hangNext: 1 });
    const creates = await refundCreates();
    expect((await simOrder(h, order.id)).refunds).toEqual([]);

    await sleep(Date.parse(left.until) - Date.now() + 100);
    expect((await simOrder(h, order.id)).refunds).toEqual([]);
    // Past the hold, a rejection still cannot end it (the refund may have been made): only an approval finishes it.
    const rejected = await as(B, REJECT, { input: { id, reason: 'too late', idempotencyKey: newKey() } });
    expect(rejected.body.data.rejectRefundRequest.userErrors).toEqual([
      {
        field: ['input', 'id'],
        message: `this refund request is being approved by ${A.sub} at ${left.at}, whose hold on it ended at ${left.until}: approving it (not rejecting) finishes that approval, whose refund may already be made`,
        code: 'REQUEST_NOT_PENDING',
      },
    ]);
    const taken = await approve(B, id);
    const [made] = (await simOrder(h, order.id)).refunds;
    const refund = { id: made!.id, total: unitPrice(order) };
    expect(taken.body.data.approveRefundRequest).toEqual({
      refundRequest: { id, status: 'APPROVED', decidedBy: B.sub, decidedAt: expect.any(String), refund, errorCode: null },
      refund,
      userErrors: [],
    });
    expect(await refundCreates()).toBe(creates + 1);
    const after = await simOrder(h, order.id);
    expect(after.refunds.map((r) => r.id)).toEqual([made!.id]);
    expect(after.totalRefunded).toBe(refund.total.amount);
  }, 30_000);
});
