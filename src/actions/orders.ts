/**
 * Orders for the actions: the checks before a mutation, the fresh order every payload returns (read through the
 * order-actions gateway, which maps it with the profile's own mapper, so it reads exactly like
 * CustomerProfile.orders), cache invalidation afterwards, and Shopify's user errors translated to our input fields.
 */
import type { RequestContext } from '../context.js';
import { BadInputError } from '../errors.js';
import type { CheckedOrder, ShopifyUserError } from '../domain/actions.js';
import type { OrderModel } from '../domain/model.js';
import { orderActionsGateway, type OrderActionsGateway } from '../shopify/order-actions.js';
import type { UserError } from './idempotency.js';

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

/** Tells caches (and this request's loaders) that our action changed these orders and customers. */
export async function invalidate(ctx: RequestContext, ids: { orderIds?: string[]; customerIds?: string[] }): Promise<void> {
  ctx.loaders.customers.clearAll();
  try {
    await ctx.deps.invalidate?.(ids);
  } catch (error) {
    ctx.logger.warn({ ...ids, err: { message: (error as Error).message } }, 'cache invalidation failed');
  }
}

/** The code of a Shopify user error that has none (refundCreate's UserError has no `code` field): stable, documented in the SDL. */
export const SHOPIFY_USER_ERROR = 'SHOPIFY_USER_ERROR';

/**
 * Shopify's userErrors with their field paths translated to ours (`["refundLineItems","0","quantity"]` →
 * `["input","lineItems","0","quantity"]`). A path into something the agent did not send (e.g. the transactions we
 * computed) has no input field: it becomes null, and the message still says what Shopify refused. Every error gets
 * a code, so clients can branch on it: Shopify's own, else SHOPIFY_USER_ERROR.
 */
export function toUserErrors(
  errors: ReadonlyArray<ShopifyUserError>,
  fieldMap: Record<string, string | null>,
): UserError[] {
  return errors.map((e) => {
    let field: string[] | null = null;
    const path = e.field ? [...e.field] : null;
    if (path && path[0] === 'basicCodeDiscount') path.shift();
    if (path && path.length > 0) {
      const mapped = fieldMap[path[0]!];
      if (mapped) field = ['input', mapped, ...path.slice(1)];
    }
    return { field, message: e.message, code: e.code || SHOPIFY_USER_ERROR };
  });
}
