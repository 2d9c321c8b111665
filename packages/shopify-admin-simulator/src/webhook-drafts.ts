/**
 * The REST-shaped body of draft_orders/create and draft_orders/update webhooks (Shopify's DraftOrder resource):
 * status in lower case, money as decimal strings in the draft's currency, tags as one comma-separated string.
 */
import { addressPayload } from './addresses.js';
import { draftTotals, finalUnitPrices, type AppliedDiscountRec, type DraftOrderRec } from './draft-orders.js';
import { fmt, gid } from './model.js';
import type { Store } from './store.js';

function discountPayload(d: AppliedDiscountRec | null, amountMinor: number) {
  if (!d) return null;
  return {
    title: d.title,
    description: d.description,
    value: String(d.value),
    value_type: d.valueType.toLowerCase(),
    amount: fmt(amountMinor),
  };
}

/** The draft as a webhook body; null when it no longer exists (a reset came between the change and the delivery). */
export function draftOrderPayload(store: Store, id: number): Record<string, unknown> | null {
  const d: DraftOrderRec | undefined = store.draftOrders.get(id);
  if (!d) return null;
  const t = draftTotals(d);
  const final = finalUnitPrices(d);
  return {
    id: d.id,
    admin_graphql_api_id: gid('DraftOrder', d.id),
    name: d.name,
    status: d.status.toLowerCase(),
    email: d.email,
    note: d.note,
    tags: d.tags.join(', '),
    currency: d.currency,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    completed_at: d.completedAt,
    order_id: d.orderId,
    customer: d.customerId != null ? { id: d.customerId, admin_graphql_api_id: gid('Customer', d.customerId) } : null,
    shipping_address: addressPayload(d.shippingAddress),
    shipping_line: d.shippingLine ? { title: d.shippingLine.title, price: fmt(d.shippingLine.priceMinor) } : null,
    applied_discount: discountPayload(d.appliedDiscount, t.orderDiscount),
    line_items: d.lineItems.map((l, i) => ({
      id: l.id,
      admin_graphql_api_id: gid('DraftOrderLineItem', l.id),
      variant_id: l.variantId,
      product_id: l.productId,
      title: l.title,
      variant_title: l.variantTitle,
      sku: l.sku,
      quantity: l.quantity,
      price: fmt(l.unitMinor),
      custom: l.variantId == null,
      gift_card: l.giftCard,
      requires_shipping: l.requiresShipping,
      applied_discount: discountPayload(l.appliedDiscount, (l.unitMinor - l.lineUnitMinor) * l.quantity),
      discounted_price: fmt(final[i]!),
    })),
    subtotal_price: fmt(t.subtotal),
    total_price: fmt(t.total),
    total_tax: '0.00',
  };
}
