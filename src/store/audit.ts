/**
 * The audit trail: one entry per agent action attempt (allowed or not). It holds ids, amounts and codes
 * only — never emails, names or addresses — because it is kept long and read by many people.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { STORE_HANDLE_PATTERN, type StoreHandle } from '../domain/stores.js';
import { toDate, type AuditLogTable, type Database } from './db.js';

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

export interface AuditFilter {
  /** A handle: that store's entries only; null: only entries whose store was never known. */
  store?: StoreHandle | null;
  action?: AuditAction;
  outcome?: AuditOutcome;
  idempotencyKey?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface AuditRepository {
  /** Appends an entry (at defaults to now); emails in `detail` are redacted. Returns the stored entry. */
  record(entry: NewAuditEntry): Promise<AuditEntry>;
  /**
   * Newest-first entries per order, at most limitPerOrder each, in one query; every requested id is a key. Order GIDs
   * are unique within a store only, so a caller that knows the orders' store passes it and sees that store's entries
   * (an entry whose store was never known belongs to none); without it, every store's entries for the GID.
   */
  listByOrders(orderIds: readonly string[], limitPerOrder: number, store?: StoreHandle): Promise<Map<string, AuditEntry[]>>;
  /** Newest-first entries matching the filter. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
}

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
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_IDS_PER_QUERY = 10_000;

/** Builds the audit repository over a migrated database. */
export function createAuditRepository(db: Kysely<Database>, now: () => number): AuditRepository {
  const nextId = uuidV7Generator();
  return {
    async record(entry) {
      requireValidEntry(entry);
      const row = toRow(entry, nextId(now()), (entry.at ?? new Date(now())).getTime());
      await db.insertInto('audit_log').values(row).execute();
      return toEntry(row);
    },
    listByOrders: (orderIds, limitPerOrder, store) => listByOrders(db, orderIds, limitPerOrder, store),
    list: (filter) => listEntries(db, filter),
  };
}

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
function requireValidEntry(entry: NewAuditEntry): void {
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

/** The stored row; the same object is read back as the returned entry, so what is returned is what was stored. */
function toRow(entry: NewAuditEntry, id: string, at: number) {
  return {
    id,
    at,
    store: entry.store,
    agent_id: entry.agentId,
    action: entry.action,
    outcome: entry.outcome,
    order_id: entry.orderId,
    customer_id: entry.customerId,
    profile_id: entry.profileId,
    amount: entry.amount,
    currency_code: entry.currencyCode,
    idempotency_key: entry.idempotencyKey,
    shopify_ids: JSON.stringify(entry.shopifyIds),
    error_code: entry.errorCode,
    detail: entry.detail === null ? null : boundedDetail(entry.detail),
  };
}

async function listByOrders(
  db: Kysely<Database>,
  orderIds: readonly string[],
  limitPerOrder: number,
  store: StoreHandle | undefined,
): Promise<Map<string, AuditEntry[]>> {
  requireLimit('limitPerOrder', limitPerOrder);
  if (store !== undefined && !isStoreHandle(store))
    throw new TypeError(`store must be a store handle matching ${String(STORE_HANDLE_PATTERN)}`);
  const unique = [...new Set(orderIds)];
  const byOrder = new Map<string, AuditEntry[]>(unique.map((id) => [id, []]));
  for (let i = 0; i < unique.length; i += MAX_IDS_PER_QUERY) {
    // row_number() per order keeps it one query however many orders are asked for (both dialects
    // have window functions); the outer ORDER BY makes each order's list newest first.
    // The store is filtered before ranking, so limitPerOrder counts that store's entries only.
    let inOrders = db
      .selectFrom('audit_log')
      .selectAll()
      .select(sql<number>`row_number() over (partition by order_id order by at desc, id desc)`.as('rn'))
      .where('order_id', 'in', unique.slice(i, i + MAX_IDS_PER_QUERY));
    if (store !== undefined) inOrders = inOrders.where('store', '=', store);
    const ranked = inOrders.as('ranked');
    const rows = await db
      .selectFrom(ranked)
      .selectAll()
      .where('rn', '<=', limitPerOrder)
      .orderBy('order_id')
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const row of rows) byOrder.get(row.order_id as string)?.push(toEntry(row));
  }
  return byOrder;
}

async function listEntries(db: Kysely<Database>, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  const limit = filter.limit ?? DEFAULT_LIMIT;
  requireLimit('limit', limit);
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.store === null) query = query.where('store', 'is', null);
  else if (filter.store !== undefined) query = query.where('store', '=', filter.store);
  if (filter.action !== undefined) query = query.where('action', '=', filter.action);
  if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
  if (filter.idempotencyKey !== undefined) query = query.where('idempotency_key', '=', filter.idempotencyKey);
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(Math.min(limit, MAX_LIMIT)).execute();
  return rows.map(toEntry);
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    at: toDate(row.at),
    store: row.store,
    agentId: row.agent_id,
    action: row.action as AuditAction,
    outcome: row.outcome as AuditOutcome,
    orderId: row.order_id,
    customerId: row.customer_id,
    profileId: row.profile_id,
    amount: row.amount,
    currencyCode: row.currency_code,
    idempotencyKey: row.idempotency_key,
    shopifyIds: JSON.parse(row.shopify_ids) as Record<string, string>,
    errorCode: row.error_code,
    detail: row.detail,
  };
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
function boundedDetail(text: string): string {
  const printable = text
    .slice(0, 2 * AUDIT_BOUNDS.detail)
    .replace(EMAIL, '[email]')
    .replace(UNPRINTABLE, ' ');
  return printable.length > AUDIT_BOUNDS.detail ? `${printable.slice(0, AUDIT_BOUNDS.detail - 1)}…` : printable;
}

function isStoreHandle(value: unknown): value is StoreHandle {
  return typeof value === 'string' && STORE_HANDLE_PATTERN.test(value);
}

function requireLimit(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
}

/**
 * UUIDv7 (RFC 9562) with the 12-bit rand_a field used as a counter, so ids made in one process within the
 * same millisecond still sort in creation order (the "newest first" tie-breaker).
 */
function uuidV7Generator(): (ms: number) => string {
  let lastMs = 0;
  let counter = 0;
  return (ms) => {
    if (ms > lastMs) {
      lastMs = ms;
      counter = 0;
    } else if (++counter > 0xfff) {
      // 4096 ids in one millisecond: borrow the next millisecond rather than lose ordering.
      lastMs += 1;
      counter = 0;
    }
    const bytes = randomBytes(16);
    bytes.writeUIntBE(lastMs, 0, 6);
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
