/** Fields of the records that hang off an order: line items, refunds, transactions, fulfillments, locations. */
import {
  currentQuantity,
  gid,
  lineFulfillmentStatus,
  parentRefundable,
  refundedQuantity,
  unfulfilledQuantity,
  type FulfillmentRec,
  type LineItemRec,
  type LocationRec,
  type OrderRec,
  type RefundRec,
  type TransactionRec,
} from '../model.js';
import { firstOf, paginate } from '../paging.js';
import { PRODUCTS } from '../seed-data.js';
import type { Store } from '../store.js';
import { formattedGateway, orderMoney, type ResolverMap, type SimContext } from './common.js';

const orderOf = (ctx: SimContext, li: LineItemRec): OrderRec => ctx.store.orderOfLineItem(li.id)!;
const lineMoney = (ctx: SimContext, li: LineItemRec, minor: number) => orderMoney(ctx, orderOf(ctx, li), minor);

/** Product and ProductVariant as far as the seed catalog knows them (id, title, vendor, sku). */
export function productView(store: Store, productId: number) {
  const def = PRODUCTS[productId - store.firstId('product')];
  if (!def) return null;
  return {
    __typename: 'Product',
    id: gid('Product', productId),
    legacyResourceId: String(productId),
    title: def.title,
    vendor: def.vendor,
    isGiftCard: Boolean(def.giftCard),
  };
}

/** A catalog variant (variant ids are the product's index × 10 + the variant's, from the store's first variant id). */
export function variantView(store: Store, variantId: number, sku: string | null) {
  const p = Math.floor((variantId - store.firstId('variant')) / 10);
  const v = (variantId - store.firstId('variant')) % 10;
  const def = PRODUCTS[p];
  if (!def || v >= def.variants.length) return null;
  return {
    __typename: 'ProductVariant',
    id: gid('ProductVariant', variantId),
    legacyResourceId: String(variantId),
    title: def.variants[v] ?? 'Default Title',
    displayName: `${def.title} - ${def.variants[v] ?? 'Default Title'}`,
    sku,
    product: productView(store, store.firstId('product') + p),
  };
}

export const lineItemResolvers: ResolverMap = {
  id: (li: LineItemRec) => gid('LineItem', li.id),
  title: (li: LineItemRec) => li.title,
  name: (li: LineItemRec) => (li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title),
  variantTitle: (li: LineItemRec) => li.variantTitle,
  sku: (li: LineItemRec) => li.sku,
  vendor: (li: LineItemRec) => li.vendor,
  quantity: (li: LineItemRec) => li.quantity,
  currentQuantity: (li: LineItemRec, _a, ctx) => currentQuantity(orderOf(ctx, li), li),
  refundableQuantity: (li: LineItemRec, _a, ctx) => li.quantity - refundedQuantity(orderOf(ctx, li), li.id),
  unfulfilledQuantity: (li: LineItemRec, _a, ctx) => unfulfilledQuantity(orderOf(ctx, li), li),
  fulfillableQuantity: (li: LineItemRec, _a, ctx) => (orderOf(ctx, li).cancelledAt ? 0 : unfulfilledQuantity(orderOf(ctx, li), li)),
  nonFulfillableQuantity: (li: LineItemRec, _a, ctx) => li.quantity - currentQuantity(orderOf(ctx, li), li),
  fulfillmentStatus: (li: LineItemRec, _a, ctx) => lineFulfillmentStatus(orderOf(ctx, li), li),
  isGiftCard: (li: LineItemRec) => li.giftCard,
  requiresShipping: (li: LineItemRec) => li.requiresShipping,
  restockable: (li: LineItemRec, _a, ctx) => currentQuantity(orderOf(ctx, li), li) > 0,
  merchantEditable: () => false,
  taxable: () => false,
  taxLines: () => [],
  discountAllocations: () => [],
  duties: () => [],
  customAttributes: () => [],
  originalUnitPriceSet: (li: LineItemRec, _a, ctx) => lineMoney(ctx, li, li.unitMinor),
  discountedUnitPriceSet: (li: LineItemRec, _a, ctx) => lineMoney(ctx, li, li.discountedUnitMinor),
  discountedUnitPriceAfterAllDiscountsSet: (li: LineItemRec, _a, ctx) => lineMoney(ctx, li, li.discountedUnitMinor),
  originalTotalSet: (li: LineItemRec, _a, ctx) => lineMoney(ctx, li, li.unitMinor * li.quantity),
  discountedTotalSet: (li: LineItemRec, _a, ctx) => lineMoney(ctx, li, li.discountedUnitMinor * li.quantity),
  totalDiscountSet: (li: LineItemRec, _a, ctx) => lineMoney(ctx, li, (li.unitMinor - li.discountedUnitMinor) * li.quantity),
  unfulfilledDiscountedTotalSet: (li: LineItemRec, _a, ctx) =>
    lineMoney(ctx, li, li.discountedUnitMinor * unfulfilledQuantity(orderOf(ctx, li), li)),
  image: (li: LineItemRec) =>
    li.imageUrl ? { url: li.imageUrl, src: li.imageUrl, originalSrc: li.imageUrl, transformedSrc: li.imageUrl, altText: li.title } : null,
  product: (li: LineItemRec, _a, ctx) => (li.productId != null ? productView(ctx.store, li.productId) : null),
  variant: (li: LineItemRec, _a, ctx) => (li.variantId != null ? variantView(ctx.store, li.variantId, li.sku) : null),
};

