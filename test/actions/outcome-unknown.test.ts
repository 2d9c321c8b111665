/**
 * Lost answers: the mutation was sent but no answer came back (Shopify slower than our timeout, or a hung
 * connection). The agent gets SHOPIFY_OUTCOME_UNKNOWN; a retry with the same key asks Shopify what happened before
 * acting again, and ends with exactly one refund / cancellation / discount.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asAgent,
  CANCEL,
  DISCOUNT,
  newKey,
  onceBefore,
  orderPicker,
  paidOrder,
  REFUND,
  simOrder,
  simStats,
  startStack,
  type SimOrder,
  type Stack,
} from './helpers.js';

let h: Stack;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;

beforeAll(async () => {
  // A short Shopify timeout, so a lost answer is noticed quickly (the key's lease is 2 × (300 + 600) + 1000 ms).
  h = await startStack({ env: { SHOPIFY_TIMEOUT_MS: '300', SHOPIFY_MAX_WAIT_MS: '600' } });
  pick = orderPicker(h);
});
afterAll(async () => h?.close());

/** Arms simulator faults just before the subgraph sends `operation` (and not before its reads). */
const faultBefore = (operation: string, faults: Record<string, unknown>) => onceBefore(h, operation, () => h.sim('faults', faults));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first attempt: SHOPIFY_OUTCOME_UNKNOWN, recorded as unknown, the key left unknown. */
async function lost(doc: string, input: Record<string, unknown>, action: string): Promise<void> {
  const res = await asAgent(h, doc, { input });
  expect(res.body.errors[0].extensions.code).toBe('SHOPIFY_OUTCOME_UNKNOWN');
  const key = input.idempotencyKey as string;
  expect((await h.app.deps.store.idempotency.get(key))!.state).toBe('unknown');
  expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((e) => [e.action, e.outcome, e.errorCode])).toEqual([
    [action, 'unknown', 'SHOPIFY_OUTCOME_UNKNOWN'],
  ]);
}

describe('a lost answer, then a retry with the same key', () => {
  it('refundOrder: Shopify refunded although we timed out; the retry resends under the same Shopify key and gets that one refund', async () => {
    const before = await pick(paidOrder(1));
    const input = { orderId: before.id, lineItems: [{ lineItemId: before.lineItems[0]!.id, quantity: 1 }], idempotencyKey: newKey() };
    const stats = await simStats(h);
    // Every attempt (the client resends refundCreate: it is replay-safe) answers after our timeout, but is carried out.
    faultBefore('ActionRefundCreate', { latencyMs: 800 });
    await lost(REFUND, input, 'refundOrder');
    await sleep(1_000);
    await h.sim('faults', {});
    const acted = await simOrder(h, before.id);
    expect(acted.refunds).toHaveLength(1);
    expect((await simStats(h)).byOperation.ActionRefundCreate! - (stats.byOperation.ActionRefundCreate ?? 0)).toBeGreaterThanOrEqual(2);

    const retry = await asAgent(h, REFUND, { input });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.refundOrder.refund.id).toBe(acted.refunds[0]!.id);
    const after = await simOrder(h, before.id);
    expect(after.refunds.map((r) => r.id)).toEqual([acted.refunds[0]!.id]);
    expect(after.totalRefunded).toBe(before.lineItems[0]!.discountedUnitPrice);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => e.outcome)).toEqual([
      'succeeded',
      'unknown',
    ]);
    expect((await h.app.deps.store.idempotency.get(input.idempotencyKey))!.state).toBe('succeeded');
  }, 15_000);

  it('cancelOrder: Shopify cancelled although we timed out; the retry sees the cancelled order and does not cancel again', async () => {
    const before = await pick(paidOrder(1, true));
    const input = { orderId: before.id, reason: 'CUSTOMER', refund: true, restock: true, idempotencyKey: newKey() };
    const stats = await simStats(h);
    faultBefore('ActionOrderCancel', { latencyMs: 800 });
    await lost(CANCEL, input, 'cancelOrder');
    await sleep(1_000);
    await h.sim('faults', {});
    expect((await simOrder(h, before.id)).cancelled).toBe(true);

    const retry = await asAgent(h, CANCEL, { input });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.cancelOrder).toMatchObject({ userErrors: [], order: { id: before.id, status: 'Cancelled' } });
    // sent once (no resend after the lost answer), and nothing refunded twice
    expect((await simStats(h)).byOperation.ActionOrderCancel! - (stats.byOperation.ActionOrderCancel ?? 0)).toBe(1);
    const after = await simOrder(h, before.id);
    expect(after.refunds).toHaveLength(1);
    expect(after.totalRefunded).toBe(before.totals.net);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => e.outcome)).toEqual([
      'succeeded',
      'unknown',
    ]);
  }, 15_000);

  it('createDiscount: the request hung and never reached Shopify; the retry finds no such code and creates it, once', async () => {
    const { customerId } = await pick(paidOrder(1));
    const input = { customerId, percentage: 12.5, idempotencyKey: newKey() };
    const stats = await simStats(h);
    faultBefore('ActionDiscountCreate', { hangNext: 1 });
    await lost(DISCOUNT, input, 'createDiscount');
    // the generated code was written ahead, so the retry can look for it
    const written = (await h.app.deps.store.idempotency.get(input.idempotencyKey))!.result as { sent: { discount: { code: string } } };
    const code = written.sent.discount.code;
    await h.sim('faults', {});

    const retry = await asAgent(h, DISCOUNT, { input });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.createDiscount.discount).toMatchObject({ code, value: '12.5%' });
    const stored = (await h.sim<Array<{ code: string; customerIds: string[] }>>('discounts')).filter((d) => d.code === code);
    expect(stored).toEqual([expect.objectContaining({ code, customerIds: [customerId] })]);
    expect((await simStats(h)).byOperation.ActionDiscountByCode! - (stats.byOperation.ActionDiscountByCode ?? 0)).toBe(1);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => e.outcome)).toEqual([
      'succeeded',
      'unknown',
    ]);
  }, 15_000);
});
