/**
 * Orders for the actions: the checks before a mutation and the fresh order every payload returns, read through the
 * order-actions gateway (which maps it with the profile's own mapper, so it reads exactly like CustomerProfile.orders).
 */
import type { RequestContext } from '../context.js';
import { BadInputError } from '../errors.js';
import type { CheckedOrder } from '../domain/actions.js';
import type { OrderModel } from '../domain/model.js';
import { orderActionsGateway, type OrderActionsGateway } from '../shopify/order-actions.js';

/** The order-actions gateway over this request's store client. */
export function orderGateway(ctx: RequestContext): OrderActionsGateway {
  return orderActionsGateway(ctx.deps.shopify);
}

/** Reads what the checks need of an order the input names, or BAD_USER_INPUT on input.orderId when the store has none. */
export async function requireOrder(ctx: RequestContext, id: string, withLineItems: boolean): Promise<CheckedOrder> {
  const order = await orderGateway(ctx).checkOrder(id, withLineItems);
  if (!order) throw new BadInputError('input.orderId', 'this store has no order with this id');
  return order;
}

/** The order as a payload shows it (the profile's shape and mapper), read fresh after the action; null if it is gone. */
export async function payloadOrder(ctx: RequestContext, id: string): Promise<OrderModel | null> {
  return orderGateway(ctx).readOrder(id);
}
