/**
 * Input checks that need nothing but the input: shapes, ranges, GIDs, exactly-one-of rules. They run before any
 * Shopify request or idempotency claim, so a rejected input costs nothing and a corrected retry may reuse its key
 * (a rejected input never claims the key). Checks that need the order (refundable quantities, already cancelled)
 * live with each action. Every failure is BAD_USER_INPUT naming the field as the client wrote it.
 */
import { BadInputError } from '../errors.js';
import type {
  ShopifyCancelOrderInput,
  ShopifyCancelReason,
  ShopifyCreateDiscountInput,
  ShopifyRefundOrderInput,
} from '../__generated__/resolvers.js';
import { parseDateTime } from '../scalars.js';
import { hasProfileIdLength, PROFILE_ID_LENGTH_RULE, requireGid } from '../domain/ids.js';
import { requireIntInRange } from '../domain/numbers.js';
import { optionalCurrency, positiveAmount } from './money-input.js';

// Their home is ./money-input.ts; still exported here for the modules that import them from here.
export { compareDecimal, MAX_AMOUNT, MAX_AMOUNT_DECIMALS } from './money-input.js';

/** Most line items one refund may name (Shopify's input-array limit). */
export const MAX_REFUND_LINES = 250;
/** Largest usageLimit a support-desk discount may have. */
export const MAX_USAGE_LIMIT = 1000;
const MAX_NOTE = 1000;
/** Longest discount code Shopify accepts. */
export const MAX_CODE_LENGTH = 255;
/** Anything that does not print as itself: controls, format (zero-width, bidi, BOM), surrogates, private use, unassigned, spaces. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Z}\s]/u;
/**
 * In an idempotency key: controls other than tab and line breaks (refused apart), and the bidirectional marks. Kept
 * as it was when keys were first stored: a wider rule would refuse the retry of a request already made.
 */
const UNSAFE_IN_KEY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;
/**
 * What free text refuses: controls (Cc), format characters (Cf: bidirectional marks, zero-width spaces, the BOM,
 * invisible tag characters), lone surrogates (Cs), and the line and paragraph separators, which UIs break lines at
 * or not as they please. ZWNJ and ZWJ are the exceptions: Persian and Indic spelling and emoji sequences need them.
 */
