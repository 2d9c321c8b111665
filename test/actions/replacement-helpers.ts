/**
 * Helpers for the createReplacementOrder tests: the mutation document, shipped orders to replace, and the simulator's
 * own view of orders and draft orders (the oracle for what was made).
 */
import type { SimLineItem, SimOrder, Stack } from './helpers.js';

export const REPLACE = `mutation Replace($input: ShopifyCreateReplacementOrderInput!) {
  createReplacementOrder(input: $input) {
    draftOrderId
    order { id orderNumber total { amount currencyCode } financialStatus tags note products { name quantity sku } }
    originalOrder { id orderNumber canReplace agentActions { action outcome shopifyIds errorCode } }
    userErrors { field message code }
  }
}`;

/** An address as the simulator's control API shows it. */
export interface SimAddress {
  id: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  country: string | null;
  countryCode: string | null;
  phone: string | null;
}

/** The simulator's stored order, with what a replacement is checked against. */
export interface ReplacementOrder extends SimOrder {
  name: string;
  tags: string[];
  note: string | null;
  shippingAddress: SimAddress | null;
  lineItems: Array<
    SimLineItem & { title: string; variantTitle: string | null; sku: string | null; fulfilledQuantity: number; giftCard: boolean }
  >;
}

/** A draft order as GET /__simulator/draft-orders lists it. */
export interface SimDraft {
  id: string;
  name: string;
  status: 'OPEN' | 'INVOICE_SENT' | 'COMPLETED';
  orderId: string | null;
  customerId: string | null;
  note: string | null;
  tags: string[];
  lineItems: Array<{ id: string; variantId: string | null; title: string; quantity: number; unitPrice: string }>;
  appliedDiscount: { title: string | null; description: string; value: number; valueType: 'PERCENTAGE' | 'FIXED_AMOUNT' } | null;
  totalPrice: string;
}

/** Line items with shipped units (no gift cards: they do not ship), in the order's order. */
export const shippedLines = (o: SimOrder) =>
  (o as ReplacementOrder).lineItems.filter((l) => l.fulfilledQuantity > 0 && !l.giftCard && l.refundableQuantity === l.quantity);

/** A paid order of a customer, shipped to an address, nothing refunded, with at least `minLines` shipped line items. */
export const shippedOrder =
  (minLines = 1) =>
  (o: SimOrder): boolean => {
    const r = o as ReplacementOrder;
    return (
      r.financialStatus === 'PAID' &&
      !r.cancelled &&
      r.customerId !== null &&
      (r.fulfillmentStatus === 'FULFILLED' || r.fulfillmentStatus === 'PARTIALLY_FULFILLED') &&
      r.refunds.length === 0 &&
      r.shippingAddress !== null &&
      shippedLines(r).length >= minLines
    );
  };

/** The address fields the contract has (no id, no country or province names). */
export function simAddress(a: SimAddress | null) {
  if (!a) return null;
  const { id: _id, province: _p, country: _c, ...fields } = a;
  return fields;
}

/** The simulator's orders that are not in `before`, in full. */
export async function newOrdersSince(h: Pick<Stack, 'sim'>, before: ReadonlyArray<{ id: string }>): Promise<ReplacementOrder[]> {
  const known = new Set(before.map((o) => o.id));
  const all = await h.sim<Array<{ id: string }>>('orders');
  const fresh = all.filter((o) => !known.has(o.id));
  return Promise.all(fresh.map((o) => h.sim<ReplacementOrder>(`orders/${encodeURIComponent(o.id)}`)));
}

/** The simulator's draft orders. */
export const draftOrders = (h: Pick<Stack, 'sim'>): Promise<SimDraft[]> => h.sim<SimDraft[]>('draft-orders');

/** The simulator's orders, as ids (to diff with newOrdersSince). */
export const orderIds = (h: Pick<Stack, 'sim'>): Promise<Array<{ id: string }>> => h.sim('orders');
