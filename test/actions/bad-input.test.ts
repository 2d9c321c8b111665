/**
 * Bad input is BAD_USER_INPUT naming the field, before any mutation reaches Shopify. Checks that need the order
 * (refundable quantities, already cancelled) cost one read; the rest cost nothing. Shopify's own refusals come back
 * as userErrors with their codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asAgent, CANCEL, DISCOUNT, newKey, orderPicker, paidOrder, REFUND, simStats, startStack, type SimOrder, type Stack } from './helpers.js';

let h: Stack;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;
let order: SimOrder;
let other: SimOrder;

beforeAll(async () => {
  h = await startStack();
  pick = orderPicker(h);
  order = await pick(paidOrder(1));
  other = await pick(paidOrder(1));
});
afterAll(async () => h?.close());

const MUTATIONS = ['ActionRefundCreate', 'ActionOrderCancel', 'ActionDiscountCreate'];

/** Sends the request; expects BAD_USER_INPUT on `field`, the given Shopify reads and no mutation; returns the message. */
async function rejects(doc: string, input: Record<string, unknown>, field: string, reads: Record<string, number> = {}): Promise<string> {
  const key = newKey();
  const before = await simStats(h);
  const res = await asAgent(h, doc, { input: { idempotencyKey: key, ...input } });
  expect(res.body.data).toBeNull();
  expect(res.body.errors).toHaveLength(1);
  const [error] = res.body.errors;
  expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  expect(error.message.startsWith(`${field}: `)).toBe(true);
  const after = await simStats(h);
  const sent = Object.fromEntries(Object.entries(after.byOperation).map(([op, n]) => [op, n - (before.byOperation[op] ?? 0)]).filter(([, n]) => n !== 0));
  expect(sent).toEqual(reads);
  for (const m of MUTATIONS) expect(after.byOperation[m] ?? 0).toBe(before.byOperation[m] ?? 0);
  // A malformed key is not recorded (it identifies nothing): then the newest entry is this attempt's.
  const audit = 'idempotencyKey' in input ? (await h.app.deps.store.audit.list({ limit: 1 })) : await h.app.deps.store.audit.list({ idempotencyKey: key });
  expect(audit.map((a) => [a.outcome, a.errorCode, a.idempotencyKey])).toEqual([['rejected', 'BAD_USER_INPUT', 'idempotencyKey' in input ? null : key]]);
  expect(await h.app.deps.store.idempotency.get(key)).toBeNull();
  return error.message;
}

describe('refundOrder', () => {
  it('over-refund: a quantity above the refundable one, after one read of the order', async () => {
    const line = order.lineItems[0]!;
    const message = await rejects(REFUND, { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: line.refundableQuantity + 1 }] }, 'input.lineItems[0].quantity', { ActionOrderCheck: 1 });
    expect(message).toBe(`input.lineItems[0].quantity: is more than the ${line.refundableQuantity} still refundable`);
  });

  it('a line item of another order', async () => {
    await rejects(REFUND, { orderId: order.id, lineItems: [{ lineItemId: other.lineItems[0]!.id, quantity: 1 }] }, 'input.lineItems[0].lineItemId', { ActionOrderCheck: 1 });
  });

  it('more shipping than is left to refund, after reading the order and Shopify\'s suggestion', async () => {
    const message = await rejects(REFUND, { orderId: order.id, lineItems: [], shipping: { amount: '1000.00' } }, 'input.shipping.amount', { ActionOrderCheck: 1, ActionSuggestedRefund: 1 });
    expect(message).toBe(`input.shipping.amount: is more than the ${order.totals.shipping} USD of shipping still refundable`);
  });

  it('an order this store does not have', async () => {
    await rejects(REFUND, { orderId: 'gid://shopify/Order/999999999' }, 'input.orderId', { ActionOrderCheck: 1 });
  });

  it('malformed ids, quantities, amounts and keys cost no Shopify request at all', async () => {
    await rejects(REFUND, { orderId: 'Order/5000001' }, 'input.orderId');
    await rejects(REFUND, { orderId: order.id, lineItems: [{ lineItemId: 'gid://shopify/Product/1', quantity: 1 }] }, 'input.lineItems[0].lineItemId');
    await rejects(REFUND, { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 0 }] }, 'input.lineItems[0].quantity');
    await rejects(REFUND, { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }, { lineItemId: order.lineItems[0]!.id, quantity: 1 }] }, 'input.lineItems[1].lineItemId');
    await rejects(REFUND, { orderId: order.id, shipping: { amount: '-1' } }, 'input.shipping.amount');
    await rejects(REFUND, { orderId: order.id, shipping: { full: true, amount: '1' } }, 'input.shipping');
    await rejects(REFUND, { orderId: order.id, lineItems: [] }, 'input.lineItems');
    await rejects(REFUND, { orderId: order.id, idempotencyKey: '' }, 'input.idempotencyKey');
    await rejects(REFUND, { orderId: order.id, idempotencyKey: 'k'.repeat(256) }, 'input.idempotencyKey');
  });

  it('a corrected retry may reuse the key of a rejected request (checks run before the key is claimed)', async () => {
    const key = newKey();
    const line = order.lineItems[0]!;
    const bad = await asAgent(h, REFUND, { input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: 99 }], idempotencyKey: key } });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const good = await asAgent(h, REFUND, { input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: 1 }], idempotencyKey: key } });
    expect(good.body.errors).toBeUndefined();
    expect(good.body.data.refundOrder.refund.id).toMatch(/^gid:\/\/shopify\/Refund\//);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((a) => a.outcome)).toEqual(['succeeded', 'rejected']);
  });
});

