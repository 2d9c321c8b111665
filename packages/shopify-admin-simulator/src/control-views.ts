/** The JSON views the control API answers with (orders, order details, discounts): plain data, no GraphQL. */
import type { MailingAddressRec } from './addresses.js';
import {
  currentQuantity,
  financialStatus,
  fmt,
  fulfilledQuantity,
  fulfillmentStatus,
  gid,
  orderTotals,
  refundedQuantity,
  unfulfilledQuantity,
  type OrderRec,
} from './model.js';
import { draftTotals, type DraftOrderRec } from './draft-orders.js';
import type { SimulatorState } from './state.js';

/** A stored address with its GID; the fields are MailingAddress's. */
function addressDetail(a: MailingAddressRec) {
  const { id, ...fields } = a;
  return { id: `${gid('MailingAddress', id)}?model_name=Address`, ...fields };
}

/** An order as GET /__simulator/orders lists it. */
export function orderSummary(o: OrderRec) {
  const t = orderTotals(o);
  return {
    id: gid('Order', o.id),
    name: o.name,
    customerId: o.customerId != null ? gid('Customer', o.customerId) : null,
    createdAt: o.createdAt,
    currency: o.currency,
    sourceName: o.sourceName,
    retailLocationId: o.locationId != null ? gid('Location', o.locationId) : null,
    financialStatus: financialStatus(o),
    fulfillmentStatus: fulfillmentStatus(o),
    cancelled: o.cancelledAt != null,
    refundable: t.net > 0,
    totalPrice: fmt(t.total),
    currentTotalPrice: fmt(t.currentTotal),
    totalRefunded: fmt(t.refunded),
    fulfillments: o.fulfillments.length,
    trackingNumbers: o.fulfillments.reduce((s, f) => s + f.tracking.length, 0),
    giftCard: o.lineItems.some((li) => li.giftCard),
  };
}

/** An order as GET /__simulator/orders/{id} shows it: everything a test needs to check a change. */
export function orderDetail(state: SimulatorState, o: OrderRec) {
  const t = orderTotals(o);
  return {
    ...orderSummary(o),
    number: o.number,
    email: o.email,
    updatedAt: o.updatedAt,
    closedAt: o.closedAt,
    cancelledAt: o.cancelledAt,
    cancelReason: o.cancelReason,
    staffNote: o.staffNote,
    note: o.note,
    tags: o.tags,
    phone: o.phone,
    poNumber: o.poNumber,
    customAttributes: o.customAttributes,
    shippingAddress: o.shippingAddress ? addressDetail(o.shippingAddress) : null,
    channel: o.channel,
    retailLocation: o.locationId != null ? (state.store.locations.get(o.locationId) ?? null) : null,
    discountCode: o.discountCode,
    totals: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, fmt(v)])),
    shipping: { title: o.shippingTitle, amount: fmt(o.shippingMinor) },
    lineItems: o.lineItems.map((li) => ({
      id: gid('LineItem', li.id),
      title: li.title,
      variantTitle: li.variantTitle,
      sku: li.sku,
      quantity: li.quantity,
      currentQuantity: currentQuantity(o, li),
      refundedQuantity: refundedQuantity(o, li.id),
      refundableQuantity: li.quantity - refundedQuantity(o, li.id),
      fulfilledQuantity: fulfilledQuantity(o, li.id),
      unfulfilledQuantity: unfulfilledQuantity(o, li),
      unitPrice: fmt(li.unitMinor),
      discountedUnitPrice: fmt(li.discountedUnitMinor),
      giftCard: li.giftCard,
      imageUrl: li.imageUrl,
    })),
    transactions: o.transactions.map((x) => ({
      id: gid('OrderTransaction', x.id),
      kind: x.kind,
      status: x.status,
      gateway: x.gateway,
      amount: fmt(x.amountMinor),
      parentId: x.parentId != null ? gid('OrderTransaction', x.parentId) : null,
      createdAt: x.createdAt,
    })),
    refunds: o.refunds.map((r) => ({
      id: gid('Refund', r.id),
      createdAt: r.createdAt,
      note: r.note,
      shipping: fmt(r.shippingMinor),
      lines: r.lines.map((l) => ({
        lineItemId: gid('LineItem', l.lineItemId),
        quantity: l.quantity,
        restockType: l.restockType,
        subtotal: fmt(l.subtotalMinor),
      })),
      transactionIds: r.transactionIds.map((id) => gid('OrderTransaction', id)),
    })),
    fulfillmentRecords: o.fulfillments.map((f) => ({
      id: gid('Fulfillment', f.id),
      name: f.name,
      status: f.status,
      displayStatus: f.displayStatus,
      createdAt: f.createdAt,
      tracking: f.tracking,
      lines: f.lines.map((l) => ({ lineItemId: gid('LineItem', l.lineItemId), quantity: l.quantity })),
    })),
  };
}

/** The code discounts, as GET /__simulator/discounts lists them. */
export function discounts(state: SimulatorState) {
  return [...state.store.discounts.values()].map((d) => ({
    id: gid('DiscountCodeNode', d.id),
    code: d.code,
    title: d.title,
    customerIds: d.customerIds ? d.customerIds.map((id) => gid('Customer', id)) : null,
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    value:
      d.value.type === 'percentage'
        ? { percentage: d.value.percentage }
        : { amount: fmt(d.value.amountMinor), currencyCode: state.store.shopCurrency, appliesOnEachItem: d.value.appliesOnEachItem },
    startsAt: d.startsAt,
    endsAt: d.endsAt,
  }));
}

/** A draft order as GET /__simulator/draft-orders lists it; prices in the draft's (the shop's) currency. */
export function draftOrderSummary(d: DraftOrderRec) {
  const t = draftTotals(d);
  return {
    id: gid('DraftOrder', d.id),
    name: d.name,
    status: d.status,
    orderId: d.orderId != null ? gid('Order', d.orderId) : null,
    customerId: d.customerId != null ? gid('Customer', d.customerId) : null,
    email: d.email,
    note: d.note,
    tags: d.tags,
    currency: d.currency,
    lineItems: d.lineItems.map((l) => ({
      id: gid('DraftOrderLineItem', l.id),
      variantId: l.variantId != null ? gid('ProductVariant', l.variantId) : null,
      title: l.title,
      quantity: l.quantity,
      unitPrice: fmt(l.unitMinor),
    })),
    appliedDiscount: d.appliedDiscount,
    shippingAddress: d.shippingAddress ? addressDetail(d.shippingAddress) : null,
    subtotalPrice: fmt(t.subtotal),
    totalDiscounts: fmt(t.discounts),
    totalPrice: fmt(t.total),
    createdAt: d.createdAt,
    completedAt: d.completedAt,
  };
}
