/**
 * Pure translations from Shopify's 2026-07 shapes (codegen types of our documents) to our domain models.
 * No I/O; every rule about how a Shopify value reads to an agent lives here.
 */
import type {
  CustomerCardFragment,
  ProfileLineItemFragment,
  ProfileMailingAddressFragment,
  ProfileOrderFragment,
} from './__generated__/admin.js';
import { adminUrl, type StoreEndpoint } from './transport.js';
import type {
  CustomerModel,
  FinancialStatus,
  FulfillmentStatus,
  LineItemModel,
  MailingAddress,
  Money,
  OrderModel,
} from '../domain/model.js';
import { replacementBlock, shippingAddressBlock } from '../domain/availability.js';

/** Shopify's MoneyV2 (or any shape holding one) as our Money: just the amount and currency, nothing Shopify added. */
export const toMoney = (m: Money): Money => ({ amount: m.amount, currencyCode: m.currencyCode });

/** A Shopify customer as the profile shows it. */
export function toCustomer(c: CustomerCardFragment, endpoint: StoreEndpoint): CustomerModel {
  return {
    id: c.id,
    displayName: c.displayName || null,
    email: c.defaultEmailAddress?.emailAddress ?? null,
    phone: c.defaultPhoneNumber?.phoneNumber ?? null,
    acceptsMarketing: c.defaultEmailAddress?.marketingState === 'SUBSCRIBED',
    createdAt: c.createdAt,
    shopifyUrl: adminUrl(endpoint, 'customers', c.id),
    note: c.note || null,
    totalSpent: toMoney(c.amountSpent),
    totalOrders: Number.parseInt(c.numberOfOrders, 10),
    tags: [...c.tags],
    store: endpoint.handle,
  };
}

/** A Shopify order as the profile shows it; `lineItems` is null when the query did not fetch them. */
export function toOrder(o: ProfileOrderFragment, endpoint: StoreEndpoint): OrderModel {
  const tracking = o.fulfillments?.[0]?.trackingInfo[0];
  const financialStatus = (o.displayFinancialStatus ?? null) as FinancialStatus | null;
  const fulfillmentStatus = (o.displayFulfillmentStatus ?? null) as FulfillmentStatus | null;
  return {
    id: o.id,
    orderNumber: o.name,
    buyerAcceptsMarketing: o.customerAcceptsMarketing,
    type: orderType(o.sourceName),
    shopifyUrl: adminUrl(endpoint, 'orders', o.id),
    total: toMoney(o.totalPriceSet.shopMoney),
    totalRefunded: toMoney(o.totalRefundedSet.shopMoney),
    firstTrackingNumber: tracking?.number ?? null,
    firstTrackingUrl: tracking?.url ?? null,
    createdAt: o.createdAt,
    status: orderStatus(o.cancelledAt, financialStatus, fulfillmentStatus),
    financialStatus,
    fulfillmentStatus,
    cancelledAt: o.cancelledAt,
    note: o.note || null,
    locationName: o.retailLocation?.name ?? null,
    locationCountry: o.retailLocation?.address.country ?? null,
    products: o.lineItems ? o.lineItems.nodes.map((li) => toLineItem(li, o.id)) : null,
    canCancel: canCancel(o.cancelledAt, fulfillmentStatus),
    refundable: o.refundable,
    tags: [...o.tags],
    canEditShippingAddress: shippingAddressBlock({ cancelledAt: o.cancelledAt, fulfillmentStatus }) === null,
    canReplace: replacementBlock({ cancelledAt: o.cancelledAt, fulfillmentStatus }) === null,
    // Left undefined when not asked for (so the model says "not read", never "has none").
    ...(o.shippingAddress !== undefined ? { shippingAddress: o.shippingAddress && toMailingAddress(o.shippingAddress) } : {}),
    store: endpoint.handle,
  };
}

