/**
 * Reading orders for the actions: the checks before a mutation, and the fresh order every payload returns (mapped
 * by the profile's own mapper, so it reads exactly like CustomerProfile.orders).
 */
import type { RequestContext } from '../context.js';
import { BadInputError } from '../errors.js';
import { toOrder } from '../shopify/mappers.js';
import type { OrderModel } from '../domain/model.js';
import type { ActionOrderCheckQuery, ActionOrderQuery, ActionOrderQueryVariables } from '../shopify/__generated__/admin.js';
import { costOf } from '../shopify/pack.js';
import type { UserError } from './idempotency.js';
import { ACTION_LINE_ITEMS_FIRST, ACTION_ORDER, ACTION_ORDER_CHECK } from './operations.js';

export type CheckedOrder = NonNullable<ActionOrderCheckQuery['order']>;

/** Reads what the checks need of an order the input names, or BAD_USER_INPUT on input.orderId when the store has none. */
export async function requireOrder(ctx: RequestContext, id: string, withLineItems: boolean): Promise<CheckedOrder> {
  const variables = { id, withLineItems, lineItemsFirst: ACTION_LINE_ITEMS_FIRST };
  const { data } = await ctx.deps.shopify.request<ActionOrderCheckQuery>(ACTION_ORDER_CHECK, variables, {
    operationName: 'ActionOrderCheck',
    estimatedCost: costOf(ACTION_ORDER_CHECK, variables),
  });
  if (!data.order) throw new BadInputError('input.orderId', 'this store has no order with this id');
  return data.order;
}

/** The order as a payload shows it (the profile's shape and mapper), read fresh after the action; null if it is gone. */
export async function payloadOrder(ctx: RequestContext, id: string): Promise<OrderModel | null> {
  const variables: ActionOrderQueryVariables = { id, withLineItems: true, lineItemsFirst: ACTION_LINE_ITEMS_FIRST, withTracking: true, withLocation: true };
  const { data } = await ctx.deps.shopify.request<ActionOrderQuery>(ACTION_ORDER, variables, {
    operationName: 'ActionOrder',
    estimatedCost: costOf(ACTION_ORDER, variables),
  });
  return data.order ? toOrder(data.order, ctx.deps.shopify.endpoint) : null;
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
  errors: ReadonlyArray<{ field?: ReadonlyArray<string> | null; message: string; code?: string | null }>,
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
