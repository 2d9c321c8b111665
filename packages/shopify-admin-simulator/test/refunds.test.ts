/** refundCreate: idempotency, money only through transactions, over-refund checks, and the order moving with it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { cents, control, gql, money, simulator, type OrderSummary } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

const REFUND = `mutation Refund($input: RefundInput!) {
  refundCreate(input: $input) @idempotent(key: KEY) {
    refund { id note totalRefundedSet { presentmentMoney { amount } } refundLineItems(first: 10) { nodes { lineItem { id } quantity restockType } } transactions(first: 5) { nodes { kind gateway amountSet { presentmentMoney { amount } } parentTransaction { id } } } }
    order { id }
    userErrors { field message }
  }
}`;
const refund = (key: string, input: Record<string, unknown>) => gql(sim, REFUND.replace('KEY', JSON.stringify(key)), { input });

const ORDER = `query Order($id: ID!) { order(id: $id) {
  displayFinancialStatus refundable
  totalPriceSet { presentmentMoney { amount } }
  currentTotalPriceSet { presentmentMoney { amount } }
  totalRefundedSet { presentmentMoney { amount } }
  lineItems(first: 10) { nodes { id quantity currentQuantity refundableQuantity } }
  refunds { id }
} }`;
const readOrder = async (id: string) => (await gql(sim, ORDER, { id })).body.data.order;

/** A paid order with at least two line items, untouched by refunds. */
async function paidOrder(skip = 0) {
  const orders = await control<OrderSummary[]>(sim, 'orders');
  const candidates = [];
  for (const o of orders.filter((x) => x.financialStatus === 'PAID' && !x.cancelled && x.fulfillments === 0)) {
    const detail = await control(sim, `orders/${encodeURIComponent(o.id)}`);
    if (detail.lineItems.length >= 2 && detail.transactions.length === 1) candidates.push(detail);
    if (candidates.length > skip) break;
  }
  return candidates[skip];
}

