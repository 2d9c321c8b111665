/**
 * The audit trail: one entry per agent action attempt (allowed or not). It holds ids, amounts and codes
 * only — never emails, names or addresses — because it is kept long and read by many people.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { toDate, type AuditLogTable, type Database } from './db.js';

export type AuditAction = 'cancelOrder' | 'refundOrder' | 'createDiscount' | 'linkShopifyCustomer' | 'unlinkShopifyCustomer';
export type AuditOutcome = 'denied' | 'rejected' | 'failed' | 'succeeded' | 'replayed' | 'unknown';

export interface AuditEntry {
  /** UUIDv7: sorts by creation time, which breaks ties between entries with the same `at`. */
  id: string;
  at: Date;
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
  action?: AuditAction;
  outcome?: AuditOutcome;
  idempotencyKey?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface AuditRepository {
  /** Appends an entry (at defaults to now); emails in `detail` are redacted. Returns the stored entry. */
  record(entry: NewAuditEntry): Promise<AuditEntry>;
  /** Newest-first entries per order, at most limitPerOrder each, in one query; every requested id is a key. */
  listByOrders(orderIds: readonly string[], limitPerOrder: number): Promise<Map<string, AuditEntry[]>>;
  /** Newest-first entries matching the filter. */
  list(filter?: AuditFilter): Promise<AuditEntry[]>;
}

const ACTIONS: readonly string[] = ['cancelOrder', 'refundOrder', 'createDiscount', 'linkShopifyCustomer', 'unlinkShopifyCustomer'];
const OUTCOMES: readonly string[] = ['denied', 'rejected', 'failed', 'succeeded', 'replayed', 'unknown'];
const DECIMAL = /^-?\d+(\.\d+)?$/;
const CURRENCY = /^[A-Z]{3}$/;
// Free-text `detail` often carries upstream error messages, which can quote a customer's email.
const EMAIL = /[^\s@<>()"',;:]+@[^\s@<>()"',;:]+\.[a-z]{2,}/gi;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const MAX_IDS_PER_QUERY = 10_000;

/** Builds the audit repository over a migrated database. */
export function createAuditRepository(db: Kysely<Database>, now: () => number): AuditRepository {
  const nextId = uuidV7Generator();

  return {
    async record(entry) {
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
      const row = {
        id: nextId(now()),
        at: (entry.at ?? new Date(now())).getTime(),
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
        detail: entry.detail === null ? null : entry.detail.replace(EMAIL, '[email]'),
      };
      await db.insertInto('audit_log').values(row).execute();
      return toEntry(row);
    },

    async listByOrders(orderIds, limitPerOrder) {
      requireLimit('limitPerOrder', limitPerOrder);
      const unique = [...new Set(orderIds)];
      const byOrder = new Map<string, AuditEntry[]>(unique.map((id) => [id, []]));
      for (let i = 0; i < unique.length; i += MAX_IDS_PER_QUERY) {
        // row_number() per order keeps it one query however many orders are asked for (both dialects
        // have window functions); the outer ORDER BY makes each order's list newest first.
        const ranked = db
          .selectFrom('audit_log')
          .selectAll()
          .select(sql<number>`row_number() over (partition by order_id order by at desc, id desc)`.as('rn'))
          .where('order_id', 'in', unique.slice(i, i + MAX_IDS_PER_QUERY))
          .as('ranked');
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
    },

    async list(filter = {}) {
      const limit = filter.limit ?? DEFAULT_LIMIT;
      requireLimit('limit', limit);
      let query = db.selectFrom('audit_log').selectAll();
      if (filter.action !== undefined) query = query.where('action', '=', filter.action);
      if (filter.outcome !== undefined) query = query.where('outcome', '=', filter.outcome);
      if (filter.idempotencyKey !== undefined) query = query.where('idempotency_key', '=', filter.idempotencyKey);
      const rows = await query
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(limit, MAX_LIMIT))
        .execute();
      return rows.map(toEntry);
    },
  };
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    at: toDate(row.at),
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
