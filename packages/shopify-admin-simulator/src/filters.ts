/**
 * What each search field means for customers, orders and draft orders, and how the list queries sort. Field names follow
 * Shopify's customer and order search references; anything else is an unknown field (ignored, with a warning).
 */
import { compare, compileSearch, phoneMatches, textMatches, wordMatches, type CompiledSearch, type Op } from './search.js';
import { financialStatus, fulfillmentStatus, orderTotals, parseGid, toShop, type CustomerRec, type OrderRec } from './model.js';
import { draftTotals, type DraftOrderRec } from './draft-orders.js';
import type { Store } from './store.js';

/** Customer.displayName: the name, else the email, else the phone (as Shopify shows it). */
export function displayName(c: CustomerRec): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
  return name || c.email || c.phone || '';
}

const bool = (v: string) => v.toLowerCase() === 'true';

/** Search fields this resource understands; others are reported and ignored. */
const CUSTOMER_FIELDS = new Set([
  'email',
  'phone',
  'first_name',
  'last_name',
  'name',
  'id',
  'tag',
  'tag_not',
  'country',
  'orders_count',
  'number_of_orders',
  'amount_spent',
  'total_spent',
  'created_at',
  'customer_date',
  'updated_at',
  'accepts_marketing',
  'email_marketing_state',
]);

/** Compiles a customers(query:) search. */
export function customerSearch(store: Store, query: string | null | undefined): CompiledSearch<CustomerRec> {
  return compileSearch<CustomerRec>(query, CUSTOMER_FIELDS, (c, field, op, value) => {
    switch (field) {
      case null:
        return wordMatches([c.firstName, c.lastName, c.email, displayName(c)], value) || phoneMatches(c.phone, value);
      case 'email':
        return textMatches(c.email, store.emailSearch === 'prefix' && !value.endsWith('*') ? `${value}*` : value);
      case 'phone':
        return phoneMatches(c.phone, value);
      case 'first_name':
        return textMatches(c.firstName, value);
      case 'last_name':
        return textMatches(c.lastName, value);
      case 'name':
        return textMatches(displayName(c), value) || textMatches(c.firstName, value) || textMatches(c.lastName, value);
      case 'id':
        return compare(c.id, op, String(parseGid(value, 'Customer') ?? value));
      case 'tag':
        return c.tags.some((t) => textMatches(t, value));
      case 'tag_not':
        return !c.tags.some((t) => textMatches(t, value));
      case 'country':
        return textMatches(c.countryCode, value);
      case 'orders_count':
      case 'number_of_orders':
        return compare(c.orderIds.length, op, value);
      case 'amount_spent':
      case 'total_spent':
        return compare(store.amountSpentMinor(c) / 100, op, value);
      case 'created_at':
      case 'customer_date':
        return compare(c.createdAt, op, value);
      case 'updated_at':
        return compare(c.updatedAt, op, value);
      case 'accepts_marketing':
        return (c.emailMarketing === 'SUBSCRIBED') === bool(value);
      case 'email_marketing_state':
        return textMatches(c.emailMarketing ?? '', value);
      default:
        return undefined;
    }
  });
}

const FINANCIAL: Record<string, string> = {
  paid: 'PAID',
  pending: 'PENDING',
  authorized: 'AUTHORIZED',
  partially_paid: 'PARTIALLY_PAID',
  partially_refunded: 'PARTIALLY_REFUNDED',
  refunded: 'REFUNDED',
  voided: 'VOIDED',
  expired: 'EXPIRED',
};
const FULFILLMENT: Record<string, string[]> = {
  shipped: ['FULFILLED'],
  fulfilled: ['FULFILLED'],
  partial: ['PARTIALLY_FULFILLED'],
  unshipped: ['UNFULFILLED'],
  unfulfilled: ['UNFULFILLED', 'PARTIALLY_FULFILLED'],
  restocked: ['RESTOCKED'],
};

