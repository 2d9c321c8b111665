/**
 * What the agent actions (../actions/) and their Shopify gateways (../shopify/order-actions.ts,
 * ../shopify/discounts.ts) say to each other: plain shapes, so the actions decide what to send and how to read the
 * answer without ever seeing an Admin API type.
 */
import type { FulfillmentStatus, Money } from './model.js';

/** A user error as Shopify wrote it: the field path is Shopify's (the action translates it to the agent's input). */
export interface ShopifyUserError {
  field?: ReadonlyArray<string> | null;
  message: string;
  /** absent where Shopify's error type has no code (refundCreate's) */
  code?: string | null;
}

/** A line item as the checks before a refund see it. */
export interface CheckedLineItem {
  id: string;
  refundableQuantity: number;
  unfulfilledQuantity: number;
}

/** What the checks before an action know of an order, and no more. */
export interface CheckedOrder {
  id: string;
  cancelledAt: string | null;
  currencyCode: string;
  /** the currency the buyer paid in, in which Shopify refunds */
  presentmentCurrencyCode: string;
  customerId: string | null;
  /** null when not asked for; hasNextPage when the order has more line items than were read */
  lineItems: { nodes: CheckedLineItem[]; hasNextPage: boolean } | null;
}

/** How a refunded unit goes back to stock: not at all, cancelled before shipping, or returned. */
export type RestockType = 'NO_RESTOCK' | 'CANCEL' | 'RETURN';

/** One line item of a refund. */
export interface RefundLine {
  lineItemId: string;
  quantity: number;
  restockType: RestockType;
}

/** What to ask Shopify's suggestedRefund for. */
export interface RefundQuestion {
  orderId: string;
  lines: RefundLine[];
  /** the order's whole remaining shipping */
  refundShipping: boolean;
  /** this much shipping, in the order's presentment currency */
  shippingAmount: string | null;
  allocation: 'STORE_CREDIT' | 'ORIGINAL_PAYMENT_METHODS';
}

/** A transaction Shopify suggests to move the refund's money back. */
export interface SuggestedTransaction {
  parentId: string | null;
  gateway: string | null;
  /** in the order's presentment currency */
  amount: string;
}

/** Shopify's suggested refund; amounts in the order's presentment currency unless named otherwise. */
export interface RefundSuggestion {
  amount: Money;
  /** the same amount in the shop's currency */
  shopAmount: Money;
  /** the shipping still refundable */
  maxShipping: Money;
  /** where Shopify would restock each suggested line item */
  locations: Array<{ lineItemId: string; locationId: string | null }>;
  transactions: SuggestedTransaction[];
  /** the amount per suggested refund method (store credit when allocated to it) */
  refundMethodAmounts: Money[];
}

/** What refundCreate answered. */
export interface RefundCreated {
  /** total in the shop's currency */
  refund: { id: string; total: Money } | null;
  userErrors: ShopifyUserError[];
}

/** The orderCancel arguments. */
export interface OrderCancelArgs {
  orderId: string;
  reason: string;
  restock: boolean;
  refundMethod: { originalPaymentMethodsRefund: boolean } | { storeCreditRefund: Record<string, never> };
  notifyCustomer: boolean;
  staffNote: string | null;
}

/** What orderCancel answered: the background job that cancels, or why not. */
export interface OrderCancelAnswer {
  jobId: string | null;
  userErrors: ShopifyUserError[];
}

/** Whether a customer exists, and the shop's currency (discount amounts are in it). */
export interface CustomerCheck {
  exists: boolean;
  shopCurrency: string;
}

/** A discount's value as Shopify stores it: a fraction (0.15 for 15 %) or a fixed amount. */
export type DiscountValue = { percentage: number } | { amount: Money };

/** A code discount as Shopify shows it; `basic` is null for kinds other than a basic code discount. */
export interface ShopifyDiscount {
  id: string;
  basic: {
    title: string;
    endsAt: string | null;
    usageLimit: number | null;
    /** its first code */
    code: string | null;
    /** null for value kinds we do not create */
    value: DiscountValue | null;
  } | null;
}

/** What discountCodeBasicCreate answered. */
export interface DiscountCreated {
  discount: ShopifyDiscount | null;
  userErrors: ShopifyUserError[];
}

/** What the checks before an order edit (note, tags, shipping address) know of the order, and no more. */
export interface EditCheckedOrder {
  id: string;
  cancelledAt: string | null;
  fulfillmentStatus: FulfillmentStatus | null;
  /** as Shopify keeps them */
  tags: string[];
  customerId: string | null;
}
