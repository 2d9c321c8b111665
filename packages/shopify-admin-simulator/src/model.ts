/**
 * The simulator's stored records and the figures derived from them. Money is kept in integer minor units of the
 * order's (presentment) currency and only turned into Shopify's 2-decimal strings at the edge, so sums never drift.
 * Everything an order shows (status, totals, refundable quantities) is derived from its line items, transactions,
 * refunds and fulfillments, so a mutation only has to append records for every view to move with it.
 */

import type { MailingAddressRec } from './addresses.js';

export type Currency = 'USD' | 'EUR' | 'GBP' | 'CAD';
/** Every currency the simulator can price in: a shop's own currency is one of these. */
export const CURRENCIES: readonly Currency[] = ['USD', 'EUR', 'GBP', 'CAD'];
/** A shop's own currency unless it is started with another: shopMoney amounts and Customer.amountSpent are in it. */
export const DEFAULT_SHOP_CURRENCY: Currency = 'USD';
/**
 * Fixed USD value of one unit of each currency (deterministic, no live rates). For a USD shop (the default) this is
 * exactly the shop-currency value of one presentment unit; other shops convert through USD (see toShop).
 */
export const RATES: Record<Currency, number> = { USD: 1, EUR: 1.08, GBP: 1.27, CAD: 0.74 };

/** Whether a string names a currency the simulator can price in. */
export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (CURRENCIES as readonly string[]).includes(value);
}

export type EmailMarketingState = 'SUBSCRIBED' | 'NOT_SUBSCRIBED' | 'PENDING' | 'UNSUBSCRIBED' | 'REDACTED' | 'INVALID';

export interface CustomerRec {
  __typename: 'Customer';
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  /** null when the customer has no email and was never redacted */
  emailMarketing: EmailMarketingState | null;
  note: string | null;
  tags: string[];
  locale: string;
  countryCode: string;
  createdAt: string;
  updatedAt: string;
  orderIds: number[];
}

/** A custom attribute (key and value) of an order or draft order. */
export interface AttributeRec {
  key: string;
  value: string;
}

export interface LineItemRec {
  __typename: 'LineItem';
  id: number;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string;
  quantity: number;
  unitMinor: number;
  discountedUnitMinor: number;
  imageUrl: string | null;
  productId: number | null;
  variantId: number | null;
  giftCard: boolean;
  requiresShipping: boolean;
}

export type TransactionKind = 'SALE' | 'AUTHORIZATION' | 'CAPTURE' | 'REFUND' | 'VOID';
export type TransactionStatus = 'SUCCESS' | 'PENDING' | 'FAILURE';

export interface TransactionRec {
  __typename: 'OrderTransaction';
  id: number;
  orderId: number;
  kind: TransactionKind;
  status: TransactionStatus;
  gateway: string;
  amountMinor: number;
  parentId: number | null;
  createdAt: string;
}

export type RestockType = 'NO_RESTOCK' | 'CANCEL' | 'RETURN' | 'LEGACY_RESTOCK';

export interface RefundLineRec {
  id: number;
  lineItemId: number;
  quantity: number;
  restockType: RestockType;
  subtotalMinor: number;
}

export interface RefundRec {
  __typename: 'Refund';
  id: number;
  orderId: number;
  createdAt: string;
  note: string | null;
  lines: RefundLineRec[];
  shippingMinor: number;
  transactionIds: number[];
}

export interface TrackingRec {
  number: string;
  url: string;
  company: string;
}

export interface FulfillmentRec {
  __typename: 'Fulfillment';
  id: number;
  orderId: number;
  name: string;
  status: 'SUCCESS' | 'CANCELLED';
  displayStatus: 'FULFILLED' | 'IN_TRANSIT' | 'DELIVERED' | 'CANCELED';
  createdAt: string;
  tracking: TrackingRec[];
  lines: Array<{ lineItemId: number; quantity: number }>;
}

export interface ChannelRec {
  handle: string;
  name: string;
}

export interface LocationRec {
  __typename: 'Location';
  id: number;
  name: string;
  address: { address1: string; city: string; province: string | null; zip: string; country: string; countryCode: string };
}

