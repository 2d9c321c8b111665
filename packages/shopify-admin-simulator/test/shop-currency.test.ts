/**
 * A store in another currency (EUR): `shop` says who it is, and every shopMoney amount, Customer.amountSpent, discount
 * and webhook money set is in EUR, converted from each order's presentment currency at the fixed RATES.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATES, seedStore, type Currency, type Simulator } from '../src/index.js';
import { COUNTRIES } from '../src/seed-data.js';
import { cents, control, gql, money, simulator, type OrderSummary } from './helpers.js';

/** The simulator's conversion, restated: the same currency is kept, any other goes through USD, rounded to the cent. */
const toEur = (minor: number, currency: Currency) => (currency === 'EUR' ? minor : Math.round((minor * RATES[currency]) / RATES.EUR));

let sim: Simulator;
let plain: Simulator;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: any }> = [];

beforeAll(async () => {
  [sim, plain] = await Promise.all([
    simulator({ currencyCode: 'EUR', name: 'EU store', myshopifyDomain: 'eu-store.myshopify.com' }),
    simulator(),
  ]);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  await Promise.all([sim.close(), plain.close()]);
  await new Promise((r) => receiver.close(r));
});

const SHOP = '{ shop { id name currencyCode myshopifyDomain url primaryDomain { host url sslEnabled } enabledPresentmentCurrencies } }';

describe('shop identity', () => {
  it('answers the name, currency and domain it was started with', async () => {
    expect((await gql(sim, SHOP)).body.data.shop).toEqual({
      id: 'gid://shopify/Shop/1',
      name: 'EU store',
      currencyCode: 'EUR',
      myshopifyDomain: 'eu-store.myshopify.com',
      url: 'https://eu-store.myshopify.com',
      primaryDomain: { host: 'eu-store.myshopify.com', url: 'https://eu-store.myshopify.com', sslEnabled: true },
      enabledPresentmentCurrencies: ['EUR', 'USD', 'CAD', 'GBP'],
    });
    expect({ name: sim.name, currencyCode: sim.currencyCode, myshopifyDomain: sim.myshopifyDomain }).toEqual({
      name: 'EU store',
      currencyCode: 'EUR',
      myshopifyDomain: 'eu-store.myshopify.com',
    });
    expect(await control(sim, 'shop')).toEqual({
      name: 'EU store',
      currencyCode: 'EUR',
      myshopifyDomain: 'eu-store.myshopify.com',
      idOffset: 0,
      seed: 1,
      customers: 500,
      sharedCustomers: null,
    });
  });

  it('a simulator started without them is the USD "Simulator Supply Co." at its own address', async () => {
    const host = new URL(plain.url).host;
    expect((await gql(plain, SHOP)).body.data.shop).toEqual({
      id: 'gid://shopify/Shop/1',
      name: 'Simulator Supply Co.',
      currencyCode: 'USD',
      myshopifyDomain: host,
      url: plain.url,
      primaryDomain: { host: '127.0.0.1', url: plain.url, sslEnabled: false },
      enabledPresentmentCurrencies: ['USD', 'CAD', 'EUR', 'GBP'],
    });
    expect({ name: plain.name, currencyCode: plain.currencyCode, myshopifyDomain: plain.myshopifyDomain }).toEqual({
      name: 'Simulator Supply Co.',
      currencyCode: 'USD',
      myshopifyDomain: host,
    });
  });

  it('refuses options it cannot honour, naming every one', async () => {
    await expect(simulator({ currencyCode: 'JPY' as Currency, name: ' ', myshopifyDomain: 'https://x.example' })).rejects.toThrow(
      'invalid simulator options: currencyCode must be one of USD, EUR, GBP, CAD, got "JPY"; name must be 1 to 255 characters, got " "; ' +
        'myshopifyDomain must be a host name (e.g. eu-store.myshopify.com), got "https://x.example"',
    );
  });
});

const BAG = '{ shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }';
const ORDER_MONEY = `... on Order { id presentmentCurrencyCode currencyCode
  totalPriceSet ${BAG} currentTotalPriceSet ${BAG} totalRefundedSet ${BAG} netPaymentSet ${BAG} totalDiscountsSet ${BAG}
  lineItems(first: 5) { nodes { originalUnitPriceSet ${BAG} discountedTotalSet ${BAG} } }
  refunds(first: 3) { totalRefundedSet ${BAG} refundLineItems(first: 5) { nodes { subtotalSet ${BAG} } } }
  transactions(first: 5) { amountSet ${BAG} }
  suggestedRefund(suggestFullRefund: true) { amountSet ${BAG} suggestedTransactions { amountSet ${BAG} } }
}`;

/** Every MoneyBag in a response, with the name of the field that holds it. */
function bags(value: unknown, field = ''): Array<{ field: string; bag: any }> {
  if (Array.isArray(value)) return value.flatMap((v) => bags(v, field));
  if (!value || typeof value !== 'object') return [];
  if ('shopMoney' in value && 'presentmentMoney' in value) return [{ field, bag: value }];
  return Object.entries(value).flatMap(([k, v]) => bags(v, k));
}

