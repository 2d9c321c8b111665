/** DraftOrder and DraftOrderLineItem fields, from the stored draft; money is derived at read time (draft-orders.ts). */
import { addressView } from '../addresses.js';
import { draftTotals, finalUnitPrices, type AppliedDiscountRec, type DraftLineRec, type DraftOrderRec } from '../draft-orders.js';
import { fmt, gid } from '../model.js';
import { paginate } from '../paging.js';
import type { Store } from '../store.js';
import { productView, variantView } from './children.js';
import { bag, type ResolverMap, type SimContext } from './common.js';

const money = (ctx: SimContext, d: DraftOrderRec, minor: number) => bag(minor, d.currency, ctx.store.shopCurrency);
const totals = (pick: (t: ReturnType<typeof draftTotals>) => number) => (d: DraftOrderRec, _a: unknown, ctx: SimContext) =>
  money(ctx, d, pick(draftTotals(d)));

/** The draft a line belongs to (drafts are few: a scan is enough). */
export function draftOfLine(store: Store, lineId: number): DraftOrderRec | undefined {
  for (const d of store.draftOrders.values()) if (d.lineItems.some((l) => l.id === lineId)) return d;
  return undefined;
}

function discountView(ctx: SimContext, d: DraftOrderRec, discount: AppliedDiscountRec | null, amountMinor: number) {
  if (!discount) return null;
  const amount = money(ctx, d, amountMinor);
  return {
    title: discount.title,
    description: discount.description,
    value: discount.value,
    valueType: discount.valueType,
    amountSet: amount,
    amountV2: amount.presentmentMoney,
    amount: amount.presentmentMoney.amount,
  };
}

export const draftOrderResolvers: ResolverMap = {
  id: (d: DraftOrderRec) => gid('DraftOrder', d.id),
  legacyResourceId: (d: DraftOrderRec) => String(d.id),
  name: (d: DraftOrderRec) => d.name,
  status: (d: DraftOrderRec) => d.status,
  ready: () => true,
  tags: (d: DraftOrderRec) => d.tags,
  note2: (d: DraftOrderRec) => d.note,
  email: (d: DraftOrderRec) => d.email,
  phone: (d: DraftOrderRec) => d.phone,
  poNumber: (d: DraftOrderRec) => d.poNumber,
  customAttributes: (d: DraftOrderRec) => d.customAttributes,
  createdAt: (d: DraftOrderRec) => d.createdAt,
  updatedAt: (d: DraftOrderRec) => d.updatedAt,
  completedAt: (d: DraftOrderRec) => d.completedAt,
  invoiceSentAt: () => null,
  currencyCode: (_d: DraftOrderRec, _a, ctx) => ctx.store.shopCurrency,
  presentmentCurrencyCode: (d: DraftOrderRec) => d.currency,
  taxesIncluded: () => false,
  taxExempt: () => false,
  taxLines: () => [],
  discountCodes: () => [],
  platformDiscounts: () => [],
  warnings: () => [],
  visibleToCustomer: () => false,
  allowDiscountCodesInCheckout: () => false,
  hasTimelineComment: () => false,
  totalWeight: () => '0',
  customer: (d: DraftOrderRec, _a, ctx) => (d.customerId != null ? (ctx.store.customers.get(d.customerId) ?? null) : null),
  purchasingEntity: (d: DraftOrderRec, _a, ctx) => (d.customerId != null ? (ctx.store.customers.get(d.customerId) ?? null) : null),
  order: (d: DraftOrderRec, _a, ctx) => (d.orderId != null ? (ctx.store.orders.get(d.orderId) ?? null) : null),
  shippingAddress: (d: DraftOrderRec) => (d.shippingAddress ? addressView(d.shippingAddress) : null),
  shippingLine: (d: DraftOrderRec, _a, ctx) => {
    if (!d.shippingLine) return null;
    const price = money(ctx, d, d.shippingLine.priceMinor);
    return {
      title: d.shippingLine.title,
      code: d.shippingLine.title,
      source: null,
      custom: true,
      isRemoved: false,
      originalPriceSet: price,
      discountedPriceSet: price,
      currentDiscountedPriceSet: price,
      discountAllocations: [],
      taxLines: [],
    };
  },
  appliedDiscount: (d: DraftOrderRec, _a, ctx) => discountView(ctx, d, d.appliedDiscount, draftTotals(d).orderDiscount),
  lineItems: (d: DraftOrderRec, args) => paginate(d.lineItems, args, (l) => l.id),
  totalQuantityOfLineItems: (d: DraftOrderRec) => draftTotals(d).quantity,
  totalLineItemsPriceSet: totals((t) => t.lineItemsTotal),
  lineItemsSubtotalPrice: totals((t) => t.lineItemsSubtotal),
  subtotalPriceSet: totals((t) => t.subtotal),
  totalDiscountsSet: totals((t) => t.discounts),
  totalShippingPriceSet: totals((t) => t.shipping),
  totalTaxSet: totals(() => 0),
  totalPriceSet: totals((t) => t.total),
  amountDueNowSet: totals((t) => t.total),
  amountDueLaterSet: totals(() => 0),
  subtotalPrice: (d: DraftOrderRec) => fmt(draftTotals(d).subtotal),
  totalPrice: (d: DraftOrderRec) => fmt(draftTotals(d).total),
  totalShippingPrice: (d: DraftOrderRec) => fmt(draftTotals(d).shipping),
  totalTax: () => '0.00',
};

