/** The seed: deterministic, varied the way a real shop is, and internally consistent. */
import { describe, expect, it } from 'vitest';
import { financialStatus, fulfillmentStatus, orderTotals, toShop } from '../src/model.js';
import { mulberry32, seedStore } from '../src/seed.js';

const store = seedStore({ seed: 1, customers: 500 });
const customers = [...store.customers.values()];
const orders = [...store.orders.values()];

describe('seed', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(mulberry32(7)()).toBe(mulberry32(7)());
    const again = seedStore({ seed: 1, customers: 500 });
    expect([...again.customers.values()]).toEqual(customers);
    expect([...again.orders.values()]).toEqual(orders);
    const other = seedStore({ seed: 2, customers: 500 });
    expect([...other.customers.values()].map((c) => c.email)).not.toEqual(customers.map((c) => c.email));
  });

  it('has 500 customers with unique lowercase emails, some without email and some without orders', () => {
    expect(customers).toHaveLength(500);
    expect(customers[0]!.id).toBe(1000001);
    const emails = customers.flatMap((c) => (c.email ? [c.email] : []));
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.every((e) => e === e.toLowerCase())).toBe(true);
    expect(customers.some((c) => c.email === null)).toBe(true);
    expect(customers.some((c) => c.orderIds.length === 0)).toBe(true);
    expect(Math.max(...customers.map((c) => c.orderIds.length))).toBeLessThanOrEqual(40);
    const states = new Set(customers.map((c) => c.emailMarketing));
    for (const s of ['SUBSCRIBED', 'NOT_SUBSCRIBED', 'PENDING', 'UNSUBSCRIBED', 'REDACTED', 'INVALID'])
      expect(states.has(s as never)).toBe(true);
    expect(customers.some((c) => c.note)).toBe(true);
    expect(customers.some((c) => c.tags.length)).toBe(true);
  });

  it('has the order variety a support desk meets', () => {
    expect(orders[0]).toMatchObject({ id: 5000001, name: '#1001', number: 1001 });
    expect(new Set(orders.map((o) => o.currency))).toEqual(new Set(['USD', 'EUR', 'GBP', 'CAD']));
    const pos = orders.filter((o) => o.sourceName === 'pos');
    expect(pos.length).toBeGreaterThan(0);
    expect(pos.every((o) => o.locationId != null && store.locations.get(o.locationId)!.address.country)).toBe(true);
    expect(new Set(orders.map((o) => o.sourceName))).toEqual(new Set(['web', 'pos', 'shop', 'facebook', 'shopify_draft_order']));
    const statuses = new Set(orders.map(financialStatus));
    for (const s of ['PAID', 'PENDING', 'AUTHORIZED', 'PARTIALLY_REFUNDED', 'REFUNDED']) expect(statuses.has(s as never)).toBe(true);
    expect(orders.some((o) => o.cancelledAt && o.cancelReason)).toBe(true);
    expect(new Set(orders.map(fulfillmentStatus))).toEqual(new Set(['FULFILLED', 'UNFULFILLED', 'PARTIALLY_FULFILLED', 'RESTOCKED']));
    const tracking = new Set(orders.flatMap((o) => o.fulfillments.map((f) => f.tracking.length)));
    expect(tracking).toEqual(new Set([0, 1, 2, 3]));
    expect(orders.some((o) => o.lineItems.some((li) => li.giftCard))).toBe(true);
    expect(orders.some((o) => o.transactions.some((t) => t.gateway === 'gift_card'))).toBe(true);
    expect(orders.some((o) => o.transactions.some((t) => t.kind === 'CAPTURE' && t.parentId != null))).toBe(true);
    expect(orders.some((o) => o.lineItems.some((li) => li.sku === null))).toBe(true);
    expect(orders.some((o) => o.lineItems.some((li) => li.imageUrl === null))).toBe(true);
    expect(orders.some((o) => o.customerId === null)).toBe(true);
  });

  it('keeps money, dates and counters consistent', () => {
    for (const o of orders) {
      const t = orderTotals(o);
      const paid = o.transactions.some((x) => x.status === 'SUCCESS' && (x.kind === 'SALE' || x.kind === 'CAPTURE'));
      if (paid) expect(t.received).toBe(t.total);
      for (const x of o.transactions)
        if (x.kind === 'REFUND') expect(x.parentId === null || o.transactions.some((p) => p.id === x.parentId)).toBe(true);
      expect(t.refunded).toBeLessThanOrEqual(t.received);
      expect(o.createdAt < '2026-06-30T12:00:01Z').toBe(true);
      expect(o.createdAt > '2023-06-29').toBe(true);
    }
    for (const c of customers) {
      const mine = orders.filter((o) => o.customerId === c.id);
      expect(c.orderIds.length).toBe(mine.length);
      expect(store.amountSpentMinor(c)).toBe(mine.reduce((s, o) => s + toShop(orderTotals(o).net, o.currency, store.shopCurrency), 0));
    }
  });
});