describe('money in a EUR store', () => {
  it('every order money bag has EUR shop money converted from the order currency, and order totals are exact', async () => {
    const orders = await control<OrderSummary[]>(sim, 'orders');
    // one order of each presentment currency that has refunds, so line items, refunds, transactions and suggestions all appear
    const picked = (['EUR', 'USD', 'GBP', 'CAD'] as const).map((cur) =>
      orders.find((o) => o.currency === cur && o.financialStatus === 'PARTIALLY_REFUNDED')!,
    );
    const res = await gql(sim, `query($ids: [ID!]!) { nodes(ids: $ids) { ${ORDER_MONEY} } }`, { ids: picked.map((o) => o.id) });
    expect(res.body.errors).toBeUndefined();
    const nodes: any[] = res.body.data.nodes;
    expect(nodes.map((n) => [n.currencyCode, n.presentmentCurrencyCode])).toEqual([
      ['EUR', 'EUR'],
      ['EUR', 'USD'],
      ['EUR', 'GBP'],
      ['EUR', 'CAD'],
    ]);
    const wrong: unknown[] = [];
    const fields = new Set<string>();
    for (const n of nodes) {
      for (const { field, bag } of bags(n)) {
        fields.add(field);
        const expected = {
          shopMoney: { amount: money(toEur(cents(bag.presentmentMoney.amount), n.presentmentCurrencyCode)), currencyCode: 'EUR' },
          presentmentMoney: { amount: bag.presentmentMoney.amount, currencyCode: n.presentmentCurrencyCode },
        };
        if (JSON.stringify(bag) !== JSON.stringify(expected)) wrong.push({ order: n.id, field, bag, expected });
      }
    }
    expect(wrong).toEqual([]);
    expect([...fields].sort()).toEqual(
      [
        'amountSet',
        'currentTotalPriceSet',
        'discountedTotalSet',
        'netPaymentSet',
        'originalUnitPriceSet',
        'subtotalSet',
        'totalDiscountsSet',
        'totalPriceSet',
        'totalRefundedSet',
      ].sort(),
    );
    for (const [i, o] of picked.entries()) {
      const detail = await control(sim, `orders/${encodeURIComponent(o.id)}`);
      const cur = o.currency as Currency;
      expect(nodes[i].totalPriceSet).toEqual({
        shopMoney: { amount: money(toEur(cents(detail.totals.total), cur)), currencyCode: 'EUR' },
        presentmentMoney: { amount: detail.totals.total, currencyCode: cur },
      });
      expect(nodes[i].totalRefundedSet.presentmentMoney).toEqual({ amount: detail.totals.refunded, currencyCode: cur });
    }
  });

  it("a customer's amountSpent is in EUR: the sum of their orders' net payments in shop money", async () => {
    const customers = await control<Array<{ id: string; amountSpent: string; numberOfOrders: number }>>(sim, 'customers');
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const currencies = (c: { id: string }) => new Set(orders.filter((o) => o.customerId === c.id).map((o) => o.currency));
    // a customer who paid in more than one currency, so conversion and summing both show
    const c = customers.find((x) => x.numberOfOrders >= 3 && currencies(x).size >= 2)!;
    const res = await gql(
      sim,
      'query($id: ID!) { customer(id: $id) { amountSpent { amount currencyCode } orders(first: 50) { nodes { netPaymentSet { shopMoney { amount currencyCode } } } } } }',
      { id: c.id },
    );
    const customer = res.body.data.customer;
    const nets = customer.orders.nodes.map((n: any) => n.netPaymentSet.shopMoney);
    expect(new Set(nets.map((m: any) => m.currencyCode))).toEqual(new Set(['EUR']));
    const total = nets.reduce((s: number, m: any) => s + cents(m.amount), 0);
    expect(customer.amountSpent).toEqual({ amount: money(total), currencyCode: 'EUR' });
    expect(c.amountSpent).toBe(money(total));
  });

  it('a refund answers and sends webhooks with EUR shop money; the customer update carries EUR', async () => {
    await control(sim, 'webhooks', { url: receiverUrl, secret: 'whsec_eur' });
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const o = orders.find((x) => x.currency === 'GBP' && x.financialStatus === 'PAID' && x.customerId && !x.cancelled)!;
    const detail = await control(sim, `orders/${encodeURIComponent(o.id)}`);
    const line = detail.lineItems[0];
    const sale = detail.transactions.find((t: any) => t.kind === 'SALE' || t.kind === 'CAPTURE');
    const res = await gql(
      sim,
      `mutation($input: RefundInput!) { refundCreate(input: $input) @idempotent(key: "eur-1") {
        refund { totalRefundedSet ${BAG} refundLineItems(first: 5) { nodes { subtotalSet ${BAG} } } } userErrors { message } } }`,
      {
        input: {
          orderId: o.id,
          refundLineItems: [{ lineItemId: line.id, quantity: 1, restockType: 'NO_RESTOCK' }],
          transactions: [{ orderId: o.id, parentId: sale.id, gateway: sale.gateway, kind: 'REFUND', amount: '1.00' }],
        },
      },
    );
    expect(res.body.data.refundCreate.userErrors).toEqual([]);
    const sub = cents(line.discountedUnitPrice);
    expect(res.body.data.refundCreate.refund).toEqual({
      totalRefundedSet: {
        shopMoney: { amount: money(toEur(100, 'GBP')), currencyCode: 'EUR' },
        presentmentMoney: { amount: '1.00', currencyCode: 'GBP' },
      },
      refundLineItems: {
        nodes: [
          {
            subtotalSet: {
              shopMoney: { amount: money(toEur(sub, 'GBP')), currencyCode: 'EUR' },
              presentmentMoney: { amount: money(sub), currencyCode: 'GBP' },
            },
          },
        ],
      },
    });
    await sim.settleWebhooks();
    const hook = (topic: string) => received.find((r) => r.headers['x-shopify-topic'] === topic)!;
    expect(received.map((r) => r.headers['x-shopify-shop-domain'])).toEqual(received.map(() => 'eu-store.myshopify.com'));
    const set = (minor: number) => ({
      shop_money: { amount: money(toEur(minor, 'GBP')), currency_code: 'EUR' },
      presentment_money: { amount: money(minor), currency_code: 'GBP' },
    });
    expect(hook('refunds/create').body.refund_line_items[0].subtotal_set).toEqual(set(sub));
    const after = await control(sim, `orders/${encodeURIComponent(o.id)}`);
    const updated = hook('orders/updated').body;
    expect(updated.total_price_set).toEqual(set(cents(after.totals.total)));
    expect(updated.current_total_price_set).toEqual(set(cents(after.totals.currentTotal)));
    expect(updated.line_items[0].price_set).toEqual(set(cents(line.unitPrice)));
    const spent = (await gql(sim, 'query($id: ID!) { customer(id: $id) { amountSpent { amount currencyCode } } }', { id: o.customerId }))
      .body.data.customer.amountSpent;
    expect(spent.currencyCode).toBe('EUR');
    expect(hook('customers/update').body).toMatchObject({ currency: 'EUR', total_spent: spent.amount });
  });

  it('a fixed-amount discount is in EUR', async () => {
    const res = await gql(
      sim,
      `mutation { discountCodeBasicCreate(basicCodeDiscount: { title: "Sorry", code: "EUR10", startsAt: "2026-01-01T00:00:00Z",
        context: { all: ALL }, customerGets: { value: { discountAmount: { amount: "10", appliesOnEachItem: false } }, items: { all: true } } }) {
        codeDiscountNode { codeDiscount { ... on DiscountCodeBasic { summary customerGets { value { ... on DiscountAmount { amount { amount currencyCode } } } } } } }
        userErrors { message } } }`,
    );
    expect(res.body.data.discountCodeBasicCreate).toEqual({
      codeDiscountNode: {
        codeDiscount: {
          summary: '10.00 EUR off entire order',
          customerGets: { value: { amount: { amount: '10.00', currencyCode: 'EUR' } } },
        },
      },
      userErrors: [],
    });
    const [d] = await control(sim, 'discounts');
    expect(d.value).toEqual({ amount: '10.00', currencyCode: 'EUR', appliesOnEachItem: false });
  });
});

