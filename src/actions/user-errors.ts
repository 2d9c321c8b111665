/** Shopify's refusals (userErrors) as our payloads show them: field paths in the agent's input, always a code. */
import type { ShopifyUserError } from '../domain/actions.js';
import type { UserError } from './idempotency.js';

/** The code of a Shopify user error that has none (refundCreate's UserError has no `code` field): stable, documented in the SDL. */
export const SHOPIFY_USER_ERROR = 'SHOPIFY_USER_ERROR';

/**
 * Shopify's userErrors with their field paths translated to ours (`["refundLineItems","0","quantity"]` →
 * `["input","lineItems","0","quantity"]`). A path into something the agent did not send (e.g. the transactions we
 * computed) has no input field: it becomes null, and the message still says what Shopify refused. Every error gets
 * a code, so clients can branch on it: Shopify's own, else SHOPIFY_USER_ERROR.
 */
export function toUserErrors(errors: ReadonlyArray<ShopifyUserError>, fieldMap: Record<string, string | null>): UserError[] {
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