const UNSAFE_ONE_LINE = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;
/** The same, with tab, LF and CR allowed: the line breaks a text box types. */
const UNSAFE_MULTILINE = /(?![\t\n\r\u200C\u200D])[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;
/** The format characters that reorder text (Trojan Source): named as bidirectional in messages, like controls. */
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** Blanks trimmed around free text: what a paste or a text box adds. Anything invisible is refused, not hidden. */
const SURROUNDING_BLANKS = /^[ \t\r\n]+|[ \t\r\n]+$/g;

export interface CancelRequest {
  idempotencyKey: string;
  orderId: string;
  reason: ShopifyCancelReason;
  /** where the money goes: null = no refund */
  refundTo: 'original' | 'store_credit' | null;
  restock: boolean;
  notifyCustomer: boolean;
  staffNote: string | null;
}

export interface RefundLineRequest {
  lineItemId: string;
  quantity: number;
  restock: boolean;
}

export interface RefundRequest {
  idempotencyKey: string;
  orderId: string;
  /** null = every line item with a refundable quantity */
  lineItems: RefundLineRequest[] | null;
  /** null = no shipping, whatever lineItems says; an amount is in currencyCode (absent = the shop's currency) */
  shipping: { full: true } | { amount: string; currencyCode?: string } | null;
  note: string | null;
  notifyCustomer: boolean;
  toStoreCredit: boolean;
}

export interface DiscountRequest {
  idempotencyKey: string;
  target: { customerId: string } | { profileId: string };
  value: { percentage: number } | { amount: string };
  /** null = generate one */
  code: string | null;
  endsAt: string | null;
  usageLimit: number;
  minimumSubtotal: string | null;
  /** the currency the input named for amount and minimumSubtotal; absent = the shop's */
  currencyCode?: string;
}

/** U+XXXX of the first character matching `pattern`, or null. */
function firstMatch(value: string, pattern: RegExp): string | null {
  const m = pattern.exec(value);
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/** True for a usable idempotency key: 1 to 255 characters, not blank, nothing unprintable but spaces. */
export function isIdempotencyKey(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= 255 &&
    value.trim() !== '' &&
    firstMatch(value, UNSAFE_IN_KEY) === null &&
    !/[\t\n\r]/.test(value)
  );
}

/** The idempotency key: 1 to 255 printable characters, used as given (it is opaque to us, but it is stored and logged). */
export function requireIdempotencyKey(value: string): string {
  if (!isIdempotencyKey(value)) {
    const found = typeof value === 'string' ? (firstMatch(value, /[\t\n\r]/) ?? firstMatch(value, UNSAFE_IN_KEY)) : null;
    throw new BadInputError(
      'input.idempotencyKey',
      `must be 1 to 255 printable characters (a UUID per action is a good choice)${found ? `, found ${found}` : ''}`,
    );
  }
  return value;
}

/** How one free-text field is checked by freeText(). */
export interface FreeTextRule {
  /** Most characters, counted in code points: an emoji is one character, as people count, not two UTF-16 units. */
  max: number;
  /** Whether tabs and line breaks may appear inside (a note), or the text is one line (an address line, a reason). */
  multiline: boolean;
  /** Whether a blank text is refused ("must be 1 to max characters, got 0") instead of read as null. */
  required?: boolean;
}

/**
 * The one check of free text an agent types (notes, reasons, address lines): surrounding ASCII blanks trimmed; blank
 * is null (or refused when required); at most `rule.max` code points; no control, format (bidirectional, zero-width,
 * BOM) or lone-surrogate character, nor a line break unless `rule.multiline`. BAD_USER_INPUT names the field, the
 * rule and the length or the code point found, never the text.
 */
export function freeText(value: string | null | undefined, field: string, rule: FreeTextRule & { required: true }): string;
export function freeText(value: string | null | undefined, field: string, rule: FreeTextRule): string | null;
export function freeText(value: string | null | undefined, field: string, rule: FreeTextRule): string | null {
  const text = (value ?? '').replace(SURROUNDING_BLANKS, '');
  const length = [...text].length;
  if (rule.required && (length < 1 || length > rule.max))
    throw new BadInputError(field, `must be 1 to ${rule.max} characters, got ${length}`);
  if (length > rule.max) throw new BadInputError(field, `must be at most ${rule.max} characters, got ${length}`);
  if (text === '') return null;
  return refuseUnsafe(text, field, rule.multiline);
}

/** Refuses text with control, format or bidirectional characters (tabs and line breaks are fine, as in notes). */
export function requireSafeText(value: string, field: string): string {
  return refuseUnsafe(value, field, true);
}

/** The text itself, or BAD_USER_INPUT naming the first character free text refuses (see UNSAFE_ONE_LINE). */
function refuseUnsafe(text: string, field: string, multiline: boolean): string {
  const bad = (multiline ? UNSAFE_MULTILINE : UNSAFE_ONE_LINE).exec(text)?.[0];
  if (bad === undefined) return text;
  const found = `U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  // Controls and bidirectional marks keep the words the contract documents; other format characters are named apart.
  if (/\p{Cf}/u.test(bad) && !BIDI.test(bad))
    throw new BadInputError(field, `must not contain invisible format characters, found ${found}`);
  const kinds = multiline ? 'control or bidirectional' : 'control, line-break or bidirectional';
  throw new BadInputError(field, `must not contain ${kinds} characters, found ${found}`);
}

/** A discount code: 1 to 255 characters, each printing as itself (no spaces, controls, invisible or bidi characters). */
export function requireCode(value: string, field: string): string {
  const problem = 'must be 1 to 255 printable characters without spaces, control, invisible or bidirectional characters';
  const found = firstMatch(value, UNPRINTABLE);
  if (found) throw new BadInputError(field, `${problem}, found ${found}`);
  const length = [...value].length;
  if (length < 1 || length > MAX_CODE_LENGTH) throw new BadInputError(field, `${problem}, got ${length} characters`);
  return value;
}

/** Checks a cancelOrder input. */
export function parseCancel(input: ShopifyCancelOrderInput): CancelRequest {
  const idempotencyKey = requireIdempotencyKey(input.idempotencyKey);
  const orderId = requireGid(input.orderId, 'Order', 'input.orderId');
  const toStoreCredit = input.refundToStoreCredit ?? false;
  if (toStoreCredit && !input.refund) {
    throw new BadInputError('input.refundToStoreCredit', 'needs refund: true (there is no money to send to store credit otherwise)');
  }
  return {
    idempotencyKey,
    orderId,
    reason: input.reason,
    refundTo: !input.refund ? null : toStoreCredit ? 'store_credit' : 'original',
    restock: input.restock,
    notifyCustomer: input.notifyCustomer ?? false,
    staffNote: freeText(input.staffNote, 'input.staffNote', { max: MAX_NOTE, multiline: true }),
  };
}

/** Checks a refundOrder input. */
export function parseRefund(input: ShopifyRefundOrderInput): RefundRequest {
  const idempotencyKey = requireIdempotencyKey(input.idempotencyKey);
  const orderId = requireGid(input.orderId, 'Order', 'input.orderId');
  let lineItems: RefundLineRequest[] | null = null;
  if (input.lineItems) {
    if (input.lineItems.length > MAX_REFUND_LINES)
      throw new BadInputError('input.lineItems', `must name at most ${MAX_REFUND_LINES} line items`);
    const seen = new Set<string>();
    lineItems = input.lineItems.map((line, i) => {
      const at = `input.lineItems[${i}]`;
      const lineItemId = requireGid(line.lineItemId, 'LineItem', `${at}.lineItemId`);
      if (seen.has(lineItemId))
        throw new BadInputError(`${at}.lineItemId`, 'names a line item already listed; give its total quantity once');
      seen.add(lineItemId);
      const quantity = requireIntInRange(line.quantity, 1, Infinity, `${at}.quantity`, 'a whole number');
      return { lineItemId, quantity, restock: line.restock ?? false };
    });
  }
  const shipping = parseShipping(input.shipping);
  if (lineItems !== null && lineItems.length === 0 && shipping === null) {
    throw new BadInputError(
      'input.lineItems',
      'names nothing to refund: list line items, give shipping, or leave lineItems out to refund every line item',
    );
  }
  return {
    idempotencyKey,
    orderId,
    lineItems,
    shipping,
    note: freeText(input.note, 'input.note', { max: MAX_NOTE, multiline: true }),
    notifyCustomer: input.notifyCustomer ?? false,
    toStoreCredit: input.toStoreCredit ?? false,
  };
}

/** The shipping to refund exactly as asked: `full: true`, an amount (in its currency), or none at all. */
function parseShipping(input: ShopifyRefundOrderInput['shipping']): RefundRequest['shipping'] {
  if (!input) return null;
  const { full, amount } = input;
  const currencyCode = optionalCurrency(input.currencyCode, 'input.shipping.currencyCode');
  if (full && amount != null) throw new BadInputError('input.shipping', 'give either full: true or an amount, not both');
  if (currencyCode && amount == null)
    throw new BadInputError('input.shipping.currencyCode', 'names the currency of amount; give it only with amount');
  if (full) return { full: true };
  if (amount == null) return null;
  return { amount: positiveAmount(amount, 'input.shipping.amount'), ...(currencyCode ? { currencyCode } : {}) };
}

/** Checks a createDiscount input; `now` (ms) decides whether endsAt is in the future. */
export function parseDiscount(input: ShopifyCreateDiscountInput, now: number): DiscountRequest {
  const idempotencyKey = requireIdempotencyKey(input.idempotencyKey);
  let target: DiscountRequest['target'];
  if (exactlyOneOf(input, 'customerId', 'profileId') === 'customerId') {
    target = { customerId: requireGid(input.customerId!, 'Customer', 'input.customerId') };
  } else {
    const profileId = input.profileId!.trim();
    // The discount's own character rule (requireSafeText) stays: its message is part of the contract.
    if (!hasProfileIdLength(profileId)) throw new BadInputError('input.profileId', PROFILE_ID_LENGTH_RULE);
    requireSafeText(profileId, 'input.profileId');
    target = { profileId };
  }

  let value: DiscountRequest['value'];
  if (exactlyOneOf(input, 'percentage', 'amount') === 'percentage') {
    const p = input.percentage!;
    if (!Number.isFinite(p) || p <= 0 || p > 100)
      throw new BadInputError('input.percentage', `must be more than 0 and at most 100, got ${p}`);
    value = { percentage: p };
  } else {
    value = { amount: positiveAmount(input.amount!, 'input.amount') };
  }
  // Only pasted ASCII blanks are trimmed: String.trim would also drop a BOM or NBSP, which must be refused, not hidden.
  const code = input.code == null ? null : requireCode(input.code.replace(SURROUNDING_BLANKS, ''), 'input.code');
  const endsAt = input.endsAt == null ? null : futureDateTime(input.endsAt, 'input.endsAt', now);

  const usageLimit = requireIntInRange(input.usageLimit ?? 1, 1, MAX_USAGE_LIMIT, 'input.usageLimit', 'a whole number');
  const minimumSubtotal = input.minimumSubtotal == null ? null : positiveAmount(input.minimumSubtotal, 'input.minimumSubtotal');
  const currencyCode = optionalCurrency(input.currencyCode, 'input.currencyCode');
  return { idempotencyKey, target, value, code, endsAt, usageLimit, minimumSubtotal, ...(currencyCode ? { currencyCode } : {}) };
}

/**
 * Which of two alternative input fields is set; BAD_USER_INPUT when both or neither are (naming the second when both
 * are, the first when neither is).
 */
function exactlyOneOf<K extends string>(input: Partial<Record<K, unknown>>, first: K, second: K): K {
  const hasFirst = input[first] != null;
  if (hasFirst === (input[second] != null)) {
    throw new BadInputError(hasFirst ? `input.${second}` : `input.${first}`, `give exactly one of ${first} or ${second}`);
  }
  return hasFirst ? first : second;
}

/** A DateTime input (already checked by the scalar when it came through GraphQL) after `now`, normalized to UTC. */
function futureDateTime(value: string, field: string, now: number): string {
  try {
    parseDateTime(value);
  } catch (error) {
    throw new BadInputError(field, (error as Error).message);
  }
  const ms = Date.parse(value);
  if (ms <= now) throw new BadInputError(field, 'must be in the future');
  return new Date(ms).toISOString();
}
