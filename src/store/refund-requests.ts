/**
 * Refund requests: refunds above the requester's limit, held until an approver decides. Like the idempotency keys,
 * every decision is ONE conditional UPDATE whose affected rows are checked (status = 'pending' AND not expired), never
 * read-then-write in application code: among any number of approvers, in any number of processes, exactly one moves
 * a request on. Times are compared with the application clock (StoreOptions.now), as the leases are.
 *
 *   pending ──approve──► approving ──► approved | failed          pending ──reject──► rejected
 *   pending ──(past expires_at: sweep)──► expired                 pending ──(order changed)──► failed
 */
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Money } from '../domain/model.js';
import type { RefundAsk, RefundRequestModel, RefundRequestStatus } from '../domain/refund-requests.js';
import type { StoreHandle } from '../domain/stores.js';
import { requireText, toDate, toDateOrNull, type Database, type RefundRequestsTable } from './db.js';

/** Where a request stands as stored; `approving` is an approval whose refund is being sent (shown as PENDING). */
export type RefundRequestState = 'pending' | 'approving' | 'approved' | 'rejected' | 'expired' | 'failed';

/** A request as stored, in the contract's shape (its `status` computed at read time) plus what only we need. */
export interface RefundRequestRecord extends RefundRequestModel {
  state: RefundRequestState;
  /** the requester's idempotency key */
  requestedKey: string;
  /** the deciding agent and key, also while `approving` (the model's decidedBy shows final decisions only) */
  decision: { by: string; key: string; at: string } | null;
  ask: RefundAsk;
}

export interface NewRefundRequest {
  id: string;
  store: StoreHandle;
  orderId: string;
  customerId: string | null;
  requestedBy: string;
  requestedKey: string;
  ask: RefundAsk;
  /** what Shopify suggested, in the shop's currency */
  amount: Money;
  /** the requester's limit, in the same currency */
  limit: string;
  /** how long it waits for a decision */
  ttlMs: number;
}

/** Who decides, under which of their idempotency keys. */
export interface Decider {
  id: string;
  by: string;
  key: string;
}

export interface RefundRequestRepository {
  /** Inserts the request unless its id exists (a retried insert); returns the stored row either way. */
  create(request: NewRefundRequest): Promise<{ record: RefundRequestRecord; created: boolean }>;
  get(id: string): Promise<RefundRequestRecord | null>;
  /** One store's requests for a batch of orders, newest first, at most `limitPerOrder` each, in one query. */
  listByOrders(store: StoreHandle, orderIds: readonly string[], limitPerOrder: number): Promise<Map<string, RefundRequestRecord[]>>;
  /** pending (and not expired) → approving; the updated row, or null when another decision or the expiry came first. */
  startApproval(decider: Decider): Promise<RefundRequestRecord | null>;
  /** approving (under this key) → approved with the refund, or failed with Shopify's code; null if not approving so. */
  finishApproval(
    decider: Decider,
    result: { refund: { id: string; total: Money } } | { errorCode: string },
  ): Promise<RefundRequestRecord | null>;
  /** pending (and not expired) → rejected with the reason; null when it was no longer pending. */
  reject(decider: Decider, reason: string): Promise<RefundRequestRecord | null>;
  /** pending → failed with the code (the order no longer allows the refund); null when it was no longer pending. */
  fail(decider: Decider, errorCode: string): Promise<RefundRequestRecord | null>;
  /** pending rows past their expiry (only `ids`, when given) → expired; returns the rows this call expired. */
  expireDue(ids?: readonly string[]): Promise<RefundRequestRecord[]>;
}

// Far above any router batch, below SQLite's 32766 bound-parameter limit: one query in practice.
const MAX_IDS_PER_QUERY = 10_000;

/** The database and the application clock every operation below works with. */
interface Requests {
  db: Kysely<Database>;
  now: () => number;
}

/** Builds the refund-request repository over a migrated database. */
export function createRefundRequestRepository(db: Kysely<Database>, now: () => number): RefundRequestRepository {
  const requests: Requests = { db, now };
  return {
    create: (request) => createRequest(requests, request),
    get: async (id) => one(requests, await db.selectFrom('refund_requests').selectAll().where('id', '=', id).executeTakeFirst()),
    listByOrders: (store, orderIds, limitPerOrder) => listByOrders(requests, store, orderIds, limitPerOrder),
    startApproval: ({ id, by, key }) =>
      decidePending(requests, id, (at) => ({ status: 'approving', decided_by: by, decided_at: at, decision_key: key })),
    finishApproval: (decider, result) => finishApproval(requests, decider, result),
    reject: ({ id, by, key }, reason) =>
      decidePending(requests, id, (at) => ({
        status: 'rejected',
        decided_by: by,
        decided_at: at,
        decision_key: key,
        rejection_reason: reason,
      })),
    fail: ({ id, by, key }, errorCode) =>
      decidePending(requests, id, (at) => ({ status: 'failed', decided_by: by, decided_at: at, decision_key: key, error_code: errorCode })),
    expireDue: (ids) => expireDue(requests, ids),
  };
}

