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
import { requireGid } from '../shopify/gid.js';

/** Most line items one refund may name (Shopify's input-array limit). */
export const MAX_REFUND_LINES = 250;
/** Largest usageLimit a support-desk discount may have. */
export const MAX_USAGE_LIMIT = 1000;
const MAX_NOTE = 1000;
const DECIMAL = /^\d{1,12}(\.\d{1,3})?$/;

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
  /** null = no shipping (unless lineItems is null too: then everything, shipping included) */
  shipping: { full: true } | { amount: string } | null;
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
}

/** The idempotency key: 1 to 255 characters, used as given (it is opaque to us). */
export function requireIdempotencyKey(value: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 255 || value.trim() === '') {
    throw new BadInputError('input.idempotencyKey', 'must be 1 to 255 characters (a UUID per action is a good choice)');
  }
  return value;
}

/** True for a non-negative decimal string such as "12", "12.5" or "12.50". */
export function isDecimal(value: string): boolean {
  return DECIMAL.test(value);
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

function positiveDecimal(value: string, field: string): string {
  const v = value.trim();
  if (!isDecimal(v)) throw new BadInputError(field, `must be a decimal string like "10.00", got ${JSON.stringify(value)}`);
  if (compareDecimal(v, '0') <= 0) throw new BadInputError(field, 'must be more than 0');
  return v;
}

function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v.length > max) throw new BadInputError(field, `must be at most ${max} characters`);
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
    if (input.lineItems.length > MAX_REFUND_LINES) throw new BadInputError('input.lineItems', `must name at most ${MAX_REFUND_LINES} line items`);
    const seen = new Set<string>();
    lineItems = input.lineItems.map((line, i) => {
      const at = `input.lineItems[${i}]`;
      const lineItemId = requireGid(line.lineItemId, 'LineItem', `${at}.lineItemId`);
      if (seen.has(lineItemId)) throw new BadInputError(`${at}.lineItemId`, 'names a line item already listed; give its total quantity once');
      seen.add(lineItemId);
      if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new BadInputError(`${at}.quantity`, `must be a whole number of at least 1, got ${line.quantity}`);
      return { lineItemId, quantity: line.quantity, restock: line.restock ?? false };
    });
  }
  let shipping: RefundRequest['shipping'] = null;
  if (input.shipping) {
    const { full, amount } = input.shipping;
    if (full && amount != null) throw new BadInputError('input.shipping', 'give either full or amount, not both');
    if (full) shipping = { full: true };
    else if (amount != null) shipping = { amount: positiveDecimal(amount, 'input.shipping.amount') };
  }
  if (lineItems !== null && lineItems.length === 0 && shipping === null) {
    throw new BadInputError('input.lineItems', 'names nothing to refund: list line items, give shipping, or leave lineItems out to refund everything');
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

/** Checks a createDiscount input; `now` (ms) decides whether endsAt is in the future. */
export function parseDiscount(input: ShopifyCreateDiscountInput, now: number): DiscountRequest {
  const idempotencyKey = requireIdempotencyKey(input.idempotencyKey);
  const hasCustomer = input.customerId != null;
  const hasProfile = input.profileId != null;
  if (hasCustomer === hasProfile) {
    throw new BadInputError(hasCustomer ? 'input.profileId' : 'input.customerId', 'give exactly one of customerId or profileId');
  }
  let target: DiscountRequest['target'];
  if (hasCustomer) {
    target = { customerId: requireGid(input.customerId!, 'Customer', 'input.customerId') };
  } else {
    const profileId = input.profileId!.trim();
    if (profileId === '' || profileId.length > 200) throw new BadInputError('input.profileId', 'must be a non-empty id of at most 200 characters');
    target = { profileId };
  }

  const hasPercentage = input.percentage != null;
  const hasAmount = input.amount != null;
  if (hasPercentage === hasAmount) {
    throw new BadInputError(hasPercentage ? 'input.amount' : 'input.percentage', 'give exactly one of percentage or amount');
  }
  let value: DiscountRequest['value'];
  if (hasPercentage) {
    const p = input.percentage!;
    if (!Number.isFinite(p) || p <= 0 || p > 100) throw new BadInputError('input.percentage', `must be more than 0 and at most 100, got ${p}`);
    value = { percentage: p };
  } else {
    value = { amount: positiveDecimal(input.amount!, 'input.amount') };
  }

  let code: string | null = null;
  if (input.code != null) {
    code = input.code.trim();
    if (code.length < 1 || code.length > 255 || /\s/.test(code)) {
      throw new BadInputError('input.code', 'must be 1 to 255 characters without spaces');
    }
  }

  let endsAt: string | null = null;
  if (input.endsAt != null) {
    const ms = Date.parse(input.endsAt);
    if (Number.isNaN(ms)) throw new BadInputError('input.endsAt', 'must be an ISO 8601 date and time');
    if (ms <= now) throw new BadInputError('input.endsAt', 'must be in the future');
    endsAt = new Date(ms).toISOString();
  }

  const usageLimit = input.usageLimit ?? 1;
  if (!Number.isInteger(usageLimit) || usageLimit < 1 || usageLimit > MAX_USAGE_LIMIT) {
    throw new BadInputError('input.usageLimit', `must be a whole number from 1 to ${MAX_USAGE_LIMIT}, got ${usageLimit}`);
  }
  const minimumSubtotal = input.minimumSubtotal == null ? null : positiveDecimal(input.minimumSubtotal, 'input.minimumSubtotal');
  return { idempotencyKey, target, value, code, endsAt, usageLimit, minimumSubtotal };
}