export function refundTotalMinor(store: Store, r: RefundRec): number {
  return r.transactionIds.reduce((s, id) => {
    const t = store.transaction(id);
    return s + (t && t.status === 'SUCCESS' ? t.amountMinor : 0);
  }, 0);
}

export const refundResolvers: ResolverMap = {
  id: (r: RefundRec) => gid('Refund', r.id),
  legacyResourceId: (r: RefundRec) => String(r.id),
  createdAt: (r: RefundRec) => r.createdAt,
  processedAt: (r: RefundRec) => r.createdAt,
  updatedAt: (r: RefundRec) => r.createdAt,
  note: (r: RefundRec) => r.note,
  order: (r: RefundRec, _a, ctx) => ctx.store.orders.get(r.orderId),
  totalRefundedSet: (r: RefundRec, _a, ctx) => orderMoney(ctx, ctx.store.orders.get(r.orderId)!, refundTotalMinor(ctx.store, r)),
  refundLineItems: (r: RefundRec, args, ctx) => {
    const order = ctx.store.orders.get(r.orderId)!;
    const items = r.lines.map((l) => {
      const li = order.lineItems.find((x) => x.id === l.lineItemId)!;
      return {
        id: gid('RefundLineItem', l.id),
        lineItem: li,
        quantity: l.quantity,
        restockType: l.restockType,
        restocked: l.restockType !== 'NO_RESTOCK',
        location: null,
        priceSet: orderMoney(ctx, order, li.discountedUnitMinor),
        subtotalSet: orderMoney(ctx, order, l.subtotalMinor),
        totalTaxSet: orderMoney(ctx, order, 0),
      };
    });
    return paginate(items, args, (x) => x.id);
  },
  transactions: (r: RefundRec, args, ctx) =>
    paginate(r.transactionIds.map((id) => ctx.store.transaction(id)!).filter(Boolean), args, (t) => t.id),
};

export const transactionResolvers: ResolverMap = {
  id: (t: TransactionRec) => gid('OrderTransaction', t.id),
  kind: (t: TransactionRec) => t.kind,
  status: (t: TransactionRec) => t.status,
  gateway: (t: TransactionRec) => t.gateway,
  formattedGateway: (t: TransactionRec) => formattedGateway(t.gateway),
  amountSet: (t: TransactionRec, _a, ctx) => orderMoney(ctx, ctx.store.orders.get(t.orderId)!, t.amountMinor),
  createdAt: (t: TransactionRec) => t.createdAt,
  processedAt: (t: TransactionRec) => t.createdAt,
  test: () => false,
  manualPaymentGateway: (t: TransactionRec) => ['manual', 'cash', 'bank_deposit'].includes(t.gateway),
  parentTransaction: (t: TransactionRec, _a, ctx) => (t.parentId != null ? (ctx.store.transaction(t.parentId) ?? null) : null),
  order: (t: TransactionRec, _a, ctx) => ctx.store.orders.get(t.orderId) ?? null,
  maximumRefundableV2: (t: TransactionRec, _a, ctx) => {
    if (t.status !== 'SUCCESS' || (t.kind !== 'SALE' && t.kind !== 'CAPTURE')) return null;
    const order = ctx.store.orders.get(t.orderId)!;
    return orderMoney(ctx, order, parentRefundable(order, t)).presentmentMoney;
  },
  fees: () => [],
};

export const fulfillmentResolvers: ResolverMap = {
  id: (f: FulfillmentRec) => gid('Fulfillment', f.id),
  legacyResourceId: (f: FulfillmentRec) => String(f.id),
  name: (f: FulfillmentRec) => f.name,
  status: (f: FulfillmentRec) => f.status,
  displayStatus: (f: FulfillmentRec) => f.displayStatus,
  createdAt: (f: FulfillmentRec) => f.createdAt,
  updatedAt: (f: FulfillmentRec) => f.createdAt,
  requiresShipping: (f: FulfillmentRec) => f.tracking.length > 0,
  order: (f: FulfillmentRec, _a, ctx) => ctx.store.orders.get(f.orderId),
  totalQuantity: (f: FulfillmentRec) => f.lines.reduce((s, l) => s + l.quantity, 0),
  trackingInfo: (f: FulfillmentRec, args) => firstOf(f.tracking, args.first),
  fulfillmentLineItems: (f: FulfillmentRec, args, ctx) => {
    const order = ctx.store.orders.get(f.orderId)!;
    const items = f.lines.map((l, i) => {
      const li = order.lineItems.find((x) => x.id === l.lineItemId)!;
      return {
        __typename: 'FulfillmentLineItem',
        id: gid('FulfillmentLineItem', f.id * 100 + i),
        lineItem: li,
        quantity: l.quantity,
        originalTotalSet: orderMoney(ctx, order, li.unitMinor * l.quantity),
        discountedTotalSet: orderMoney(ctx, order, li.discountedUnitMinor * l.quantity),
      };
    });
    return paginate(items, args, (x) => x.id);
  },
};

export const locationResolvers: ResolverMap = {
  id: (l: LocationRec) => gid('Location', l.id),
  legacyResourceId: (l: LocationRec) => String(l.id),
  name: (l: LocationRec) => l.name,
  isActive: () => true,
  address: (l: LocationRec) => ({
    ...l.address,
    address2: null,
    formatted: [l.address.address1, [l.address.city, l.address.province, l.address.zip].filter(Boolean).join(' '), l.address.country],
  }),
};
