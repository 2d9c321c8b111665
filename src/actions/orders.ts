/**
 * Orders for the actions: the checks before a mutation and the fresh order every payload returns, read through the
 * order-actions gateway (which maps it with the profile's own mapper, so it reads exactly like CustomerProfile.orders).
 */
import type { ActingContext } from '../context.js';
import { BadInputError } from '../errors.js';
import type { CheckedOrder } from '../domain/actions.js';
import type { OrderModel } from '../domain/model.js';
import { orderActionsGateway, type OrderActionsGateway } from '../shopify/order-actions.js';

/** The order-actions gateway over the client of the store this request acts in. */
export function orderGateway(ctx: ActingContext): OrderActionsGateway {
  return orderActionsGateway(ctx.acting.shopify);
}

/** Reads what the checks need of an order the input names, or BAD_USER_INPUT on input.orderId when the store has none. */
export async function requireOrder(ctx: ActingContext, id: string, withLineItems: boolean): Promise<CheckedOrder> {
  const order = await orderGateway(ctx).checkOrder(id, withLineItems);
  if (!order) throw new BadInputError('input.orderId', 'this store has no order with this id');
  return order;
}

/** The order as a payload shows it (the profile's shape and mapper), read fresh after the action; null if it is gone. */
export async function payloadOrder(ctx: ActingContext, id: string): Promise<OrderModel | null> {
  return orderGateway(ctx).readOrder(id);
}