const lineDraft = (ctx: SimContext, l: DraftLineRec) => draftOfLine(ctx.store, l.id)!;
const lineMoney = (ctx: SimContext, l: DraftLineRec, minor: number) => money(ctx, lineDraft(ctx, l), minor);
/** The unit price with the order-level discount spread over it (what the unit costs on the order it becomes). */
const approximateUnit = (ctx: SimContext, l: DraftLineRec) => {
  const d = lineDraft(ctx, l);
  return finalUnitPrices(d)[d.lineItems.indexOf(l)]!;
};

export const draftLineItemResolvers: ResolverMap = {
  id: (l: DraftLineRec) => gid('DraftOrderLineItem', l.id),
  uuid: (l: DraftLineRec) => l.uuid,
  title: (l: DraftLineRec) => l.title,
  name: (l: DraftLineRec) => (l.variantTitle ? `${l.title} - ${l.variantTitle}` : l.title),
  variantTitle: (l: DraftLineRec) => l.variantTitle,
  sku: (l: DraftLineRec) => l.sku,
  vendor: (l: DraftLineRec) => l.vendor,
  quantity: (l: DraftLineRec) => l.quantity,
  custom: (l: DraftLineRec) => l.variantId == null,
  isGiftCard: (l: DraftLineRec) => l.giftCard,
  requiresShipping: (l: DraftLineRec) => l.requiresShipping,
  taxable: (l: DraftLineRec) => l.taxable,
  taxLines: () => [],
  components: () => [],
  bundleComponents: () => [],
  customAttributes: (l: DraftLineRec) => l.customAttributes,
  customAttributesV2: () => [],
  appliedDiscount: (l: DraftLineRec, _a, ctx) =>
    discountView(ctx, lineDraft(ctx, l), l.appliedDiscount, (l.unitMinor - l.lineUnitMinor) * l.quantity),
  originalUnitPriceSet: (l: DraftLineRec, _a, ctx) => lineMoney(ctx, l, l.unitMinor),
  originalUnitPriceWithCurrency: (l: DraftLineRec, _a, ctx) => lineMoney(ctx, l, l.unitMinor).presentmentMoney,
  originalUnitPrice: (l: DraftLineRec) => fmt(l.unitMinor),
  originalTotalSet: (l: DraftLineRec, _a, ctx) => lineMoney(ctx, l, l.unitMinor * l.quantity),
  originalTotal: (l: DraftLineRec) => fmt(l.unitMinor * l.quantity),
  discountedUnitPriceSet: (l: DraftLineRec, _a, ctx) => lineMoney(ctx, l, l.lineUnitMinor),
  discountedUnitPrice: (l: DraftLineRec) => fmt(l.lineUnitMinor),
  approximateDiscountedUnitPriceSet: (l: DraftLineRec, _a, ctx) => lineMoney(ctx, l, approximateUnit(ctx, l)),
  discountedTotalSet: (l: DraftLineRec, _a, ctx) => lineMoney(ctx, l, l.lineUnitMinor * l.quantity),
  discountedTotal: (l: DraftLineRec) => fmt(l.lineUnitMinor * l.quantity),
  totalDiscountSet: (l: DraftLineRec, _a, ctx) => lineMoney(ctx, l, (l.unitMinor - l.lineUnitMinor) * l.quantity),
  totalDiscount: (l: DraftLineRec) => fmt((l.unitMinor - l.lineUnitMinor) * l.quantity),
  image: (l: DraftLineRec) =>
    l.imageUrl ? { url: l.imageUrl, src: l.imageUrl, originalSrc: l.imageUrl, transformedSrc: l.imageUrl, altText: l.title } : null,
  product: (l: DraftLineRec, _a, ctx) => (l.productId != null ? productView(ctx.store, l.productId) : null),
  variant: (l: DraftLineRec, _a, ctx) => (l.variantId != null ? variantView(ctx.store, l.variantId, l.sku) : null),
};
