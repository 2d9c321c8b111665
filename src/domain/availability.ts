/**
 * Whether an order allows an action now. One rule per action, used both by the read fields
 * (ShopifyOrder.canEditShippingAddress, canReplace) and by the action's own check before it sends anything, so what
 * the UI offers is exactly what the mutation accepts.
 */
import type { FulfillmentStatus } from './model.js';

/** What the rules read of an order. */
export interface OrderState {
  cancelledAt: string | null;
  fulfillmentStatus: FulfillmentStatus | null;
}

/** Fulfillment states in which nothing has been fulfilled nor handed to a fulfiller yet: the address may still change. */
const NOT_STARTED: ReadonlySet<FulfillmentStatus> = new Set(['UNFULFILLED', 'SCHEDULED', 'ON_HOLD', 'OPEN', 'PENDING_FULFILLMENT']);

/** Fulfillment states in which at least one unit has shipped: those units can be replaced. */
const SHIPPED: ReadonlySet<FulfillmentStatus> = new Set(['FULFILLED', 'PARTIALLY_FULFILLED']);

/** Why the shipping address cannot change now (a user error code), or null when it can. */
export function shippingAddressBlock(o: OrderState): 'ORDER_CANCELLED' | 'ORDER_FULFILLED' | null {
  if (o.cancelledAt !== null) return 'ORDER_CANCELLED';
  return o.fulfillmentStatus !== null && NOT_STARTED.has(o.fulfillmentStatus) ? null : 'ORDER_FULFILLED';
}

/** Why the order cannot be replaced now (a user error code), or null when it can. */
export function replacementBlock(o: OrderState): 'ORDER_CANCELLED' | 'NOT_SHIPPED' | null {
  if (o.cancelledAt !== null) return 'ORDER_CANCELLED';
  return o.fulfillmentStatus !== null && SHIPPED.has(o.fulfillmentStatus) ? null : 'NOT_SHIPPED';
}