export interface OrderRec {
  __typename: 'Order';
  id: number;
  number: number;
  name: string;
  customerId: number | null;
  email: string | null;
  currency: Currency;
  createdAt: string;
  updatedAt: string;
  sourceName: string;
  channel: ChannelRec | null;
  locationId: number | null;
  note: string | null;
  tags: string[];
  customerAcceptsMarketing: boolean;
  closedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  staffNote: string | null;
  discountCode: string | null;
  /** null for orders that ship nothing (POS sales, gift cards only) and for orders placed without one */
  shippingAddress: MailingAddressRec | null;
  phone: string | null;
  poNumber: string | null;
  customAttributes: AttributeRec[];
  lineItems: LineItemRec[];
  shippingMinor: number;
  shippingTitle: string | null;
  transactions: TransactionRec[];
  refunds: RefundRec[];
  fulfillments: FulfillmentRec[];
}

/** "12.30" from 1230; negative amounts keep their sign. */
export function fmt(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.round(minor));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Minor units from a Decimal/Money input ("12.3", 12.3, "12"); null when it is not a number. */
export function parseMoney(value: unknown): number | null {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Math.round(Number(s) * 100);
}

/**
 * A presentment amount converted to the shop currency, rounded to the minor unit. The same currency is never
 * converted; a USD shop multiplies by RATES alone (dividing by USD's 1 is exact), so its figures are what they were
 * before shops could have another currency.
 */
export function toShop(minor: number, currency: Currency, shop: Currency): number {
  if (currency === shop) return minor;
  return Math.round((minor * RATES[currency]) / RATES[shop]);
}

export function refundedQuantity(order: OrderRec, lineItemId: number): number {
  let n = 0;
  for (const r of order.refunds) for (const l of r.lines) if (l.lineItemId === lineItemId) n += l.quantity;
  return n;
}

export function fulfilledQuantity(order: OrderRec, lineItemId: number): number {
  let n = 0;
  for (const f of order.fulfillments) {
    if (f.status !== 'SUCCESS') continue;
    for (const l of f.lines) if (l.lineItemId === lineItemId) n += l.quantity;
  }
  return n;
}

/** Units still on the order (neither refunded nor removed). */
export function currentQuantity(order: OrderRec, li: LineItemRec): number {
  return Math.max(0, li.quantity - refundedQuantity(order, li.id));
}

export function unfulfilledQuantity(order: OrderRec, li: LineItemRec): number {
  return Math.max(0, currentQuantity(order, li) - fulfilledQuantity(order, li.id));
}

/** Money taken: successful sales and captures. */
export function capturedMinor(order: OrderRec): number {
  let n = 0;
  for (const t of order.transactions) if (t.status === 'SUCCESS' && (t.kind === 'SALE' || t.kind === 'CAPTURE')) n += t.amountMinor;
  return n;
}

export function refundedMinor(order: OrderRec): number {
  let n = 0;
  for (const t of order.transactions) if (t.status === 'SUCCESS' && t.kind === 'REFUND') n += t.amountMinor;
  return n;
}

/** What is left to refund on one sale/capture transaction. */
export function parentRefundable(order: OrderRec, parent: TransactionRec): number {
  let n = parent.amountMinor;
  for (const t of order.transactions) if (t.kind === 'REFUND' && t.status === 'SUCCESS' && t.parentId === parent.id) n -= t.amountMinor;
  return Math.max(0, n);
}

/** Successful sales and captures in the order they happened: the parents a refund can go back to. */
export function refundParents(order: OrderRec): TransactionRec[] {
  return order.transactions.filter((t) => t.status === 'SUCCESS' && (t.kind === 'SALE' || t.kind === 'CAPTURE'));
}

/** An authorization that was neither captured nor voided. */
export function openAuthorizations(order: OrderRec): TransactionRec[] {
  return order.transactions.filter(
    (a) =>
      a.kind === 'AUTHORIZATION' &&
      a.status === 'SUCCESS' &&
      !order.transactions.some((t) => t.parentId === a.id && t.status === 'SUCCESS' && (t.kind === 'CAPTURE' || t.kind === 'VOID')),
  );
}

export interface OrderTotals {
  subtotal: number;
  shipping: number;
  total: number;
  discounts: number;
  currentSubtotal: number;
  currentShipping: number;
  currentTotal: number;
  received: number;
  refunded: number;
  net: number;
  outstanding: number;
  refundedShipping: number;
}