describe('the seed of a store in another currency', () => {
  it("pays in the customer's country currency or else the shop's, and is deterministic", () => {
    const country = new Map(COUNTRIES.map((c) => [c.code, c.currency]));
    for (const currency of ['EUR', 'USD'] as const) {
      const store = seedStore({ seed: 3, customers: 300, currencyCode: currency });
      const offRule = [...store.orders.values()].filter((o) => {
        if (o.customerId == null) return false;
        const home = country.get(store.customers.get(o.customerId)!.countryCode);
        return o.currency !== home && o.currency !== currency;
      });
      expect(offRule).toEqual([]);
      // orders paid outside the customer's home currency exist, and all of them are in the shop's
      const away = [...store.orders.values()].filter(
        (o) => o.customerId != null && o.currency !== country.get(store.customers.get(o.customerId)!.countryCode),
      );
      expect(new Set(away.map((o) => o.currency))).toEqual(new Set([currency]));
    }
    const a = seedStore({ seed: 3, customers: 300, currencyCode: 'EUR' });
    const b = seedStore({ seed: 3, customers: 300, currencyCode: 'EUR' });
    expect([...b.customers.values()]).toEqual([...a.customers.values()]);
    expect([...b.orders.values()]).toEqual([...a.orders.values()]);
  });
});