function one({ now }: Requests, row: Selectable<RefundRequestsTable> | undefined): RefundRequestRecord | null {
  return row === undefined ? null : toRecord(row, now());
}

async function createRequest({ db, now }: Requests, request: NewRefundRequest): Promise<{ record: RefundRequestRecord; created: boolean }> {
  const at = now();
  const inserted = await db
    .insertInto('refund_requests')
    .values(toRow(request, at))
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted !== undefined) return { record: toRecord(inserted, at), created: true };
  const existing = await db.selectFrom('refund_requests').selectAll().where('id', '=', request.id).executeTakeFirstOrThrow();
  return { record: toRecord(existing, now()), created: false };
}

/** The conditional UPDATE every decision is: only a pending, unexpired row moves, and only once. */
async function decidePending(
  requests: Requests,
  id: string,
  set: (at: number) => Updateable<RefundRequestsTable>,
): Promise<RefundRequestRecord | null> {
  const at = requests.now();
  const row = await requests.db
    .updateTable('refund_requests')
    .set({ ...set(at), updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('expires_at', '>', at)
    .returningAll()
    .executeTakeFirst();
  return one(requests, row);
}

/** approving → approved or failed, only under the decider who started it (agent and key). */
async function finishApproval(
  requests: Requests,
  { id, by, key }: Decider,
  result: { refund: { id: string; total: Money } } | { errorCode: string },
): Promise<RefundRequestRecord | null> {
  const at = requests.now();
  const set: Updateable<RefundRequestsTable> =
    'refund' in result
      ? {
          status: 'approved',
          refund_id: result.refund.id,
          refund_amount: result.refund.total.amount,
          refund_currency_code: result.refund.total.currencyCode,
        }
      : { status: 'failed', error_code: result.errorCode };
  const row = await requests.db
    .updateTable('refund_requests')
    .set({ ...set, decided_at: at, updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'approving')
    .where('decided_by', '=', by)
    .where('decision_key', '=', key)
    .returningAll()
    .executeTakeFirst();
  return one(requests, row);
}

async function expireDue(requests: Requests, ids: readonly string[] | undefined): Promise<RefundRequestRecord[]> {
  if (ids !== undefined && ids.length === 0) return [];
  const at = requests.now();
  let query = requests.db
    .updateTable('refund_requests')
    .set({ status: 'expired', updated_at: at })
    .where('status', '=', 'pending')
    .where('expires_at', '<=', at);
  if (ids !== undefined) query = query.where('id', 'in', [...ids]);
  // RETURNING names exactly the rows this statement moved: a concurrent sweep gets the others, never the same.
  return (await query.returningAll().execute()).map((row) => toRecord(row, at));
}

function toRow(r: NewRefundRequest, at: number): Insertable<RefundRequestsTable> {
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
    rejection_reason: null,
    refund_id: null,
    refund_amount: null,
    refund_currency_code: null,
    error_code: null,
    updated_at: at,
  };
}

async function listByOrders(
  { db, now }: Requests,
  store: StoreHandle,
  orderIds: readonly string[],
  limitPerOrder: number,
): Promise<Map<string, RefundRequestRecord[]>> {
  if (!Number.isInteger(limitPerOrder) || limitPerOrder <= 0) {
    throw new RangeError(`limitPerOrder must be a positive integer, got ${String(limitPerOrder)}`);
  }
  const unique = [...new Set(orderIds)];
  const byOrder = new Map<string, RefundRequestRecord[]>(unique.map((id) => [id, []]));
  const at = now();
  for (let i = 0; i < unique.length; i += MAX_IDS_PER_QUERY) {
    // row_number() per order keeps it one query however many orders are asked for (as audit.ts listByOrders).
    const ranked = db
      .selectFrom('refund_requests')
      .selectAll()
      .select(sql<number>`row_number() over (partition by order_id order by requested_at desc, id desc)`.as('rn'))
      .where('store', '=', store)
      .where('order_id', 'in', unique.slice(i, i + MAX_IDS_PER_QUERY))
      .as('ranked');
    const rows = await db
      .selectFrom(ranked)
      .selectAll()
      .where('rn', '<=', limitPerOrder)
      .orderBy('order_id')
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    for (const row of rows) byOrder.get(row.order_id)?.push(toRecord(row, at));
  }
  return byOrder;
}

/** The contract's status: a pending row past its expiry reads EXPIRED before any sweep turns it so. */
function statusOf(state: RefundRequestState, expiresAt: number, now: number): RefundRequestStatus {
  if (state === 'pending' || state === 'approving') return state === 'pending' && expiresAt <= now ? 'EXPIRED' : 'PENDING';
  return state.toUpperCase() as RefundRequestStatus;
}

const iso = (value: number | string) => toDate(value).toISOString();

function toRecord(row: Selectable<RefundRequestsTable>, now: number): RefundRequestRecord {
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
    ask,
  };
}
