/**
 * The audit trail's repository: one entry per agent action attempt (allowed or not), appended after the checks of
 * ./audit-entry.ts, and read per order (ShopifyOrder.agentActions) or by filter, newest first.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { STORE_HANDLE_PATTERN, type StoreHandle } from '../domain/stores.js';
import {
  boundedDetail,
  isStoreHandle,
  requireValidEntry,
  type AuditAction,
  type AuditEntry,
  type AuditOutcome,
  type NewAuditEntry,
} from './audit-entry.js';
import { toDate, type AuditLogTable, type Database } from './db.js';

export type { AuditAction, AuditEntry, AuditOutcome, NewAuditEntry } from './audit-entry.js';

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
