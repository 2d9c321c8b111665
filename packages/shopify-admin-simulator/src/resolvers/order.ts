/** Order fields: every figure is derived from the order's records at read time, so mutations show up at once. */
import {
  currentQuantity,
  financialStatus,
  fulfillmentStatus,
  gid,
  openAuthorizations,
  orderTotals,
  parseGid,
  parseMoney,
  type OrderRec,
  type RestockType,
} from '../model.js';
import { addressView } from '../addresses.js';
import { firstOf, paginate } from '../paging.js';
import { suggestRefund } from '../refunds.js';
import { formattedGateway, orderMoney, type ResolverMap, type SimContext } from './common.js';

const money = (pick: (t: ReturnType<typeof orderTotals>) => number) => (o: OrderRec, _a: unknown, ctx: SimContext) =>
  orderMoney(ctx, o, pick(orderTotals(o)));

export const orderResolvers: ResolverMap = {
  id: (o: OrderRec) => gid('Order', o.id),
  legacyResourceId: (o: OrderRec) => String(o.id),
  name: (o: OrderRec) => o.name,
  number: (o: OrderRec) => o.number,
  createdAt: (o: OrderRec) => o.createdAt,
  processedAt: (o: OrderRec) => o.createdAt,
  updatedAt: (o: OrderRec) => o.updatedAt,
  cancelledAt: (o: OrderRec) => o.cancelledAt,
  cancelReason: (o: OrderRec) => o.cancelReason,
  cancellation: (o: OrderRec) => (o.cancelledAt ? { staffNote: o.staffNote } : null),
  closed: (o: OrderRec) => o.closedAt != null,
  closedAt: (o: OrderRec) => o.closedAt,
  confirmed: () => true,
  test: () => false,
  customer: (o: OrderRec, _a, ctx) => (o.customerId != null ? (ctx.store.customers.get(o.customerId) ?? null) : null),
  email: (o: OrderRec) => o.email,
  customerAcceptsMarketing: (o: OrderRec) => o.customerAcceptsMarketing,
  note: (o: OrderRec) => o.note,
  tags: (o: OrderRec) => o.tags,
  phone: (o: OrderRec) => o.phone,
  poNumber: (o: OrderRec) => o.poNumber,
  customAttributes: (o: OrderRec) => o.customAttributes,
  shippingAddress: (o: OrderRec) => (o.shippingAddress ? addressView(o.shippingAddress) : null),
  // the simulator keeps no billing address, so the address shown is the shipping one
  displayAddress: (o: OrderRec) => (o.shippingAddress ? addressView(o.shippingAddress) : null),
  sourceName: (o: OrderRec) => o.sourceName,
  discountCode: (o: OrderRec) => o.discountCode,
  discountCodes: (o: OrderRec) => (o.discountCode ? [o.discountCode] : []),
  currencyCode: (_o: OrderRec, _a, ctx) => ctx.store.shopCurrency,
  presentmentCurrencyCode: (o: OrderRec) => o.currency,
  taxesIncluded: () => false,
  taxExempt: () => false,
  totalPriceSet: money((t) => t.total),
  originalTotalPriceSet: money((t) => t.total),
  currentTotalPriceSet: money((t) => t.currentTotal),
  subtotalPriceSet: money((t) => t.subtotal),
  currentSubtotalPriceSet: money((t) => t.currentSubtotal),
  totalShippingPriceSet: money((t) => t.shipping),
  currentShippingPriceSet: money((t) => t.currentShipping),
  totalDiscountsSet: money((t) => t.discounts),
  totalTaxSet: money(() => 0),
  currentTotalTaxSet: money(() => 0),
  totalRefundedSet: money((t) => t.refunded),
  totalRefundedShippingSet: money((t) => t.refundedShipping),
  totalReceivedSet: money((t) => t.received),
  netPaymentSet: money((t) => t.net),
  totalOutstandingSet: money((t) => t.outstanding),
  totalCapturableSet: (o: OrderRec, _a, ctx) =>
    orderMoney(ctx, o, o.cancelledAt ? 0 : openAuthorizations(o).reduce((s, t) => s + t.amountMinor, 0)),
  displayFinancialStatus: (o: OrderRec) => financialStatus(o),
  displayFulfillmentStatus: (o: OrderRec) => fulfillmentStatus(o),
  // a free order (total 0) owes nothing: it is paid without any money received
  fullyPaid: (o: OrderRec) => orderTotals(o).outstanding === 0 && (orderTotals(o).received > 0 || orderTotals(o).total === 0),
  unpaid: (o: OrderRec) => orderTotals(o).received === 0 && orderTotals(o).total > 0,
  capturable: (o: OrderRec) => !o.cancelledAt && openAuthorizations(o).length > 0,
  refundable: (o: OrderRec) => orderTotals(o).net > 0,
  restockable: (o: OrderRec) => o.lineItems.some((li) => currentQuantity(o, li) > 0),
  requiresShipping: (o: OrderRec) => o.lineItems.some((li) => li.requiresShipping && currentQuantity(o, li) > 0),
  subtotalLineItemsQuantity: (o: OrderRec) => o.lineItems.reduce((s, li) => s + li.quantity, 0),
  currentSubtotalLineItemsQuantity: (o: OrderRec) => o.lineItems.reduce((s, li) => s + currentQuantity(o, li), 0),
  paymentGatewayNames: (o: OrderRec) => [
    ...new Set(o.transactions.filter((t) => t.kind !== 'REFUND' && t.kind !== 'VOID').map((t) => t.gateway)),
  ],
  channelInformation: (o: OrderRec) =>
    o.channel
      ? {
          __typename: 'ChannelInformation',
          id: gid('ChannelInformation', o.id),
          displayName: o.channel.name,
          channelDefinition: {
            __typename: 'ChannelDefinition',
            id: gid('ChannelDefinition', o.channel.handle),
            channelName: o.channel.name,
            handle: o.channel.handle,
          },
        }
      : null,
  retailLocation: (o: OrderRec, _a, ctx) => (o.locationId != null ? (ctx.store.locations.get(o.locationId) ?? null) : null),
  shippingLine: (o: OrderRec, _a, ctx) =>
    o.shippingTitle
      ? {
          title: o.shippingTitle,
          code: o.shippingTitle,
          source: 'shopify',
          custom: false,
          isRemoved: false,
          originalPriceSet: orderMoney(ctx, o, o.shippingMinor),
          discountedPriceSet: orderMoney(ctx, o, o.shippingMinor),
          currentDiscountedPriceSet: orderMoney(ctx, o, orderTotals(o).currentShipping),
          discountAllocations: [],
          taxLines: [],
        }
      : null,
  lineItems: (o: OrderRec, args) => paginate(o.lineItems, args, (li) => li.id),
  fulfillments: (o: OrderRec, args) => firstOf(o.fulfillments, args.first),
  fulfillmentsCount: (o: OrderRec) => ({ count: o.fulfillments.length, precision: 'EXACT' }),
  refunds: (o: OrderRec, args) => firstOf(o.refunds, args.first),
  transactions: (o: OrderRec, args) => {
    const list = args.capturable ? (o.cancelledAt ? [] : openAuthorizations(o)) : o.transactions;
    return firstOf(list, args.first);
  },
  transactionsCount: (o: OrderRec) => ({ count: o.transactions.length, precision: 'EXACT' }),
  suggestedRefund: (o: OrderRec, args, ctx) => suggestedRefundView(ctx, o, args),
};