describe('cancelOrder', () => {
  it('an order that is already cancelled, after one read', async () => {
    const cancelled = await pick((o) => o.cancelled && o.currency === 'USD');
    const message = await rejects(CANCEL, { orderId: cancelled.id, reason: 'OTHER', refund: false, restock: false }, 'input.orderId', { ActionOrderCheck: 1 });
    expect(message).toBe(`input.orderId: the order was already cancelled at ${cancelled.cancelledAt}`);
  });

  it('store credit without a refund, and a malformed order id', async () => {
    await rejects(CANCEL, { orderId: order.id, reason: 'OTHER', refund: false, refundToStoreCredit: true, restock: false }, 'input.refundToStoreCredit');
    await rejects(CANCEL, { orderId: 'gid://shopify/Customer/1', reason: 'OTHER', refund: false, restock: false }, 'input.orderId');
  });

  it("Shopify's refusal (a fulfilled order) comes back as userErrors with its code, recorded as failed", async () => {
    const fulfilled = await pick((o) => o.fulfillments > 0 && !o.cancelled && o.financialStatus === 'PAID');
    const key = newKey();
    const res = await asAgent(h, CANCEL, { input: { orderId: fulfilled.id, reason: 'OTHER', refund: true, restock: true, idempotencyKey: key } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cancelOrder).toMatchObject({
      jobId: null,
      userErrors: [{ field: ['input', 'orderId'], message: 'Cannot cancel an order with fulfillments; cancel the fulfillments first', code: 'INVALID' }],
      order: { id: fulfilled.id, cancelledAt: null },
    });
    expect((await h.sim<SimOrder>(`orders/${encodeURIComponent(fulfilled.id)}`)).cancelled).toBe(false);
    const [audit] = await h.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit).toMatchObject({ outcome: 'failed', errorCode: 'INVALID', orderId: fulfilled.id });
  });
});

describe('createDiscount', () => {
  const customer = () => ({ customerId: order.customerId });

  it('percentages outside (0, 100], both or neither of percentage/amount, bad amounts, ends and limits', async () => {
    for (const percentage of [-5, 0, 100.5]) await rejects(DISCOUNT, { ...customer(), percentage }, 'input.percentage');
    await rejects(DISCOUNT, { ...customer(), percentage: 10, amount: '5' }, 'input.amount');
    await rejects(DISCOUNT, { ...customer() }, 'input.percentage');
    for (const amount of ['0', '-3', 'ten', '1e3']) await rejects(DISCOUNT, { ...customer(), amount }, 'input.amount');
    await rejects(DISCOUNT, { ...customer(), percentage: 10, endsAt: new Date(Date.now() - 1000).toISOString() }, 'input.endsAt');
    for (const usageLimit of [0, 1001]) await rejects(DISCOUNT, { ...customer(), percentage: 10, usageLimit }, 'input.usageLimit');
    await rejects(DISCOUNT, { ...customer(), percentage: 10, minimumSubtotal: '0' }, 'input.minimumSubtotal');
    await rejects(DISCOUNT, { ...customer(), percentage: 10, code: 'has space' }, 'input.code');
  });

  it('exactly one of customerId/profileId, and a well-formed customer GID', async () => {
    await rejects(DISCOUNT, { percentage: 10 }, 'input.customerId');
    await rejects(DISCOUNT, { ...customer(), profileId: 'p1', percentage: 10 }, 'input.profileId');
    await rejects(DISCOUNT, { customerId: '1000001', percentage: 10 }, 'input.customerId');
    await rejects(DISCOUNT, { customerId: 'gid://shopify/Customer/999999999', percentage: 10 }, 'input.customerId', { ActionCustomer: 1 });
  });

  it("Shopify's TAKEN for a code in use comes back as a userError on input.code", async () => {
    const first = await asAgent(h, DISCOUNT, { input: { ...customer(), percentage: 10, code: 'TAKEN-CODE-1', idempotencyKey: newKey() } });
    expect(first.body.data.createDiscount.userErrors).toEqual([]);
    const second = await asAgent(h, DISCOUNT, { input: { ...customer(), percentage: 20, code: 'taken-code-1', idempotencyKey: newKey() } });
    expect(second.body.data.createDiscount).toEqual({
      discount: null,
      userErrors: [{ field: ['input', 'code'], message: 'Code must be unique. Please try a different code.', code: 'TAKEN' }],
    });
  });
});
