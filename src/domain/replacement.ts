/**
 * What the replacement-order action (../actions/replacement.ts) and its Shopify gateway
 * (../shopify/replacement-orders.ts) say to each other: the original order as the checks see it, the draft order to
 * create, and the draft as Shopify shows it afterwards. Plain shapes: no Admin API type crosses this line.
 */
import type { ShopifyUserError } from './actions.js';
import type { FulfillmentStatus, MailingAddress } from './model.js';

/** A line item of the original order, as the checks before a replacement see it. */
export interface ReplaceableLine {
  id: string;
  /** null for a custom line item, or when the product (variant) was deleted: such a line cannot be ordered again */
  variantId: string | null;
  quantity: number;
  unfulfilledQuantity: number;
}

/** The original order, as the checks before a replacement see it (personal data: never logged). */
export interface ReplaceableOrder {
  id: string;
  /** the order's name as Shopify shows it, e.g. `#1001` */
  name: string;
  cancelledAt: string | null;
  fulfillmentStatus: FulfillmentStatus | null;
  customerId: string | null;
  /** where it shipped to; null when it has none */
  shippingAddress: MailingAddress | null;
  /** every line item (the gateway reads all pages) */
  lineItems: ReplaceableLine[];
}

/** The draft order to create: the chosen variants, free of charge, for the original customer. */
export interface DraftOrderRequest {
  lineItems: Array<{ variantId: string; quantity: number }>;
  /** an order-level percentage discount (100 makes the draft free) and its title */
  discount: { percentage: number; title: string };
  shippingAddress: MailingAddress;
  /** the purchasing customer; null when the original order has none */
  customerId: string | null;
  note: string;
  tags: string[];
}

/** Where a draft order is: still open (or its invoice sent), or completed into an order. */
export type DraftStatus = 'OPEN' | 'INVOICE_SENT' | 'COMPLETED';

/** A draft order as Shopify shows it. */
export interface DraftOrderState {
  id: string;
  status: DraftStatus;
  tags: string[];
  /** the order it was completed into; null while open */
  orderId: string | null;
}

/** What draftOrderCreate or draftOrderComplete answered: the draft (null when refused) and Shopify's userErrors. */
export interface DraftAnswer {
  draft: DraftOrderState | null;
  userErrors: ShopifyUserError[];
}
