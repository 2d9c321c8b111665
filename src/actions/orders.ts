/**
 * Reading orders for the actions: the checks before a mutation, and the fresh order every payload returns (mapped
 * by the profile's own mapper, so it reads exactly like CustomerProfile.orders).
 */
import type { RequestContext } from '../context.js';
import { BadInputError } from '../errors.js';
import { toOrder } from '../profile/mappers.js';
import type { OrderModel } from '../profile/model.js';
import type { ActionOrderQuery, ActionOrderQueryVariables } from '../shopify/__generated__/admin.js';
import { costOf } from '../shopify/pack.js';
import type { UserError } from './idempotency.js';
import { ACTION_LINE_ITEMS_FIRST, ACTION_ORDER } from './operations.js';

export type ActionOrder = NonNullable<ActionOrderQuery['order']>;

/** Reads an order (with its line items when asked); null when this store has no such order. */
export async function readOrder(ctx: RequestContext, id: string, withLineItems: boolean): Promise<ActionOrder | null> {
  const variables: ActionOrderQueryVariables = {
    id,
    withLineItems,
    lineItemsFirst: ACTION_LINE_ITEMS_FIRST,
    withTracking: true,
    withLocation: true,
  };
  const { data } = await ctx.deps.shopify.request<ActionOrderQuery>(ACTION_ORDER, variables, {
    operationName: 'ActionOrder',
    estimatedCost: costOf(ACTION_ORDER, variables),
  });
  return data.order;
}

/** Reads an order that the input names, or BAD_USER_INPUT on input.orderId when the store has none. */
export async function requireOrder(ctx: RequestContext, id: string, withLineItems: boolean): Promise<ActionOrder> {
  const order = await readOrder(ctx, id, withLineItems);
  if (!order) throw new BadInputError('input.orderId', 'this store has no order with this id');
  return order;
}

/** The order as a payload shows it, read fresh after the action; null if it cannot be read (the action stands). */
export async function payloadOrder(ctx: RequestContext, id: string): Promise<OrderModel | null> {
  const order = await readOrder(ctx, id, true);
  return order ? toOrder(order, ctx.deps.shopify.endpoint) : null;
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

/**
 * Shopify's userErrors with their field paths translated to ours (`["refundLineItems","0","quantity"]` →
 * `["input","lineItems","0","quantity"]`). A path into something the agent did not send (e.g. the transactions we
 * computed) has no input field: it becomes null, and the message still says what Shopify refused.
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
    return { field, message: e.message, code: e.code ?? null };
  });
}
