/**
 * The createReplacementOrder input checks that need nothing but the input (like ./validate.ts for the first three
 * actions): they run before any Shopify call or idempotency claim, so a refused input costs nothing and never uses up
 * its key. Checks against the order (shipped quantities, variants, its address) live in ./replacement.ts.
 */
import type { ShopifyCreateReplacementOrderInput } from '../__generated__/resolvers.js';
import { requireGid } from '../domain/ids.js';
import type { MailingAddress } from '../domain/model.js';
import { requireIntInRange } from '../domain/numbers.js';
import { BadInputError } from '../errors.js';
import { parseAddressInput } from './address-input.js';
import { freeText, requireIdempotencyKey } from './validate.js';

/** Most line items one replacement may name. */
export const MAX_REPLACEMENT_LINES = 100;
/** Longest reason, in characters. */
export const MAX_REASON = 1000;

/** A checked createReplacementOrder input. */
export interface ReplacementRequest {
  idempotencyKey: string;
  orderId: string;
  /** in the order given, each line item once */
  lineItems: Array<{ lineItemId: string; quantity: number }>;
  /** null = ship to the original order's address */
  shippingAddress: MailingAddress | null;
  /** null when none was given (or it was blank) */
  reason: string | null;
}

/** Checks a createReplacementOrder input; BAD_USER_INPUT naming the first bad field. */
export function parseReplacement(input: ShopifyCreateReplacementOrderInput): ReplacementRequest {
  const idempotencyKey = requireIdempotencyKey(input.idempotencyKey);
  const orderId = requireGid(input.orderId, 'Order', 'input.orderId');
  const lines = input.lineItems;
  if (lines.length < 1 || lines.length > MAX_REPLACEMENT_LINES)
    throw new BadInputError('input.lineItems', `must name 1 to ${MAX_REPLACEMENT_LINES} line items, got ${lines.length}`);
  const seen = new Set<string>();
  const lineItems = lines.map((line, i) => {
    const at = `input.lineItems[${i}]`;
    const lineItemId = requireGid(line.lineItemId, 'LineItem', `${at}.lineItemId`);
    if (seen.has(lineItemId)) throw new BadInputError(`${at}.lineItemId`, 'names a line item already listed; give its total quantity once');
    seen.add(lineItemId);
    return { lineItemId, quantity: requireIntInRange(line.quantity, 1, Infinity, `${at}.quantity`, 'a whole number') };
  });
  return {
    idempotencyKey,
    orderId,
    lineItems,
    shippingAddress: input.shippingAddress == null ? null : parseAddressInput(input.shippingAddress, 'input.shippingAddress'),
    reason: parseReason(input.reason),
  };
}

/** The reason as free text on one line (it is one line of the new order's note); null when left out or blank. */
function parseReason(value: string | null | undefined): string | null {
  return freeText(value, 'input.reason', { max: MAX_REASON, multiline: false });
}
