/**
 * Refund-request rows ↔ records (./refund-requests.ts): the row a new request is inserted as, and the record a row
 * reads as at a given time (its contract `status`, and whether an approval's hold has lapsed, are computed then).
 */
import type { ExpressionBuilder, ExpressionWrapper, Insertable, Kysely, Selectable, SqlBool } from 'kysely';
import type { RefundAsk, RefundRequestStatus } from '../domain/refund-requests.js';
import { requireText, toDate, toDateOrNull, type Database, type RefundRequestsTable } from './db.js';
import type { NewRefundRequest, RefundRequestRecord, RefundRequestState } from './refund-requests.js';

/** The database and the application clock every repository operation works with. */
export interface Requests {
  db: Kysely<Database>;
  now: () => number;
}

/** The record of a row read now, or null for no row. */
export function one({ now }: Requests, row: Selectable<RefundRequestsTable> | undefined): RefundRequestRecord | null {
  return row === undefined ? null : toRecord(row, now());
}

/** The row a new request is inserted as (pending, nothing decided). */
export function toRow(r: NewRefundRequest, at: number): Insertable<RefundRequestsTable> {
  requireText('id', r.id);
  requireText('requestedBy', r.requestedBy);
  requireText('requestedKey', r.requestedKey);
  if (!Number.isInteger(r.ttlMs) || r.ttlMs <= 0) throw new RangeError(`ttlMs must be a positive integer, got ${String(r.ttlMs)}`);
  return {
    id: r.id,
    store: r.store,
    order_id: r.orderId,
    customer_id: r.customerId,
    requested_by: r.requestedBy,
    requested_key: r.requestedKey,
    ask: JSON.stringify(r.ask),
    amount: r.amount.amount,
    limit_amount: r.limit,
    currency_code: r.amount.currencyCode,
    requested_at: at,
    expires_at: at + r.ttlMs,
    status: 'pending',
    decided_by: null,
    decided_at: null,
    decision_key: null,
    approval_sent: null,
    approving_until: null,
    rejection_reason: null,
    refund_id: null,
    refund_amount: null,
    refund_currency_code: null,
    error_code: null,
    updated_at: at,
  };
}

/** The contract's status: a pending row past its expiry reads EXPIRED before any sweep turns it so. */
function statusOf(state: RefundRequestState, expiresAt: number, now: number): RefundRequestStatus {
  if (state === 'pending' || state === 'approving') return state === 'pending' && expiresAt <= now ? 'EXPIRED' : 'PENDING';
  return state.toUpperCase() as RefundRequestStatus;
}

type Rows = ExpressionBuilder<Database, 'refund_requests'>;

/**
 * The SQL condition of a row reading as `status` at `now`: statusOf() as a WHERE clause, so a status filter runs in
 * the query (before any per-order cap), and reads exactly as the records it returns. PENDING includes an approval in
 * flight (approving), EXPIRED a pending row past its expiry not yet swept.
 */
export function hasStatus(eb: Rows, status: RefundRequestStatus, now: number): ExpressionWrapper<Database, 'refund_requests', SqlBool> {
  switch (status) {
    case 'PENDING':
      return eb.or([eb.and([eb('status', '=', 'pending'), eb('expires_at', '>', now)]), eb('status', '=', 'approving')]);
    case 'EXPIRED':
      return eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'pending'), eb('expires_at', '<=', now)])]);
    default:
      return eb('status', '=', status.toLowerCase());
  }
}

const iso = (value: number | string) => toDate(value).toISOString();

/** The approval in flight of an approving row: what it sends, and when (by the store's clock) its hold ends. */
function approvingOf(row: Selectable<RefundRequestsTable>, now: number): RefundRequestRecord['approving'] {
  if (row.status !== 'approving' || row.approval_sent === null || row.approving_until === null) return null;
  const until = Number(row.approving_until);
  return { sent: JSON.parse(row.approval_sent) as unknown, until: iso(until), lapsed: until < now };
}

/** The record a row reads as at `now`. */
export function toRecord(row: Selectable<RefundRequestsTable>, now: number): RefundRequestRecord {
  const state = row.status as RefundRequestState;
  const ask = JSON.parse(row.ask) as RefundAsk;
  const currencyCode = row.currency_code;
  const shipping = ask.shipping;
  const decidedAt = toDateOrNull(row.decided_at);
  // An approval in flight is not a decision yet: the model shows who decided only once it is final.
  const final = state === 'approved' || state === 'rejected' || state === 'failed';
  return {
    id: row.id,
    store: row.store,
    orderId: row.order_id,
    customerId: row.customer_id,
    status: statusOf(state, Number(row.expires_at), now),
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at),
    expiresAt: iso(row.expires_at),
    amount: { amount: row.amount, currencyCode },
    limit: { amount: row.limit_amount, currencyCode },
    lineItems: ask.lineItems,
    shippingFull: shipping !== null && 'full' in shipping,
    shippingAmount:
      shipping !== null && 'amount' in shipping ? { amount: shipping.amount, currencyCode: shipping.currencyCode ?? currencyCode } : null,
    note: ask.note,
    toStoreCredit: ask.toStoreCredit,
    notifyCustomer: ask.notifyCustomer,
    decidedBy: final ? row.decided_by : null,
    decidedAt: final && decidedAt ? decidedAt.toISOString() : null,
    rejectionReason: row.rejection_reason,
    refund:
      row.refund_id && row.refund_amount && row.refund_currency_code
        ? { id: row.refund_id, total: { amount: row.refund_amount, currencyCode: row.refund_currency_code } }
        : null,
    errorCode: row.error_code,
    state,
    requestedKey: row.requested_key,
    decision:
      row.decided_by && row.decision_key && decidedAt ? { by: row.decided_by, key: row.decision_key, at: decidedAt.toISOString() } : null,
    approving: approvingOf(row, now),
    ask,
  };
}
