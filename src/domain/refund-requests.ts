/**
 * Refund requests: refunds above the asking agent's limit, held until an approver decides (../actions/ approves and
 * rejects them, ../store/ keeps them). Plain shapes, no Shopify type.
 */
import type { Money } from './model.js';
import type { StoreHandle } from './stores.js';

/** Where a request stands; EXPIRED is a pending request past its expiry (computed on read, never missed). */
export type RefundRequestStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'EXPIRED' | 'FAILED';

/** One line item a request asks to refund. */
export interface RefundRequestLine {
  lineItemId: string;
  quantity: number;
  restock: boolean;
}

/**
 * What a request asks Shopify to refund, exactly as the requester's refundOrder input said it (validated): kept with the
 * request so an approval prepares the same refund again against the order as it is then.
 */
export interface RefundAsk {
  /** null: every line item still refundable */
  lineItems: RefundRequestLine[] | null;
  /** null: no shipping; an amount is in currencyCode (absent: the shop's currency) */
  shipping: { full: true } | { amount: string; currencyCode?: string } | null;
  note: string | null;
  notifyCustomer: boolean;
  toStoreCredit: boolean;
}

/** A refund request as the contract shows it (ShopifyRefundRequest). */
export interface RefundRequestModel {
  id: string;
  store: StoreHandle;
  orderId: string;
  customerId: string | null;
  status: RefundRequestStatus;
  requestedBy: string;
  /** ISO 8601 */
  requestedAt: string;
  expiresAt: string;
  /** what Shopify computed the refund to be when asked, in the shop's currency */
  amount: Money;
  /** the requester's limit it was above, in the shop's currency */
  limit: Money;
  /** null: every line item still refundable */
  lineItems: RefundRequestLine[] | null;
  shippingFull: boolean;
  shippingAmount: Money | null;
  note: string | null;
  toStoreCredit: boolean;
  notifyCustomer: boolean;
  decidedBy: string | null;
  decidedAt: string | null;
  rejectionReason: string | null;
  refund: { id: string; total: Money } | null;
  errorCode: string | null;
}