/** Every money figure of an order, in presentment minor units. */
export function orderTotals(order: OrderRec): OrderTotals {
  let subtotal = 0;
  let discounts = 0;
  let currentSubtotal = 0;
  for (const li of order.lineItems) {
    subtotal += li.discountedUnitMinor * li.quantity;
    discounts += (li.unitMinor - li.discountedUnitMinor) * li.quantity;
    currentSubtotal += li.discountedUnitMinor * currentQuantity(order, li);
  }
  let refundedShipping = 0;
  let removed = 0;
  const refundedByTxn = new Map(order.transactions.map((t) => [t.id, t]));
  for (const r of order.refunds) {
    refundedShipping += r.shippingMinor;
    const value = r.lines.reduce((s, l) => s + l.subtotalMinor, 0) + r.shippingMinor;
    const money = r.transactionIds.reduce((s, id) => {
      const t = refundedByTxn.get(id);
      return s + (t && t.status === 'SUCCESS' ? t.amountMinor : 0);
    }, 0);
    // a refund that returns more money than the goods and shipping it names lowers the order's value by the difference too
    removed += Math.max(0, money - value);
  }
  const shipping = order.shippingMinor;
  const total = subtotal + shipping;
  const currentShipping = Math.max(0, shipping - refundedShipping);
  const currentTotal = Math.max(0, currentSubtotal + currentShipping - removed);
  const received = capturedMinor(order);
  const refunded = refundedMinor(order);
  const net = received - refunded;
  const outstanding = order.cancelledAt ? 0 : Math.max(0, currentTotal - net);
  return {
    subtotal,
    shipping,
    total,
    discounts,
    currentSubtotal,
    currentShipping,
    currentTotal,
    received,
    refunded,
    net,
    outstanding,
    refundedShipping,
  };
}

export type FinancialStatus = 'AUTHORIZED' | 'PAID' | 'PARTIALLY_PAID' | 'PARTIALLY_REFUNDED' | 'PENDING' | 'REFUNDED' | 'VOIDED';

export function financialStatus(order: OrderRec): FinancialStatus {
  const received = capturedMinor(order);
  if (received === 0) {
    if (openAuthorizations(order).length) return 'AUTHORIZED';
    // nothing is owed on a free order (a draft completed at a 100% discount): Shopify shows it paid (not confirmed)
    if (orderTotals(order).total === 0 && !order.cancelledAt) return 'PAID';
    if (order.transactions.some((t) => t.kind === 'VOID' && t.status === 'SUCCESS')) return 'VOIDED';
    return 'PENDING';
  }
  const refunded = refundedMinor(order);
  if (refunded >= received) return 'REFUNDED';
  if (refunded > 0) return 'PARTIALLY_REFUNDED';
  return received < orderTotals(order).total ? 'PARTIALLY_PAID' : 'PAID';
}

export type FulfillmentDisplay = 'FULFILLED' | 'PARTIALLY_FULFILLED' | 'UNFULFILLED' | 'RESTOCKED';

export function fulfillmentStatus(order: OrderRec): FulfillmentDisplay {
  let fulfilled = 0;
  let open = 0;
  let current = 0;
  for (const li of order.lineItems) {
    fulfilled += fulfilledQuantity(order, li.id);
    open += unfulfilledQuantity(order, li);
    current += currentQuantity(order, li);
  }
  if (fulfilled > 0) return open === 0 ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
  const restocked = order.refunds.some((r) => r.lines.some((l) => l.restockType !== 'NO_RESTOCK'));
  if (current === 0 && restocked) return 'RESTOCKED';
  return 'UNFULFILLED';
}

/** LineItem.fulfillmentStatus (a legacy string field): fulfilled, partial or unfulfilled. */
export function lineFulfillmentStatus(order: OrderRec, li: LineItemRec): string {
  const done = fulfilledQuantity(order, li.id);
  if (done === 0) return 'unfulfilled';
  return done >= currentQuantity(order, li) ? 'fulfilled' : 'partial';
}

/** GID of a numeric id. */
export function gid(type: string, id: number | string): string {
  return `gid://shopify/${type}/${id}`;
}

/** Numeric id of a GID of the given type ("gid://shopify/Order/5000001" or "5000001"); null when it is not one. */
export function parseGid(value: unknown, type: string): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const s = String(value).trim();
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(s);
  if (m) return m[1] === type ? Number(m[2]) : null;
  return /^\d+$/.test(s) ? Number(s) : null;
}

/** Shopify's DateTime format: ISO 8601 in UTC without milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
