/**
 * A refund request's id comes from the store and the requester's idempotency key, and idempotency records are purged
 * after 24 h: a key reused after the purge must not be answered with the request it named before. Over HTTP against
 * the simulator: reuse on another order, by another requester, or with another ask is IDEMPOTENCY_KEY_REUSED (nothing
 * written, nothing sent, audited rejected); the very same request again is the replay it is.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_TTL_MS, purgeExpiredKeys } from '../../src/actions/idempotency.js';
import { cents, JWT_SECRET, newKey, orderPicker, paidOrder, simOrder, simStats, startStack, type SimOrder, type Stack } from './helpers.js';

const LIMIT = '50.00';
const SCOPES = ['shopify:read', 'shopify:orders:refund'];
const REQUESTER = 'agent-ann';
const OTHER = 'agent-bob';

let h: Stack;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;

beforeAll(async () => {
  h = await startStack({ env: { SHOPIFY_REFUND_LIMITS: `shopify:orders:refund=${LIMIT}` } });
  pick = orderPicker(h);
});
afterAll(async () => h?.close());

const REFUND = `mutation($input: ShopifyRefundOrderInput!) {
  refundOrder(input: $input) { refund { id } refundRequest { id orderId status requestedBy note } userErrors { field message code } }
}`;

async function refundAs(sub: string, input: Record<string, unknown>) {
  const token = await new SignJWT({ scope: SCOPES.join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(JWT_SECRET));
  return h.query(REFUND, { input }, { authorization: `Bearer ${token}` });
}

/** A paid USD order whose first line item costs more than the limit: refunding one unit is held. */
const aboveLimit = (o: SimOrder) =>
  paidOrder(1)(o) && cents(o.lineItems[0]!.discountedUnitPrice) > cents(LIMIT) && o.lineItems[0]!.refundableQuantity >= 1;

/** Refund one unit of the order's first line item under `key`. */
const oneUnit = (order: SimOrder, key: string, extra: Record<string, unknown> = {}) => ({
  orderId: order.id,
  lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }],
  idempotencyKey: key,
  ...extra,
});

/** The store's own purge, run as if a day had passed: every key recorded so far is deleted. */
async function purgeAllKeys(key: string): Promise<void> {
  expect(await purgeExpiredKeys(h.app.deps.store, Date.now() + KEY_TTL_MS + 1_000)).toBeGreaterThan(0);
  expect(await h.app.deps.store.idempotency.get(key)).toBeNull();
}

const requestsOf = async (orderId: string) =>
  ((await h.app.deps.store.refundRequests.listByOrders('default', [orderId], 50)).get(orderId) ?? []).map((r) => [
    r.id,
    r.orderId,
    r.status,
  ]);

const audited = async (key: string) =>
  (await h.app.deps.store.audit.list({ idempotencyKey: key })).map((e) => [e.agentId, e.outcome, e.errorCode, e.orderId]);

const refundCreates = async () => (await simStats(h)).byOperation.ActionRefundCreate ?? 0;

function expectReused(res: { body: any }): void {
  expect(res.body.data?.refundOrder ?? null).toBeNull();
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
}

describe('a refund key reused after its record was purged', () => {
  it('on another order: IDEMPOTENCY_KEY_REUSED, no request for that order, the first request untouched, audited rejected', async () => {
    const first = await pick(aboveLimit);
    const second = await pick(aboveLimit);
    const key = newKey();
    const held = (await refundAs(REQUESTER, oneUnit(first, key))).body.data.refundOrder.refundRequest;
    expect(held).toMatchObject({ orderId: first.id, status: 'PENDING', requestedBy: REQUESTER });
    await purgeAllKeys(key);
    const creates = await refundCreates();

    const reused = await refundAs(REQUESTER, oneUnit(second, key));
    expectReused(reused);
    expect(await requestsOf(second.id)).toEqual([]);
    expect(await requestsOf(first.id)).toEqual([[held.id, first.id, 'PENDING']]);
    expect((await simOrder(h, second.id)).refunds).toEqual([]);
    expect(await refundCreates()).toBe(creates);
    expect(await audited(key)).toEqual([
      [REQUESTER, 'rejected', 'IDEMPOTENCY_KEY_REUSED', second.id],
      [REQUESTER, 'succeeded', null, first.id],
    ]);

    // The refusal is what the key now holds: a retry gets it again and still writes nothing.
    expect((await h.app.deps.store.idempotency.get(key))?.state).toBe('failed');
    expectReused(await refundAs(REQUESTER, oneUnit(second, key)));
    expect(await requestsOf(second.id)).toEqual([]);
    expect((await audited(key)).map(([, outcome, code]) => [outcome, code])).toEqual([
      ['rejected', 'IDEMPOTENCY_KEY_REUSED'],
      ['rejected', 'IDEMPOTENCY_KEY_REUSED'],
      ['succeeded', null],
    ]);
  });

  it('by another requester or with another ask on the same order: refused; the very same request again replays it', async () => {
    const order = await pick(aboveLimit);
    const key = newKey();
    const input = oneUnit(order, key, { note: 'arrived broken' });
    const held = (await refundAs(REQUESTER, input)).body.data.refundOrder.refundRequest;
    expect(held).toMatchObject({ orderId: order.id, status: 'PENDING', requestedBy: REQUESTER, note: 'arrived broken' });

    await purgeAllKeys(key);
    expectReused(await refundAs(OTHER, input));
    await purgeAllKeys(key);
    expectReused(await refundAs(REQUESTER, { ...input, note: 'arrived late' }));
    expect(await requestsOf(order.id)).toEqual([[held.id, order.id, 'PENDING']]);

    await purgeAllKeys(key);
    const again = await refundAs(REQUESTER, input);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.refundOrder).toEqual({ refund: null, refundRequest: held, userErrors: [] });
    expect(await requestsOf(order.id)).toEqual([[held.id, order.id, 'PENDING']]);
    expect(await audited(key)).toEqual([
      [REQUESTER, 'succeeded', null, order.id],
      [REQUESTER, 'rejected', 'IDEMPOTENCY_KEY_REUSED', order.id],
      [OTHER, 'rejected', 'IDEMPOTENCY_KEY_REUSED', order.id],
      [REQUESTER, 'succeeded', null, order.id],
    ]);
  });
});
