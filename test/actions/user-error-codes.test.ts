/**
 * Issue 10, defect 11: every user error carries a stable code. refundCreate's userErrors have no `code` in the
 * pinned Admin schema, so a refusal Shopify makes after our checks passed (here: the order changed in between)
 * comes back with our documented SHOPIFY_USER_ERROR, never null — in the payload and in the audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAgent, newKey, onceBefore, orderPicker, paidOrder, REFUND, simOrder, startStack, type SimOrder, type Stack } from './helpers.js';

let h: Stack;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;

beforeAll(async () => {
  h = await startStack();
  pick = orderPicker(h);
});
afterAll(async () => h?.close());

const before = (operation: string, meanwhile: () => Promise<void>) => onceBefore(h, operation, meanwhile);

describe('refundOrder userErrors', () => {
  it("Shopify's refusals without a code come back with SHOPIFY_USER_ERROR, field mapped where the agent wrote it", async () => {
    const order = await pick(paidOrder(1));
    const line = order.lineItems[0]!;
    const input = { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: line.refundableQuantity }] };
    // Another agent refunds the same units between our checks and our refundCreate.
    before('ActionRefundCreate', async () => {
      const other = await asAgent(h, REFUND, { input: { ...input, idempotencyKey: newKey() } });
      expect(other.body.data.refundOrder.userErrors).toEqual([]);
    });
    const key = newKey();
    const res = await asAgent(h, REFUND, { input: { ...input, idempotencyKey: key } });
    expect(res.body.errors).toBeUndefined();
    const { refund, userErrors } = res.body.data.refundOrder;
    expect(refund).toBeNull();
    expect(userErrors[0]).toEqual({
      field: ['input', 'lineItems', '0', 'quantity'],
      message: 'Quantity cannot refund more items than were purchased',
      code: 'SHOPIFY_USER_ERROR',
    });
    for (const e of userErrors) expect(e.code).toBe('SHOPIFY_USER_ERROR');
    expect((await simOrder(h, order.id)).refunds).toHaveLength(1);
    const [audit] = await h.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit).toMatchObject({ outcome: 'failed', errorCode: 'SHOPIFY_USER_ERROR' });
  });
});