function orderNameMatches(o: OrderRec, value: string): boolean {
  const v = value.trim().replace(/^#/, '');
  if (v.includes('*')) return textMatches(o.name.replace(/^#/, ''), v);
  return /^\d+$/.test(v) ? Number(v) === o.number : textMatches(o.name, value);
}

/** Search fields this resource understands; others are reported and ignored. */
const ORDER_FIELDS = new Set([
  'name',
  'id',
  'email',
  'customer_id',
  'financial_status',
  'fulfillment_status',
  'status',
  'source_name',
  'tag',
  'tag_not',
  'sku',
  'discount_code',
  'created_at',
  'processed_at',
  'updated_at',
  'test',
]);

/** Compiles an orders(query:) search. */
export function orderSearch(store: Store, query: string | null | undefined): CompiledSearch<OrderRec> {
  return compileSearch<OrderRec>(query, ORDER_FIELDS, (o, field, op: Op, value) => {
    const customer = o.customerId != null ? store.customers.get(o.customerId) : undefined;
    switch (field) {
      case null:
        return orderNameMatches(o, value) || wordMatches([o.email, customer?.firstName, customer?.lastName], value);
      case 'name':
        return orderNameMatches(o, value);
      case 'id':
        return compare(o.id, op, String(parseGid(value, 'Order') ?? value));
      case 'email':
        return textMatches(o.email, value);
      case 'customer_id':
        return o.customerId != null && compare(o.customerId, op, String(parseGid(value, 'Customer') ?? value));
      case 'financial_status':
        return financialStatus(o) === FINANCIAL[value.toLowerCase()];
      case 'fulfillment_status':
        return (FULFILLMENT[value.toLowerCase()] ?? []).includes(fulfillmentStatus(o));
      case 'status':
        return value === 'cancelled'
          ? o.cancelledAt != null
          : value === 'closed'
            ? o.closedAt != null
            : value === 'open'
              ? o.closedAt == null
              : value === 'any';
      case 'source_name':
        return textMatches(o.sourceName, value);
      case 'tag':
        return o.tags.some((t) => textMatches(t, value));
      case 'tag_not':
        return !o.tags.some((t) => textMatches(t, value));
      case 'sku':
        return o.lineItems.some((li) => textMatches(li.sku, value));
      case 'discount_code':
        return textMatches(o.discountCode, value);
      case 'created_at':
      case 'processed_at':
        return compare(o.createdAt, op, value);
      case 'updated_at':
        return compare(o.updatedAt, op, value);
      case 'test':
        return !bool(value);
      default:
        return undefined;
    }
  });
}

/** Sorts customers by a CustomerSortKeys value (ties by id). */
export function sortCustomers(list: CustomerRec[], key: string): CustomerRec[] {
  const by: Record<string, (c: CustomerRec) => string | number> = {
    ID: (c) => c.id,
    CREATED_AT: (c) => c.createdAt,
    UPDATED_AT: (c) => c.updatedAt,
    NAME: (c) => displayName(c).toLowerCase(),
    LOCATION: (c) => c.countryCode,
  };
  return sortBy(list, by[key] ?? by.ID!, (c) => c.id);
}

/** Sorts orders by an OrderSortKeys value (ties by id). */
export function sortOrders(store: Store, list: OrderRec[], key: string): OrderRec[] {
  const by: Record<string, (o: OrderRec) => string | number> = {
    ID: (o) => o.id,
    ORDER_NUMBER: (o) => o.number,
    CREATED_AT: (o) => o.createdAt,
    PROCESSED_AT: (o) => o.createdAt,
    UPDATED_AT: (o) => o.updatedAt,
    TOTAL_PRICE: (o) => toShop(orderTotals(o).total, o.currency, store.shopCurrency),
    CURRENT_TOTAL_PRICE: (o) => toShop(orderTotals(o).currentTotal, o.currency, store.shopCurrency),
    FINANCIAL_STATUS: (o) => financialStatus(o),
    FULFILLMENT_STATUS: (o) => fulfillmentStatus(o),
    CUSTOMER_NAME: (o) => (o.customerId != null ? displayName(store.customers.get(o.customerId)!) : '').toLowerCase(),
    TOTAL_ITEMS_QUANTITY: (o) => o.lineItems.reduce((s, li) => s + li.quantity, 0),
  };
  return sortBy(list, by[key] ?? by.ID!, (o) => o.id);
}

function sortBy<T>(list: T[], key: (t: T) => string | number, tie: (t: T) => number): T[] {
  return list
    .map((item) => ({ item, k: key(item), t: tie(item) }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.t - b.t))
    .map((x) => x.item);
}

/** Search fields of draftOrders(query:); others are reported and ignored. */
const DRAFT_ORDER_FIELDS = new Set(['id', 'name', 'status', 'tag', 'tag_not', 'customer_id', 'email', 'created_at', 'updated_at']);

/** Compiles a draftOrders(query:) search (`status:open`, `tag:replacement`, …). */
export function draftOrderSearch(query: string | null | undefined): CompiledSearch<DraftOrderRec> {
  return compileSearch<DraftOrderRec>(query, DRAFT_ORDER_FIELDS, (d, field, op, value) => {
    switch (field) {
      case null:
        return textMatches(d.name.replace(/^#/, ''), value.replace(/^#/, '')) || wordMatches([d.email], value);
      case 'id':
        return compare(d.id, op, String(parseGid(value, 'DraftOrder') ?? value));
      case 'name':
        return textMatches(d.name.replace(/^#/, ''), value.replace(/^#/, ''));
      case 'status':
        return d.status.toLowerCase() === value.toLowerCase();
      case 'tag':
        return d.tags.some((t) => textMatches(t, value));
      case 'tag_not':
        return !d.tags.some((t) => textMatches(t, value));
      case 'customer_id':
        return d.customerId != null && compare(d.customerId, op, String(parseGid(value, 'Customer') ?? value));
      case 'email':
        return textMatches(d.email, value);
      case 'created_at':
        return compare(d.createdAt, op, value);
      case 'updated_at':
        return compare(d.updatedAt, op, value);
      default:
        return undefined;
    }
  });
}

/** Sorts draft orders by a DraftOrderSortKeys value (ties by id). */
export function sortDraftOrders(store: Store, list: DraftOrderRec[], key: string): DraftOrderRec[] {
  const by: Record<string, (d: DraftOrderRec) => string | number> = {
    ID: (d) => d.id,
    NUMBER: (d) => d.id,
    UPDATED_AT: (d) => d.updatedAt,
    STATUS: (d) => d.status,
    TOTAL_PRICE: (d) => toShop(draftTotals(d).total, d.currency, store.shopCurrency),
    CUSTOMER_NAME: (d) => (d.customerId != null ? displayName(store.customers.get(d.customerId)!) : '').toLowerCase(),
  };
  return sortBy(list, by[key] ?? by.ID!, (d) => d.id);
}
