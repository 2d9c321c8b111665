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

/** Most line items one refund may name (Shopify's input-array limit). */
export const MAX_REFUND_LINES = 250;
/** Largest usageLimit a support-desk discount may have. */
export const MAX_USAGE_LIMIT = 1000;
const MAX_NOTE = 1000;
/**
 * Largest amount any money input may have, in any currency: large enough for currencies with small units (a
 * 2 000 000 VND voucher is about 80 USD), far below where a typo like 999999999999.999 would be taken at its word.
 */
export const MAX_AMOUNT = '100000000.00';
/** Decimals a money input may have (Shopify rounds more away silently; we refuse instead). */
export const MAX_AMOUNT_DECIMALS = 2;
/** Longest discount code Shopify accepts. */
export const MAX_CODE_LENGTH = 255;
const AMOUNT_SHAPE = /^\d{1,20}(\.\d{1,20})?$/;
const CURRENCY = /^[A-Z]{3}$/;
/** Anything that does not print as itself: controls, format (zero-width, bidi, BOM), surrogates, private use, unassigned, spaces. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Z}\s]/u;
/** In free text: controls other than tab and line breaks, and the bidirectional marks that reorder what staff read. */
const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]|\p{Cs}/u;

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
    firstMatch(value, UNSAFE_IN_TEXT) === null &&
    !/[\t\n\r]/.test(value)
  );
}

/** The idempotency key: 1 to 255 printable characters, used as given (it is opaque to us, but it is stored and logged). */
export function requireIdempotencyKey(value: string): string {
  if (!isIdempotencyKey(value)) {
    const found = typeof value === 'string' ? (firstMatch(value, /[\t\n\r]/) ?? firstMatch(value, UNSAFE_IN_TEXT)) : null;
    throw new BadInputError(
      'input.idempotencyKey',
      `must be 1 to 255 printable characters (a UUID per action is a good choice)${found ? `, found ${found}` : ''}`,
    );
  }
  return value;
}

/** Refuses text with control or bidirectional characters (tabs and line breaks are fine in notes). */
export function requireSafeText(value: string, field: string): string {
  const found = firstMatch(value, UNSAFE_IN_TEXT);
  if (found) throw new BadInputError(field, `must not contain control or bidirectional characters, found ${found}`);
  return value;
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

/** An ISO 4217 code as the input wrote it (absent stays absent). */
function optionalCurrency(value: string | null | undefined, field: string): string | undefined {
  if (value == null) return undefined;
  if (!CURRENCY.test(value))
    throw new BadInputError(
      field,
      `must be an ISO 4217 code of three capital letters such as "USD", got ${JSON.stringify(value.slice(0, 20))}`,
    );
  return value;
}

/** Compares two non-negative decimal strings exactly (no floats): negative, zero or positive like a comparator. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(scale, '0'));
  const y = BigInt(bi + bf.padEnd(scale, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A money input: more than 0, at most MAX_AMOUNT, at most 2 decimals (never rounded for the agent). */
export function positiveAmount(value: string, field: string): string {
  const v = value.trim();
  if (!AMOUNT_SHAPE.test(v))
    throw new BadInputError(field, `must be a decimal string like "10.00", got ${JSON.stringify(value.slice(0, 40))}`);
  const decimals = v.split('.')[1]?.length ?? 0;
  if (compareDecimal(v, '0') <= 0 || compareDecimal(v, MAX_AMOUNT) > 0 || decimals > MAX_AMOUNT_DECIMALS) {
    throw new BadInputError(
      field,
      `must be more than 0 and at most ${MAX_AMOUNT}, with at most ${MAX_AMOUNT_DECIMALS} decimals, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v.length > max) throw new BadInputError(field, `must be at most ${max} characters`);
  requireSafeText(v, field);
  return v === '' ? null : v;
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
    staffNote: optionalText(input.staffNote, 'input.staffNote', MAX_NOTE),
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
    note: optionalText(input.note, 'input.note', MAX_NOTE),
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
  const code = input.code == null ? null : requireCode(input.code.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, ''), 'input.code');
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
