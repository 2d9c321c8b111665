/**
 * What the three order edits (./note.ts, ./tags.ts, ./address.ts) share: their outcome, their Shopify gateway, the
 * order check before each, and how Shopify's refusals map to the agent's input.
 *
 * None of Shopify's edit mutations (orderUpdate, tagsAdd, tagsRemove) takes an idempotency key, but each is idempotent
 * by nature: setting a note or an address to a value, or adding or removing a tag, leaves the order the same however
 * often it is sent. So after a lost answer the written-ahead request is simply sent again (reconcile → null), and the
 * gateway marks them replay-safe. The one cost: a resend overwrites a note or address someone else set in between.
 */
import type { ActingContext } from '../context.js';
import { BadInputError } from '../errors.js';
import type { EditCheckedOrder, ShopifyUserError } from '../domain/actions.js';
import { orderEditsGateway, type OrderEditsGateway } from '../shopify/order-edits.js';
import type { Outcome, UserError } from './idempotency.js';
import { toUserErrors } from './user-errors.js';

/** What an edit ended with: whose order it was (audit, cache invalidation) and Shopify's refusals (empty when done). */
export interface EditOutcome extends Outcome {
  orderId: string;
  customerId: string | null;
}

/** The order-edits gateway over the client of the store this request acts in. */
export function editGateway(ctx: ActingContext): OrderEditsGateway {
  return orderEditsGateway(ctx.acting.shopify);
}

/** Reads what the edit checks need of the order the input names, or BAD_USER_INPUT on input.orderId when there is none. */
export async function requireEditOrder(ctx: ActingContext, id: string): Promise<EditCheckedOrder> {
  const order = await editGateway(ctx).checkOrder(id);
  if (!order) throw new BadInputError('input.orderId', 'this store has no order with this id');
  return order;
}

/**
 * Shopify's refusals with their paths in the agent's input (`["shippingAddress","province"]` →
 * `["input","address","provinceCode"]`, `["id"]` → `["input","orderId"]`): only names our input has (./user-errors.ts);
 * a leading `input` (the argument's own name) is dropped first. Shopify's UserError of these mutations has no code:
 * each gets SHOPIFY_USER_ERROR.
 */
export function editUserErrors(errors: readonly ShopifyUserError[], fields: Record<string, string>): UserError[] {
  const relative = errors.map((e) => (e.field?.[0] === 'input' ? { ...e, field: e.field.slice(1) } : e));
  return toUserErrors(relative, { id: 'orderId', ...fields });
}

/** The outcome of an edit the order's state refused (NotPossibleNowError): the refusal as its one user error. */
export function refusedEdit(req: { orderId: string }, userError: UserError): EditOutcome {
  return { orderId: req.orderId, customerId: null, userErrors: [userError] };
}

/** The cache entries an edit changed: the order, and its customer's (whose cached bundle holds the order). */
export function editChanged(o: EditOutcome): { orderIds: string[]; customerIds: string[] } {
  return { orderIds: [o.orderId], customerIds: o.customerId ? [o.customerId] : [] };
}
