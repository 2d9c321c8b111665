/** draftOrderCreate and draftOrderComplete: totals, the order made, user errors; GET /__simulator/draft-orders. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { control, gql, simulator, type OrderSummary } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator({ customers: 120 });
});
afterAll(() => sim.close());

// catalogue variants of the default (USD) shop: Merino Wool Beanie / Charcoal at 29.00, Canvas Tote Bag at 24.00
const BEANIE = 'gid://shopify/ProductVariant/90000001';
const TOTE = 'gid://shopify/ProductVariant/90000011';

const DRAFT = `id name status tags note2 email completedAt order { id }
  customer { id }
  appliedDiscount { title value valueType amountSet { shopMoney { amount currencyCode } } }
  shippingAddress { firstName lastName address1 city provinceCode zip countryCodeV2 }
  lineItemsSubtotalPrice { shopMoney { amount } }
  subtotalPriceSet { shopMoney { amount } }
  totalDiscountsSet { shopMoney { amount } }
  totalShippingPriceSet { shopMoney { amount } }
  totalPriceSet { shopMoney { amount currencyCode } }
  lineItems(first: 10) { nodes { title variantTitle sku quantity custom variant { id } originalUnitPriceSet { shopMoney { amount } }
    approximateDiscountedUnitPriceSet { shopMoney { amount } } } }`;
const CREATE = `mutation Create($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { ${DRAFT} } userErrors { field message } } }`;
const COMPLETE = `mutation Complete($id: ID!, $pending: Boolean, $gateway: ID) {
  draftOrderComplete(id: $id, paymentPending: $pending, paymentGatewayId: $gateway) { draftOrder { ${DRAFT} } userErrors { field message } }
}`;
const ORDER = `query($id: ID!) { order(id: $id) { id name sourceName displayFinancialStatus fullyPaid note tags email
  customer { id }
  totalPriceSet { shopMoney { amount } } subtotalPriceSet { shopMoney { amount } } totalDiscountsSet { shopMoney { amount } }
  shippingAddress { firstName lastName address1 city provinceCode zip countryCodeV2 }
  transactions(first: 5) { kind status gateway amountSet { shopMoney { amount } } }
  lineItems(first: 10) { nodes { title quantity variant { id } discountedUnitPriceSet { shopMoney { amount } } } } } }`;

const ADDRESS = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  address1: '12 Birch Crescent',
  city: 'Ottawa',
  provinceCode: 'ON',
  zip: 'K1P 1J1',
  countryCode: 'CA',
};

async function create(input: Record<string, unknown>) {
  const res = await gql(sim, CREATE, { input });
  expect(res.body.errors).toBeUndefined();
  return res.body.data.draftOrderCreate;
}

async function customer(): Promise<{ id: string; email: string }> {
  const all = await control<Array<{ id: string; email: string | null }>>(sim, 'customers');
  return all.find((c) => c.email) as { id: string; email: string };
}

describe('draftOrderCreate and draftOrderComplete', () => {
  it('a 100% discount makes a free draft, and completing it makes one PAID order at 0.00 with the draft’s details', async () => {
    const c = await customer();
    const created = await create({
      lineItems: [
        { variantId: BEANIE, quantity: 2 },
        { variantId: TOTE, quantity: 1 },
      ],
      appliedDiscount: { valueType: 'PERCENTAGE', value: 100, title: 'Replacement for #1001' },
      shippingAddress: ADDRESS,
      purchasingEntity: { customerId: c.id },
      note: 'Replacement for #1001: lost in transit',
      tags: ['replacement, replaces-1001', 'rk-0123abcd'],
    });
    expect(created.userErrors).toEqual([]);
    const draft = created.draftOrder;
    expect(draft).toMatchObject({
      name: '#D1',
      status: 'OPEN',
      tags: ['replacement', 'replaces-1001', 'rk-0123abcd'],
      note2: 'Replacement for #1001: lost in transit',
      email: c.email,
      completedAt: null,
      order: null,
      customer: { id: c.id },
      appliedDiscount: {
        title: 'Replacement for #1001',
        value: 100,
        valueType: 'PERCENTAGE',
        amountSet: { shopMoney: { amount: '82.00', currencyCode: 'USD' } },
      },
      shippingAddress: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        address1: '12 Birch Crescent',
        city: 'Ottawa',
        provinceCode: 'ON',
        zip: 'K1P 1J1',
        countryCodeV2: 'CA',
      },
      lineItemsSubtotalPrice: { shopMoney: { amount: '82.00' } },
      subtotalPriceSet: { shopMoney: { amount: '0.00' } },
      totalDiscountsSet: { shopMoney: { amount: '82.00' } },
      totalShippingPriceSet: { shopMoney: { amount: '0.00' } },
      totalPriceSet: { shopMoney: { amount: '0.00', currencyCode: 'USD' } },
      lineItems: {
        nodes: [
          {
            title: 'Merino Wool Beanie',
            variantTitle: 'Charcoal',
            sku: 'MWB-001-1',
            quantity: 2,
            custom: false,
            variant: { id: BEANIE },
            originalUnitPriceSet: { shopMoney: { amount: '29.00' } },
            approximateDiscountedUnitPriceSet: { shopMoney: { amount: '0.00' } },
          },
          {
            title: 'Canvas Tote Bag',
            variantTitle: null,
            sku: 'CTB-002-1',
            quantity: 1,
            custom: false,
            variant: { id: TOTE },
            originalUnitPriceSet: { shopMoney: { amount: '24.00' } },
            approximateDiscountedUnitPriceSet: { shopMoney: { amount: '0.00' } },
          },
        ],
      },
    });
    const ordersBefore = (await control<OrderSummary[]>(sim, 'orders')).length;

    const done = (await gql(sim, COMPLETE, { id: draft.id })).body.data.draftOrderComplete;
    expect(done.userErrors).toEqual([]);
    expect(done.draftOrder).toMatchObject({
      id: draft.id,
      status: 'COMPLETED',
      order: { id: expect.stringMatching(/^gid:\/\/shopify\/Order\/\d+$/) },
    });
    expect(done.draftOrder.completedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const orderId = done.draftOrder.order.id;
    const order = (await gql(sim, ORDER, { id: orderId })).body.data.order;
    expect(order).toMatchObject({
      sourceName: 'shopify_draft_order',
      displayFinancialStatus: 'PAID',
      fullyPaid: true,
      note: 'Replacement for #1001: lost in transit',
      tags: ['replacement', 'replaces-1001', 'rk-0123abcd'],
      email: c.email,
      customer: { id: c.id },
      totalPriceSet: { shopMoney: { amount: '0.00' } },
      subtotalPriceSet: { shopMoney: { amount: '0.00' } },
      totalDiscountsSet: { shopMoney: { amount: '82.00' } },
      shippingAddress: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        address1: '12 Birch Crescent',
        city: 'Ottawa',
        provinceCode: 'ON',
        zip: 'K1P 1J1',
        countryCodeV2: 'CA',
      },
      transactions: [],
      lineItems: {
        nodes: [
          { title: 'Merino Wool Beanie', quantity: 2, variant: { id: BEANIE }, discountedUnitPriceSet: { shopMoney: { amount: '0.00' } } },
          { title: 'Canvas Tote Bag', quantity: 1, variant: { id: TOTE }, discountedUnitPriceSet: { shopMoney: { amount: '0.00' } } },
        ],
      },
    });
    const summary = (await control<OrderSummary[]>(sim, 'orders')).find((o) => o.id === orderId)!;
    expect(summary).toMatchObject({ financialStatus: 'PAID', totalPrice: '0.00', customerId: c.id, sourceName: 'shopify_draft_order' });

    // completing it again is refused and makes no second order
    const again = (await gql(sim, COMPLETE, { id: draft.id })).body.data.draftOrderComplete;
    expect(again).toEqual({ draftOrder: null, userErrors: [{ field: ['id'], message: 'Draft order has already been completed' }] });
    expect((await control<OrderSummary[]>(sim, 'orders')).length).toBe(ordersBefore + 1);
    const drafts = await control<any[]>(sim, 'draft-orders');
    expect(drafts.find((d) => d.id === draft.id)).toEqual({
      id: draft.id,
      name: '#D1',
      status: 'COMPLETED',
      orderId,
      customerId: c.id,
      email: c.email,
      note: 'Replacement for #1001: lost in transit',
      tags: ['replacement', 'replaces-1001', 'rk-0123abcd'],
      currency: 'USD',
      lineItems: [
        {
          id: expect.stringMatching(/^gid:\/\/shopify\/DraftOrderLineItem\//),
          variantId: BEANIE,
          title: 'Merino Wool Beanie',
          quantity: 2,
          unitPrice: '29.00',
        },
        {
          id: expect.stringMatching(/^gid:\/\/shopify\/DraftOrderLineItem\//),
          variantId: TOTE,
          title: 'Canvas Tote Bag',
          quantity: 1,
          unitPrice: '24.00',
        },
      ],
      appliedDiscount: { title: 'Replacement for #1001', description: '', value: 100, valueType: 'PERCENTAGE' },
      shippingAddress: expect.objectContaining({ city: 'Ottawa', provinceCode: 'ON', countryCode: 'CA' }),
      subtotalPrice: '0.00',
      totalDiscounts: '82.00',
      totalPrice: '0.00',
      createdAt: expect.any(String),
      completedAt: done.draftOrder.completedAt,
    });
  });

  it('prices a variant as the seeded orders do', async () => {
    const res = await gql(
      sim,
      `{ orders(first: 30, query: "sku:MWB-001-1") { nodes { presentmentCurrencyCode lineItems(first: 10) {
      nodes { sku originalUnitPriceSet { presentmentMoney { amount } } } } } } }`,
    );
    const usd = res.body.data.orders.nodes.filter((o: any) => o.presentmentCurrencyCode === 'USD');
    const prices = new Set(
      usd.flatMap((o: any) =>
        o.lineItems.nodes.filter((l: any) => l.sku === 'MWB-001-1').map((l: any) => l.originalUnitPriceSet.presentmentMoney.amount),
      ),
    );
    expect([...prices]).toEqual(['29.00']);
  });

  it('takes a SALE of what is due through the manual gateway, or records nothing while payment is pending', async () => {
    const input = {
      lineItems: [
        { variantId: BEANIE, quantity: 2 },
        { title: 'Gift wrapping', originalUnitPriceWithCurrency: { amount: '5.00', currencyCode: 'USD' }, quantity: 1 },
      ],
      shippingLine: { title: 'Courier', priceWithCurrency: { amount: '4.50', currencyCode: 'USD' } },
    };
    const paid = (await create(input)).draftOrder;
    expect(paid).toMatchObject({
      subtotalPriceSet: { shopMoney: { amount: '63.00' } },
      totalPriceSet: { shopMoney: { amount: '67.50', currencyCode: 'USD' } },
    });
    expect(paid.lineItems.nodes[1]).toMatchObject({ title: 'Gift wrapping', custom: true, variant: null, sku: null });
    const done = (await gql(sim, COMPLETE, { id: paid.id, gateway: 'gid://shopify/PaymentGateway/1' })).body.data.draftOrderComplete;
    const order = (await gql(sim, ORDER, { id: done.draftOrder.order.id })).body.data.order;
    expect(order).toMatchObject({
      displayFinancialStatus: 'PAID',
      totalPriceSet: { shopMoney: { amount: '67.50' } },
      transactions: [{ kind: 'SALE', status: 'SUCCESS', gateway: 'manual', amountSet: { shopMoney: { amount: '67.50' } } }],
    });

    const pending = (await create(input)).draftOrder;
    const later = (await gql(sim, COMPLETE, { id: pending.id, pending: true })).body.data.draftOrderComplete;
    const unpaid = (await gql(sim, ORDER, { id: later.draftOrder.order.id })).body.data.order;
    expect(unpaid).toMatchObject({ displayFinancialStatus: 'PENDING', fullyPaid: false, transactions: [] });
  });

  it('spreads a percentage or a fixed amount over the units, the order totalling what the draft did', async () => {
    const lines = [
      { variantId: BEANIE, quantity: 2 },
      { title: 'Gift wrapping', originalUnitPrice: '5.00', quantity: 1 },
    ];
    const pct = (await create({ lineItems: lines, appliedDiscount: { valueType: 'PERCENTAGE', value: 15 } })).draftOrder;
    expect(pct).toMatchObject({
      appliedDiscount: { amountSet: { shopMoney: { amount: '9.45' } } },
      subtotalPriceSet: { shopMoney: { amount: '53.55' } },
      totalPriceSet: { shopMoney: { amount: '53.55' } },
    });
    const fixed = (await create({ lineItems: lines, appliedDiscount: { valueType: 'FIXED_AMOUNT', value: 10 } })).draftOrder;
    expect(fixed).toMatchObject({
      appliedDiscount: { amountSet: { shopMoney: { amount: '10.00' } } },
      totalPriceSet: { shopMoney: { amount: '53.00' } },
    });
    for (const d of [pct, fixed]) {
      const done = (await gql(sim, COMPLETE, { id: d.id })).body.data.draftOrderComplete;
      const order = (await gql(sim, ORDER, { id: done.draftOrder.order.id })).body.data.order;
      expect(order.totalPriceSet.shopMoney.amount).toBe(d.totalPriceSet.shopMoney.amount);
      expect(order.transactions[0].amountSet.shopMoney.amount).toBe(d.totalPriceSet.shopMoney.amount);
    }
  });

  it('refuses what the docs rule out, on the input’s path, and stores nothing', async () => {
    const before = (await control<unknown[]>(sim, 'draft-orders')).length;
    const errors = async (input: Record<string, unknown>) => {
      const r = await create(input);
      expect(r.draftOrder).toBeNull();
      return r.userErrors;
    };
    expect(await errors({ note: 'empty' })).toEqual([{ field: ['lineItems'], message: 'Add at least 1 line item' }]);
    expect(
      await errors({
        lineItems: [{ variantId: 'gid://shopify/ProductVariant/12345', quantity: 1 }, { variantId: BEANIE, quantity: 0 }, { quantity: 1 }],
      }),
    ).toEqual([
      { field: ['lineItems', '0', 'variantId'], message: 'Product variant does not exist' },
      { field: ['lineItems', '1', 'quantity'], message: 'Quantity must be greater than or equal to 1' },
      { field: ['lineItems', '2', 'title'], message: "Title can't be blank" },
      { field: ['lineItems', '2', 'originalUnitPriceWithCurrency'], message: "Original unit price can't be blank" },
    ]);
    const one = [{ variantId: BEANIE, quantity: 1 }];
    expect(await errors({ lineItems: one, appliedDiscount: { valueType: 'PERCENTAGE', value: 101 } })).toEqual([
      { field: ['appliedDiscount', 'value'], message: 'Value must be between 0 and 100' },
    ]);
    expect(await errors({ lineItems: one, appliedDiscount: { valueType: 'FIXED_AMOUNT', value: -1 } })).toEqual([
      { field: ['appliedDiscount', 'value'], message: 'Value must be greater than or equal to 0' },
    ]);
    expect(await errors({ lineItems: one, purchasingEntity: { customerId: 'gid://shopify/Customer/1' } })).toEqual([
      { field: ['purchasingEntity', 'customerId'], message: 'Customer does not exist' },
    ]);
    expect(await errors({ lineItems: one, shippingAddress: { ...ADDRESS, provinceCode: 'TX' } })).toEqual([
      { field: ['shippingAddress', 'provinceCode'], message: 'Province is not a valid province for Canada' },
    ]);
    expect(await errors({ lineItems: one, tags: ['x'.repeat(41)] })).toEqual([
      { field: ['tags'], message: 'Tags cannot be longer than 40 characters each.' },
    ]);
    expect((await control<unknown[]>(sim, 'draft-orders')).length).toBe(before);
  });

  it('accepts the deprecated customerId, and refuses an unknown draft or payment gateway', async () => {
    const c = await customer();
    const d = (await create({ lineItems: [{ variantId: TOTE, quantity: 1 }], customerId: c.id })).draftOrder;
    expect(d.customer).toEqual({ id: c.id });
    const bad = (await gql(sim, COMPLETE, { id: d.id, gateway: 'gid://shopify/PaymentGateway/999' })).body.data.draftOrderComplete;
    expect(bad).toEqual({ draftOrder: null, userErrors: [{ field: ['paymentGatewayId'], message: 'Payment gateway not found' }] });
    const unknown = (await gql(sim, COMPLETE, { id: 'gid://shopify/DraftOrder/1' })).body.data.draftOrderComplete;
    expect(unknown).toEqual({ draftOrder: null, userErrors: [{ field: ['id'], message: 'Draft order does not exist' }] });
    expect((await gql(sim, `query($id: ID!) { draftOrder(id: $id) { status order { id } } }`, { id: d.id })).body.data.draftOrder).toEqual({
      status: 'OPEN',
      order: null,
    });
  });

  it('costs a mutation (10) plus one per object selected', async () => {
    const res = await gql(
      sim,
      'mutation($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { id } userErrors { field message } } }',
      {
        input: { lineItems: [{ variantId: TOTE, quantity: 1 }] },
      },
    );
    expect(res.body.extensions.cost).toMatchObject({ requestedQueryCost: 12, actualQueryCost: 11 });
  });
});
