/**
 * draftOrderComplete: the draft becomes an order like any other (new-order.ts), with the draft's lines at their
 * discounted prices, its shipping, address, note, tags, attributes and customer, and `sourceName`
 * "shopify_draft_order" (the source Shopify gives orders made from drafts; the `sourceName` argument is a channel
 * handle for attribution, kept as the order's channel). Money: a SALE of the total through the manual gateway (or the
 * one named) when something is due and the payment is not pending; nothing when the total is 0 (the order is then
 * PAID) or `paymentPending` is true (PENDING). The draft turns COMPLETED and keeps the order's id; orders/create
 * (with customers/update) and draft_orders/update are sent.
 * A draft that is already completed is refused and no second order is made: the REST API answers 422 "Draft Order
 * has already been completed"; the GraphQL wording and field are not documented (["id"] here).
 */
import { finalUnitPrices, type DraftOrderRec } from './draft-orders.js';
import { isoTime, parseGid } from './model.js';
import { registerOrder } from './new-order.js';
import type { FieldError } from './refunds.js';
import type { Store } from './store.js';

/** The one payment gateway the simulator offers for completing drafts (draftOrderComplete's paymentGatewayId). */
export const MANUAL_GATEWAY_ID = 'gid://shopify/PaymentGateway/1';

export interface CompleteArgs {
  id: unknown;
  paymentPending?: boolean | null;
  paymentGatewayId?: string | null;
  sourceName?: string | null;
}

/** Completes a draft: the draft (COMPLETED, with its order), or the user errors (and then nothing changed). */
export function completeDraftOrder(store: Store, args: CompleteArgs): { draft: DraftOrderRec | null; errors: FieldError[] } {
  const draft = store.draftOrders.get(parseGid(args.id, 'DraftOrder') ?? -1);
  if (!draft) return { draft: null, errors: [{ field: ['id'], message: 'Draft order does not exist' }] };
  if (draft.status === 'COMPLETED') return { draft: null, errors: [{ field: ['id'], message: 'Draft order has already been completed' }] };
  if (args.paymentGatewayId != null && args.paymentGatewayId !== MANUAL_GATEWAY_ID)
    return { draft: null, errors: [{ field: ['paymentGatewayId'], message: 'Payment gateway not found' }] };

  const final = finalUnitPrices(draft);
  const address = draft.shippingAddress ? (({ id: _id, ...rest }) => rest)(draft.shippingAddress) : null;
  const channel = args.sourceName?.trim() ? { handle: args.sourceName.trim(), name: args.sourceName.trim() } : null;
  const order = registerOrder(store, {
    customerId: draft.customerId,
    email: draft.email,
    currency: draft.currency,
    sourceName: 'shopify_draft_order',
    channel,
    lineItems: draft.lineItems.map((l, i) => ({
      title: l.title,
      variantTitle: l.variantTitle,
      sku: l.sku,
      vendor: l.vendor ?? store.shop.name,
      quantity: l.quantity,
      unitMinor: l.unitMinor,
      discountedUnitMinor: final[i]!,
      imageUrl: l.imageUrl,
      productId: l.productId,
      variantId: l.variantId,
      giftCard: l.giftCard,
      requiresShipping: l.requiresShipping,
    })),
    note: draft.note,
    tags: [...draft.tags],
    shippingAddress: address,
    phone: draft.phone,
    poNumber: draft.poNumber,
    customAttributes: draft.customAttributes.map((a) => ({ ...a })),
    shippingMinor: draft.shippingLine?.priceMinor ?? 0,
    shippingTitle: draft.shippingLine?.title ?? null,
    paidThrough: args.paymentPending ? null : 'manual',
  });
  const now = isoTime(Date.now());
  draft.status = 'COMPLETED';
  draft.completedAt = now;
  draft.updatedAt = now;
  draft.orderId = order.id;
  store.emit('draft_orders/update', draft.id);
  return { draft, errors: [] };
}
