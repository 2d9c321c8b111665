/**
 * cancelOrder under a refund limit, over HTTP against the simulator, with agent tokens carrying the
 * `shopify_refund_limit` claim: a cancel that would refund more than the limit is FORBIDDEN before anything is sent
 * (orderCancel refunds at once and cannot be held for approval), one within it cancels and refunds as before, and a
 * cancel without a refund is never limited. What the cancel would refund is the order's net payment (received −
 * refunded), which the simulator's own stored totals give independently.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/auth.js';
import {
  CANCEL,
  cents,
  JWT_SECRET,
  money,
  newKey,
  orderPicker,
  paidOrder,
  simOrder,
  simStats,
  startStack,
  type SimOrder,
  type Stack,
} from './helpers.js';

let h: Stack;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;

beforeAll(async () => {
  h = await startStack();
  pick = orderPicker(h);
});
afterAll(async () => h?.close());

/** A token with every scope and this refund-limit claim (one amount, or one per store handle). */
function limitedToken(limit: string | Record<string, string>): Promise<string> {
  return new SignJWT({ scope: SCOPES.join(' '), shopify_refund_limit: limit })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('agent-lim')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

async function cancelAs(limit: string | Record<string, string>, input: Record<string, unknown>) {
  return h.query(CANCEL, { input }, { authorization: `Bearer ${await limitedToken(limit)}` });
}

/** A paid, unfulfilled order (cancellable) with money received and nothing refunded; its net payment in cents. */
async function cancellable(): Promise<{ order: SimOrder; net: number }> {
  const order = await pick((o) => paidOrder(1, true)(o) && cents(o.totals.net!) > 100);
  return { order, net: cents(order.totals.net!) };
}

const audited = async (key: string) =>
  (await h.app.deps.store.audit.list({ idempotencyKey: key })).map((e) => [e.action, e.outcome, e.errorCode, e.orderId]);

describe('cancelOrder with a refund limit', () => {
  it('a cancel that would refund more than the limit is FORBIDDEN: nothing is sent, the order stays as it was', async () => {
    for (const toStoreCredit of [false, true]) {
      const { order, net } = await cancellable();
      const limit = money(net - 1);
      const stats = await simStats(h);
      const input = {
        orderId: order.id,
        reason: 'CUSTOMER',
        refund: true,
        refundToStoreCredit: toStoreCredit,
        restock: true,
        idempotencyKey: newKey(),
      };

      const res = await cancelAs(limit, input);
      expect(res.body.data?.cancelOrder ?? null).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ABOVE_LIMIT' });
      expect(res.body.errors[0].message).toBe(
        `Cancelling this order with a refund would refund ${money(net)} USD, above your refund limit of ${limit} USD in the store "default": cancel it without a refund (refund: false), then refund it with refundOrder, which holds a refund above your limit for a supervisor's approval`,
      );

      // The simulator's own record: not cancelled, nothing refunded, no orderCancel received.
      const after = await simOrder(h, order.id);
      expect(after).toMatchObject({ cancelled: false, cancelledAt: null, totalRefunded: '0.00', refunds: [] });
      expect(after.transactions).toEqual(order.transactions);
      const sent = await simStats(h);
      expect(sent.byOperation.ActionOrderCancel ?? 0).toBe(stats.byOperation.ActionOrderCancel ?? 0);
      // One check read (with the net payment), nothing else.
      expect(sent.requests - stats.requests).toBe(1);
      expect(sent.byOperation.ActionOrderCheck! - (stats.byOperation.ActionOrderCheck ?? 0)).toBe(1);

      // Audited as denied on the order; the key was not used up.
      expect(await audited(input.idempotencyKey)).toEqual([['cancelOrder', 'denied', 'FORBIDDEN', order.id]]);
      expect(await h.app.deps.store.idempotency.get(input.idempotencyKey)).toBeNull();
    }
  });

  it('a cancel whose refund is within the limit (here: exactly it, for this store) cancels and refunds as before', async () => {
    const { order, net } = await cancellable();
    const input = { orderId: order.id, reason: 'CUSTOMER', refund: true, restock: true, idempotencyKey: newKey() };
    const res = await cancelAs({ default: money(net) }, input);
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.cancelOrder;
    expect(payload.userErrors).toEqual([]);
    expect(payload.jobId).toMatch(/^gid:\/\/shopify\/Job\//);

    const after = await simOrder(h, order.id);
    expect(after).toMatchObject({ cancelled: true, cancelReason: 'CUSTOMER', financialStatus: 'REFUNDED' });
    expect(cents(after.totalRefunded)).toBe(net);
    expect(after.refunds[0]!.lines.map((l) => [l.lineItemId, l.quantity, l.restockType])).toEqual(
      order.lineItems.map((li) => [li.id, li.quantity, 'CANCEL']),
    );
    expect(payload.order).toMatchObject({ id: order.id, status: 'Cancelled', cancelledAt: after.cancelledAt, canCancel: false });
    expect(await audited(input.idempotencyKey)).toEqual([['cancelOrder', 'succeeded', null, order.id]]);
  });

  it('a cancel without a refund is not limited: it cancels and moves no money, however low the limit', async () => {
    const { order } = await cancellable();
    const input = { orderId: order.id, reason: 'FRAUD', refund: false, restock: false, idempotencyKey: newKey() };
    const res = await cancelAs('0.01', input);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cancelOrder.userErrors).toEqual([]);
    const after = await simOrder(h, order.id);
    expect(after).toMatchObject({ cancelled: true, cancelReason: 'FRAUD', totalRefunded: '0.00' });
    expect(after.refunds[0]!.lines.every((l) => l.restockType === 'NO_RESTOCK')).toBe(true);
    expect(await audited(input.idempotencyKey)).toEqual([['cancelOrder', 'succeeded', null, order.id]]);
  });

  it('a limit for another store only does not apply here: the cancel refunds in full', async () => {
    const { order, net } = await cancellable();
    const input = { orderId: order.id, reason: 'CUSTOMER', refund: true, restock: false, idempotencyKey: newKey() };
    const res = await cancelAs({ eu: '0.01' }, input);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cancelOrder.userErrors).toEqual([]);
    expect(cents((await simOrder(h, order.id)).totalRefunded)).toBe(net);
  });
});
