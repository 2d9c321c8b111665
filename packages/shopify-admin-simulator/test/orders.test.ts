/** orderCancel (an async job) and discountCodeBasicCreate. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { control, gql, simulator, type OrderSummary } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

const CANCEL = `mutation Cancel($id: ID!, $refund: OrderCancelRefundMethodInput) {
  orderCancel(orderId: $id, reason: CUSTOMER, restock: true, refundMethod: $refund, staffNote: "asked by phone") {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`;
const STATE = `query($id: ID!) { order(id: $id) { cancelledAt cancelReason closed cancellation { staffNote } displayFinancialStatus refundable
  totalPriceSet { presentmentMoney { amount } } totalRefundedSet { presentmentMoney { amount } } lineItems(first: 10) { nodes { currentQuantity refundableQuantity } } } }`;

async function waitForJob(jobId: string) {
  for (let i = 0; i < 50; i++) {
    const res = await gql(sim, 'query($id: ID!) { job(id: $id) { id done } }', { id: jobId });
    if (res.body.data.job.done) return res.body.data.job;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('cancel job never finished');
}

describe('orderCancel', () => {
  it('answers with a job, then cancels, refunds to the original payment and restocks', async () => {
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const o = orders.find((x) => x.financialStatus === 'PAID' && x.fulfillmentStatus === 'UNFULFILLED' && !x.cancelled)!;
    const res = await gql(sim, CANCEL, { id: o.id, refund: { originalPaymentMethodsRefund: true } });
    expect(res.body.data.orderCancel.orderCancelUserErrors).toEqual([]);
    expect(res.body.data.orderCancel.job).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/Job\//), done: false });
    expect(await waitForJob(res.body.data.orderCancel.job.id)).toMatchObject({ done: true });

    const after = (await gql(sim, STATE, { id: o.id })).body.data.order;
    expect(after).toMatchObject({
      cancelReason: 'CUSTOMER',
      closed: true,
      cancellation: { staffNote: 'asked by phone' },
      displayFinancialStatus: 'REFUNDED',
      refundable: false,
      totalRefundedSet: { presentmentMoney: { amount: o.totalPrice } },
    });
    expect(after.cancelledAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(after.lineItems.nodes.every((l: any) => l.currentQuantity === 0 && l.refundableQuantity === 0)).toBe(true);
    const detail = await control(sim, `orders/${encodeURIComponent(o.id)}`);
    expect(detail.refunds[0].lines.every((l: any) => l.restockType === 'CANCEL')).toBe(true);

    const again = await gql(sim, CANCEL, { id: o.id });
    expect(again.body.data.orderCancel).toEqual({
      job: null,
      orderCancelUserErrors: [{ field: ['orderId'], message: 'Order has already been cancelled', code: 'INVALID' }],
    });
  });

  it('cancels an unpaid order without moving money, and voids an authorization', async () => {
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const authorized = orders.find((x) => x.financialStatus === 'AUTHORIZED' && !x.cancelled)!;
    const res = await gql(sim, CANCEL, { id: authorized.id });
    await waitForJob(res.body.data.orderCancel.job.id);
    const after = (await gql(sim, STATE, { id: authorized.id })).body.data.order;
    expect(after).toMatchObject({
      cancelReason: 'CUSTOMER',
      displayFinancialStatus: 'VOIDED',
      totalRefundedSet: { presentmentMoney: { amount: '0.00' } },
    });
  });

  it('refuses an order with fulfillments and an unknown order', async () => {
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const fulfilled = orders.find((x) => x.fulfillmentStatus === 'FULFILLED' && !x.cancelled)!;
    expect((await gql(sim, CANCEL, { id: fulfilled.id })).body.data.orderCancel.orderCancelUserErrors[0].code).toBe('INVALID');
    expect((await gql(sim, CANCEL, { id: 'gid://shopify/Order/42' })).body.data.orderCancel.orderCancelUserErrors).toEqual([
      { field: ['orderId'], message: 'Order does not exist', code: 'NOT_FOUND' },
    ]);
  });
});

const DISCOUNT = `mutation Discount($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { title status usageLimit appliesOncePerCustomer endsAt
      codes(first: 1) { nodes { code } }
      customerGets { value { ... on DiscountPercentage { percentage } ... on DiscountAmount { amount { amount currencyCode } } } }
      context { ... on DiscountCustomers { customers { id } } ... on DiscountBuyerSelectionAll { all } } } } }
    userErrors { field message code }
  }
}`;

describe('discountCodeBasicCreate', () => {
  it('creates a percentage code for specific customers, and refuses the same code again', async () => {
    const customers = await control<any[]>(sim, 'customers');
    const [c1, c2] = customers;
    const input = {
      title: 'Sorry about the delay',
      code: 'SORRY15',
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '2099-12-31T23:59:59Z',
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { customers: { add: [c1.id, c2.id] } },
      customerGets: { value: { percentage: 0.15 }, items: { all: true } },
    };
    const res = await gql(sim, DISCOUNT, { input });
    expect(res.body.data.discountCodeBasicCreate.userErrors).toEqual([]);
    const node = res.body.data.discountCodeBasicCreate.codeDiscountNode;
    expect(node).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/DiscountCodeNode\/\d+$/),
      codeDiscount: {
        title: 'Sorry about the delay',
        status: 'ACTIVE',
        usageLimit: 1,
        appliesOncePerCustomer: true,
        endsAt: '2099-12-31T23:59:59Z',
        codes: { nodes: [{ code: 'SORRY15' }] },
        customerGets: { value: { percentage: 0.15 } },
        context: { customers: [{ id: c1.id }, { id: c2.id }] },
      },
    });
    expect(await control(sim, 'discounts')).toEqual([
      {
        id: node.id,
        code: 'SORRY15',
        title: 'Sorry about the delay',
        customerIds: [c1.id, c2.id],
        usageLimit: 1,
        appliesOncePerCustomer: true,
        value: { percentage: 0.15 },
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: '2099-12-31T23:59:59Z',
      },
    ]);

    const dup = await gql(sim, DISCOUNT, { input: { ...input, code: 'sorry15' } });
    expect(dup.body.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: null,
      userErrors: [{ field: ['basicCodeDiscount', 'code'], message: 'Code must be unique. Please try a different code.', code: 'TAKEN' }],
    });
  });

  it('creates a fixed-amount code through the deprecated customerSelection, and checks the value', async () => {
    const fixed = await gql(sim, DISCOUNT, {
      input: {
        title: '10 off',
        code: 'TENOFF',
        customerSelection: { all: true },
        customerGets: { value: { discountAmount: { amount: '10.00', appliesOnEachItem: false } }, items: { all: true } },
      },
    });
    expect(fixed.body.data.discountCodeBasicCreate.codeDiscountNode.codeDiscount.customerGets).toEqual({
      value: { amount: { amount: '10.00', currencyCode: 'USD' } },
    });
    const bad = await gql(sim, DISCOUNT, {
      input: { title: 'too much', code: 'TOOMUCH', customerGets: { value: { percentage: 15 }, items: { all: true } } },
    });
    expect(bad.body.data.discountCodeBasicCreate.userErrors).toEqual([
      {
        field: ['basicCodeDiscount', 'customerGets', 'value', 'percentage'],
        message: 'Value must be between 0.0 and 1.0',
        code: 'VALUE_OUTSIDE_RANGE',
      },
    ]);
  });
});