/** Order.suggestedRefund(...) as the SuggestedRefund object. */
function suggestedRefundView(ctx: SimContext, o: OrderRec, args: Record<string, any>) {
  const lines = ((args.refundLineItems as Array<Record<string, unknown>> | null) ?? [])
    .map((l) => ({
      lineItemId: parseGid(l.lineItemId, 'LineItem') ?? -1,
      quantity: Number(l.quantity),
      restockType: (l.restockType as RestockType | null) ?? undefined,
    }))
    .filter((l) => l.lineItemId > 0);
  const s = suggestRefund(o, {
    lines,
    refundShipping: Boolean(args.refundShipping),
    shippingMinor: args.shippingAmount != null ? parseMoney(args.shippingAmount) : null,
    full: Boolean(args.suggestFullRefund),
  });
  const m = (minor: number) => orderMoney(ctx, o, minor);
  const zero = m(0);
  return {
    amountSet: m(s.amountMinor),
    subtotalSet: m(s.subtotalMinor),
    discountedSubtotalSet: m(s.subtotalMinor),
    maximumRefundableSet: m(s.maximumRefundableMinor),
    // discounts are allocated to line items, so nothing is left at cart level
    totalCartDiscountAmountSet: zero,
    totalTaxSet: zero,
    totalDutiesSet: zero,
    refundDuties: [],
    suggestedRefundMethods: [],
    shipping: { amountSet: m(s.shippingMinor), maximumRefundableSet: m(s.maximumShippingMinor), taxSet: zero },
    refundLineItems: s.lines.map((l) => {
      const li = o.lineItems.find((x) => x.id === l.lineItemId)!;
      return {
        id: null,
        lineItem: li,
        quantity: l.quantity,
        restockType: l.restockType,
        restocked: false,
        location: null,
        priceSet: m(li.discountedUnitMinor),
        subtotalSet: m(l.subtotalMinor),
        totalTaxSet: zero,
      };
    }),
    suggestedTransactions: s.transactions.map((t) => ({
      amountSet: m(t.amountMinor),
      maximumRefundableSet: m(t.maximumMinor),
      gateway: t.parent.gateway,
      formattedGateway: formattedGateway(t.parent.gateway),
      kind: 'SUGGESTED_REFUND',
      parentTransaction: t.parent,
    })),
  };
}