/** A Shopify MailingAddress as the contract shows it: countryCodeV2 is the ISO code; blank parts read as null. */
export function toMailingAddress(a: ProfileMailingAddressFragment): MailingAddress {
  return {
    firstName: a.firstName || null,
    lastName: a.lastName || null,
    company: a.company || null,
    address1: a.address1 || null,
    address2: a.address2 || null,
    city: a.city || null,
    provinceCode: a.provinceCode || null,
    zip: a.zip || null,
    countryCode: a.countryCodeV2 ?? null,
    phone: a.phone || null,
  };
}

/** Fulfillment states in which goods have left (or are leaving) the warehouse: Shopify refuses to cancel those. */
const SHIPPED: ReadonlySet<FulfillmentStatus> = new Set(['FULFILLED', 'PARTIALLY_FULFILLED', 'IN_PROGRESS']);

/** Whether cancelOrder can succeed: not cancelled yet and nothing shipped (fulfillments must be cancelled first). */
export function canCancel(cancelledAt: string | null, fulfillment: FulfillmentStatus | null): boolean {
  return cancelledAt === null && !(fulfillment && SHIPPED.has(fulfillment));
}

/** One line item of an order. */
export function toLineItem(li: ProfileLineItemFragment, orderId: string): LineItemModel {
  return {
    id: li.id,
    orderId,
    productId: li.product?.id ?? null,
    name: li.name,
    quantity: li.quantity,
    sku: li.sku || null,
    status: lineItemStatus(li),
    unitPrice: toMoney(li.originalUnitPriceSet.shopMoney),
    imageUrl: li.image?.url ?? null,
    refundableQuantity: li.refundableQuantity,
  };
}

const SOURCES: Record<string, string> = {
  web: 'Online Store',
  pos: 'Point of Sale',
  shopify_draft_order: 'Draft Order',
  iphone: 'Shopify Mobile',
  android: 'Shopify Mobile',
  checkout_one: 'Online Store',
};

/** The sales channel, readable. Unknown sources (often an app's id) pass through as Shopify names them. */
export function orderType(sourceName: string | null): string | null {
  if (!sourceName) return null;
  return SOURCES[sourceName] ?? sourceName;
}

const FINANCIAL_WORDS: Partial<Record<FinancialStatus, string>> = {
  REFUNDED: 'Refunded',
  PARTIALLY_REFUNDED: 'Partially refunded',
  PENDING: 'Pending payment',
  AUTHORIZED: 'Payment authorized',
  PARTIALLY_PAID: 'Partially paid',
  VOIDED: 'Voided',
  EXPIRED: 'Payment expired',
};

const FULFILLMENT_WORDS: Record<FulfillmentStatus, string> = {
  FULFILLED: 'Fulfilled',
  PARTIALLY_FULFILLED: 'Partially fulfilled',
  UNFULFILLED: 'Unfulfilled',
  IN_PROGRESS: 'In progress',
  ON_HOLD: 'On hold',
  SCHEDULED: 'Scheduled',
  RESTOCKED: 'Restocked',
  PENDING_FULFILLMENT: 'Pending fulfillment',
  OPEN: 'Open',
  REQUEST_DECLINED: 'Fulfillment declined',
};

/**
 * The one status an agent needs first: cancellation beats money beats shipping, because an agent answering
 * "where is my order?" must not miss that it was cancelled or refunded.
 */
export function orderStatus(cancelledAt: string | null, financial: FinancialStatus | null, fulfillment: FulfillmentStatus | null): string {
  if (cancelledAt) return 'Cancelled';
  const money = financial ? FINANCIAL_WORDS[financial] : undefined;
  if (money) return money;
  if (fulfillment) return FULFILLMENT_WORDS[fulfillment];
  return 'Paid';
}

/** A line item's state from its quantities: what was refunded, then what was shipped. */
export function lineItemStatus(li: Pick<ProfileLineItemFragment, 'quantity' | 'currentQuantity' | 'unfulfilledQuantity'>): string {
  if (li.currentQuantity === 0) return 'Refunded';
  if (li.currentQuantity < li.quantity) return 'Partially refunded';
  if (li.unfulfilledQuantity === 0) return 'Fulfilled';
  if (li.unfulfilledQuantity < li.currentQuantity) return 'Partially fulfilled';
  return 'Unfulfilled';
}
