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
import { requireIdempotencyKey } from './validate.js';

/** Most line items one replacement may name. */
export const MAX_REPLACEMENT_LINES = 100;
/** Longest reason, in characters. */
export const MAX_REASON = 1000;
/** Control characters (line breaks too: the reason is one line of the new order's note) and bidirectional marks. */
const UNSAFE_IN_REASON = /[\p{Cc}\p{Cs}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

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

/** The reason trimmed, at most MAX_REASON characters, one line with no control or bidirectional character. */
function parseReason(value: string | null | undefined): string | null {
  if (value == null) return null;
  const reason = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (reason === '') return null;
  const length = [...reason].length;
  if (length > MAX_REASON) throw new BadInputError('input.reason', `must be at most ${MAX_REASON} characters, got ${length}`);
  const bad = UNSAFE_IN_REASON.exec(reason);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new BadInputError('input.reason', `must not contain control, line-break or bidirectional characters, found U+${code}`);
  }
  return reason;
}
