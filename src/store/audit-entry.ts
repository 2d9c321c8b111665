/**
 * What an audit entry is and what the trail accepts: its actions and outcomes, the bound of every column, and the
 * checks record() runs before a row is written (./audit.ts is the repository that writes and reads them). An entry
 * holds ids, amounts and codes only — never emails, names or addresses — because it is kept long and read by many.
 */
import { STORE_HANDLE_PATTERN, type StoreHandle } from '../domain/stores.js';

export type AuditAction =
  | 'cancelOrder'
  | 'refundOrder'
  | 'createDiscount'
  | 'linkShopifyCustomer'
  | 'unlinkShopifyCustomer'
  | 'updateOrderNote'
  | 'updateOrderTags'
  | 'updateShippingAddress'
  | 'createReplacementOrder'
  | 'approveRefundRequest'
  | 'rejectRefundRequest'
  | 'expireRefundRequest';
export type AuditOutcome = 'denied' | 'rejected' | 'failed' | 'succeeded' | 'replayed' | 'unknown';

export interface AuditEntry {
  /** UUIDv7: sorts by creation time, which breaks ties between entries with the same `at`. */
  id: string;
  at: Date;
  /**
   * The store the attempt was made in. Null only when the attempt was refused before a store could be known (with
   * several stores: no, an unknown or a malformed `store` argument); with one store it is always that store.
   */
  store: StoreHandle | null;
  agentId: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  orderId: string | null;
  customerId: string | null;
  profileId: string | null;
  /** Decimal string, e.g. "12.50"; never a float. */
  amount: string | null;
  currencyCode: string | null;
  idempotencyKey: string | null;
  /** Shopify ids produced by the action: refundId, jobId, discountId … */
  shopifyIds: Record<string, string>;
  errorCode: string | null;
  detail: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'> & { at?: Date };

/**
 * Longest value each column takes, in characters. record() refuses longer ones (and control characters in ids) as a
 * last line of defence: callers bound and validate first (src/audit/attempt.ts boundedEntry), so an entry is a
 * small, fixed-size record whoever caused it. `detail` is cut rather than refused: it is free text.
 */
export const AUDIT_BOUNDS = {
  agentId: 255,
  /** orderId, customerId and every shopifyIds value (GIDs are well under 100) */
  id: 200,
  profileId: 200,
  idempotencyKey: 255,
  amount: 40,
  errorCode: 64,
  detail: 500,
  /** entries in shopifyIds; each name at most 32 characters */
  shopifyIds: 10,
} as const;

const ACTIONS: readonly string[] = [
  'cancelOrder',
  'refundOrder',
  'createDiscount',
  'linkShopifyCustomer',
  'unlinkShopifyCustomer',
  'updateOrderNote',
  'updateOrderTags',
  'updateShippingAddress',
  'createReplacementOrder',
  'approveRefundRequest',
  'rejectRefundRequest',
  'expireRefundRequest',
] satisfies AuditAction[];
const OUTCOMES: readonly string[] = ['denied', 'rejected', 'failed', 'succeeded', 'replayed', 'unknown'];
const DECIMAL = /^-?\d+(\.\d+)?$/;
const CURRENCY = /^[A-Z]{3}$/;
// Free-text `detail` often carries upstream error messages, which can quote a customer's email.
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/gi;
const CONTROL = /\p{Cc}/u;
/** In free text: control and format characters (NUL breaks PostgreSQL text; zero-width and bidi marks mislead readers). */
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/gu;

/** True for an amount the trail can hold: a decimal string of at most AUDIT_BOUNDS.amount characters with an ISO 4217 code. */
export function isAuditAmount(amount: unknown, currencyCode: unknown): amount is string {
  return (
    typeof amount === 'string' &&
    amount.length <= AUDIT_BOUNDS.amount &&
    DECIMAL.test(amount) &&
    typeof currencyCode === 'string' &&
    CURRENCY.test(currencyCode)
  );
}

/** Refuses an unknown action or outcome, a malformed store, amount or currency, non-string ids, and over-long values. */
export function requireValidEntry(entry: NewAuditEntry): void {
  // undefined is refused too: an entry must say its store, or say (null) that it was never known.
  if (entry.store !== null && !isStoreHandle(entry.store)) {
    throw new TypeError(`store must be null or a store handle matching ${String(STORE_HANDLE_PATTERN)}`);
  }
  if (!ACTIONS.includes(entry.action)) throw new TypeError(`unknown audit action ${JSON.stringify(entry.action)}`);
  if (!OUTCOMES.includes(entry.outcome)) throw new TypeError(`unknown audit outcome ${JSON.stringify(entry.outcome)}`);
  if (entry.amount !== null && (typeof entry.amount !== 'string' || !DECIMAL.test(entry.amount))) {
    throw new TypeError(`amount must be a decimal string like "12.50", got ${JSON.stringify(entry.amount)}`);
  }
  if (entry.currencyCode !== null && !CURRENCY.test(entry.currencyCode)) {
    throw new TypeError(`currencyCode must be an ISO 4217 code like "EUR", got ${JSON.stringify(entry.currencyCode)}`);
  }
  for (const [name, value] of Object.entries(entry.shopifyIds)) {
    if (typeof value !== 'string') throw new TypeError(`shopifyIds.${name} must be a string, got ${JSON.stringify(value)}`);
  }
  requireBounded(entry);
}

/** Refuses over-long values and control characters, naming the field and the length only (never the value). */
function requireBounded(entry: NewAuditEntry): void {
  const check = (field: string, value: unknown, max: number) => {
    if (value === null || value === undefined) return;
    if (typeof value !== 'string') throw new TypeError(`${field} must be a string or null`);
    if (value.length > max) throw new TypeError(`${field} must be at most ${max} characters, got ${value.length}`);
    if (CONTROL.test(value)) throw new TypeError(`${field} must not contain control characters`);
  };
  check('agentId', entry.agentId, AUDIT_BOUNDS.agentId);
  check('orderId', entry.orderId, AUDIT_BOUNDS.id);
  check('customerId', entry.customerId, AUDIT_BOUNDS.id);
  check('profileId', entry.profileId, AUDIT_BOUNDS.profileId);
  check('idempotencyKey', entry.idempotencyKey, AUDIT_BOUNDS.idempotencyKey);
  check('amount', entry.amount, AUDIT_BOUNDS.amount);
  check('errorCode', entry.errorCode, AUDIT_BOUNDS.errorCode);
  const ids = Object.entries(entry.shopifyIds);
  if (ids.length > AUDIT_BOUNDS.shopifyIds)
    throw new TypeError(`shopifyIds must have at most ${AUDIT_BOUNDS.shopifyIds} entries, got ${ids.length}`);
  for (const [name, value] of ids) {
    check('shopifyIds name', name, 32);
    check(`shopifyIds.${name}`, value, AUDIT_BOUNDS.id);
  }
}

/**
 * Free text with emails redacted, control characters (NUL breaks PostgreSQL text) turned into spaces, cut to its bound.
 * Cut first, with room for an email across the cut: the email pattern is quadratic on a long run without an `@`.
 */
export function boundedDetail(text: string): string {
  const printable = text
    .slice(0, 2 * AUDIT_BOUNDS.detail)
    .replace(EMAIL, '[email]')
    .replace(UNPRINTABLE, ' ');
  return printable.length > AUDIT_BOUNDS.detail ? `${printable.slice(0, AUDIT_BOUNDS.detail - 1)}…` : printable;
}

/** True for a well-formed store handle. */
export function isStoreHandle(value: unknown): value is StoreHandle {
  return typeof value === 'string' && STORE_HANDLE_PATTERN.test(value);
}