describe('refundCreate', () => {
  it('without transactions moves no money, but the items leave the order', async () => {
    const o = await paidOrder(0);
    const [a] = o.lineItems;
    const before = await readOrder(o.id);
    const res = await refund('no-money-1', { orderId: o.id, refundLineItems: [{ lineItemId: a.id, quantity: 1, restockType: 'RETURN' }] });
    expect(res.body.data.refundCreate.userErrors).toEqual([]);
    expect(res.body.data.refundCreate.refund.totalRefundedSet).toEqual({ presentmentMoney: { amount: '0.00' } });
    expect(res.body.data.refundCreate.refund.transactions.nodes).toEqual([]);
    const after = await readOrder(o.id);
    expect(after.displayFinancialStatus).toBe('PAID');
    expect(after.totalRefundedSet.presentmentMoney.amount).toBe('0.00');
    expect(after.totalPriceSet).toEqual(before.totalPriceSet);
    expect(cents(after.currentTotalPriceSet.presentmentMoney.amount)).toBe(
      cents(before.currentTotalPriceSet.presentmentMoney.amount) - cents(a.discountedUnitPrice),
    );
    const line = after.lineItems.nodes.find((n: { id: string }) => n.id === a.id);
    expect(line).toEqual({ id: a.id, quantity: a.quantity, currentQuantity: a.quantity - 1, refundableQuantity: a.quantity - 1 });
  });

  it('with the suggested transactions refunds money, once per idempotency key', async () => {
    const o = await paidOrder(1);
    const [, b] = o.lineItems;
    const sale = o.transactions[0];
    const suggestion = await gql(
      sim,
      `query($id: ID!, $line: ID!) { order(id: $id) { suggestedRefund(refundLineItems: [{ lineItemId: $line, quantity: 1 }]) {
        amountSet { presentmentMoney { amount } } subtotalSet { presentmentMoney { amount } } totalCartDiscountAmountSet { presentmentMoney { amount } }
        shipping { amountSet { presentmentMoney { amount } } maximumRefundableSet { presentmentMoney { amount } } }
        refundLineItems { lineItem { id } quantity }
        suggestedTransactions { amountSet { presentmentMoney { amount } } gateway kind parentTransaction { id } } } } }`,
      { id: o.id, line: b.id },
    );
    const s = suggestion.body.data.order.suggestedRefund;
    expect(s).toEqual({
      amountSet: { presentmentMoney: { amount: b.discountedUnitPrice } },
      subtotalSet: { presentmentMoney: { amount: b.discountedUnitPrice } },
      totalCartDiscountAmountSet: { presentmentMoney: { amount: '0.00' } },
      shipping: {
        amountSet: { presentmentMoney: { amount: '0.00' } },
        maximumRefundableSet: { presentmentMoney: { amount: o.shipping.amount } },
      },
      refundLineItems: [{ lineItem: { id: b.id }, quantity: 1 }],
      suggestedTransactions: [
        {
          amountSet: { presentmentMoney: { amount: b.discountedUnitPrice } },
          gateway: sale.gateway,
          kind: 'SUGGESTED_REFUND',
          parentTransaction: { id: sale.id },
        },
      ],
    });

    const input = {
      orderId: o.id,
      note: 'damaged',
      refundLineItems: [{ lineItemId: b.id, quantity: 1, restockType: 'NO_RESTOCK' }],
      transactions: [{ orderId: o.id, parentId: sale.id, gateway: sale.gateway, kind: 'REFUND', amount: b.discountedUnitPrice }],
    };
    const first = await refund('key-A', input);
    const second = await refund('key-A', input);
    expect(first.body.data.refundCreate.userErrors).toEqual([]);
    expect(second.body.data).toEqual(first.body.data);
    expect(second.body.data.refundCreate.refund.id).toBe(first.body.data.refundCreate.refund.id);
    expect(first.body.data.refundCreate.refund.transactions.nodes).toEqual([
      {
        kind: 'REFUND',
        gateway: sale.gateway,
        amountSet: { presentmentMoney: { amount: b.discountedUnitPrice } },
        parentTransaction: { id: sale.id },
      },
    ]);

    const after = await readOrder(o.id);
    expect(after.refunds).toHaveLength(1);
    expect(after.displayFinancialStatus).toBe('PARTIALLY_REFUNDED');
    expect(after.totalRefundedSet.presentmentMoney.amount).toBe(b.discountedUnitPrice);
    expect(cents(after.currentTotalPriceSet.presentmentMoney.amount)).toBe(cents(o.totalPrice) - cents(b.discountedUnitPrice));
    expect(after.lineItems.nodes.find((n: { id: string }) => n.id === b.id).refundableQuantity).toBe(b.quantity - 1);
    expect(after.refundable).toBe(true);

    // same key, other input: refused, and nothing changes
    const mismatch = await refund('key-A', { ...input, note: 'changed my mind' });
    expect(mismatch.status).toBe(200);
    expect(mismatch.body.data).toEqual({ refundCreate: null });
    expect(mismatch.body.errors).toEqual([
      {
        message: 'The same idempotency key cannot be used with different operation parameters.',
        locations: [{ line: 2, column: 3 }],
        path: ['refundCreate'],
        extensions: { code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' },
      },
    ]);
    expect((await readOrder(o.id)).refunds).toHaveLength(1);

    // the rest of the order, with shipping, through the full suggestion → REFUNDED
    const full = (
      await gql(
        sim,
        `query($id: ID!) { order(id: $id) { suggestedRefund(suggestFullRefund: true) { refundLineItems { lineItem { id } quantity } suggestedTransactions { amountSet { presentmentMoney { amount } } gateway parentTransaction { id } } } } }`,
        { id: o.id },
      )
    ).body.data.order.suggestedRefund;
    const rest = await refund('key-B', {
      orderId: o.id,
      shipping: { fullRefund: true },
      refundLineItems: full.refundLineItems.map((l: any) => ({ lineItemId: l.lineItem.id, quantity: l.quantity })),
      transactions: full.suggestedTransactions.map((t: any) => ({
        orderId: o.id,
        parentId: t.parentTransaction.id,
        gateway: t.gateway,
        kind: 'REFUND',
        amount: t.amountSet.presentmentMoney.amount,
      })),
    });
    expect(rest.body.data.refundCreate.userErrors).toEqual([]);
    const done = await readOrder(o.id);
    expect(done.displayFinancialStatus).toBe('REFUNDED');
    expect(done.refundable).toBe(false);
    expect(done.totalRefundedSet.presentmentMoney.amount).toBe(o.totalPrice);
    expect(done.currentTotalPriceSet.presentmentMoney.amount).toBe('0.00');
    expect(done.lineItems.nodes.map((n: any) => n.refundableQuantity)).toEqual(done.lineItems.nodes.map(() => 0));
  });

  it('refuses over-refunds, unknown line items and quantities above what is refundable', async () => {
    const o = await paidOrder(2);
    const [a] = o.lineItems;
    const sale = o.transactions[0];
    const bad = async (input: Record<string, unknown>, key: string) =>
      (await refund(key, { orderId: o.id, ...input })).body.data.refundCreate;
    expect(await bad({ refundLineItems: [{ lineItemId: 'gid://shopify/LineItem/1', quantity: 1 }] }, 'bad-1')).toEqual({
      refund: null,
      order: null,
      userErrors: [{ field: ['refundLineItems', '0', 'lineItemId'], message: 'Line item does not exist' }],
    });
    expect((await bad({ refundLineItems: [{ lineItemId: a.id, quantity: a.quantity + 1 }] }, 'bad-2')).userErrors).toEqual([
      { field: ['refundLineItems', '0', 'quantity'], message: 'Quantity cannot refund more items than were purchased' },
    ]);
    const over = money(cents(sale.amount) + 1);
    expect(
      (await bad({ transactions: [{ orderId: o.id, parentId: sale.id, gateway: sale.gateway, kind: 'REFUND', amount: over }] }, 'bad-3'))
        .userErrors,
    ).toEqual([
      { field: ['transactions', '0', 'amount'], message: 'Amount cannot be greater than the refundable amount of the parent transaction' },
    ]);
    expect((await refund('bad-4', { orderId: 'gid://shopify/Order/1' })).body.data.refundCreate.userErrors).toEqual([
      { field: ['orderId'], message: 'Order does not exist' },
    ]);
    expect((await readOrder(o.id)).refunds).toEqual([]);
  });

  it('is refused without @idempotent (required since 2026-04)', async () => {
    const o = await paidOrder(0);
    const res = await gql(
      sim,
      'mutation($input: RefundInput!) { refundCreate(input: $input) { refund { id } userErrors { field message } } }',
      { input: { orderId: o.id } },
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ refundCreate: null });
    expect(res.body.errors[0]).toMatchObject({
      path: ['refundCreate'],
      message: expect.stringContaining('idempotency key is required'),
      extensions: { code: 'BAD_REQUEST' },
    });
  });
});
