/**
 * Refund requests: refunds above the requester's limit, held until an approver decides. Like the idempotency keys,
 * every decision is ONE conditional UPDATE whose affected rows are checked (status = 'pending' AND not expired), never
 * read-then-write in application code: among any number of approvers, in any number of processes, exactly one moves
 * a request on. Times are compared with the application clock (StoreOptions.now), as the leases are.
 *
 *   pending ──approve──► approving ──► approved | failed          pending ──reject──► rejected
 *   pending ──(past expires_at: sweep)──► expired                 pending ──(order changed)──► failed
 *   approving ──(its hold lapsed: any approver takes it over)──► approving (new decider, new hold)
 *
 * The move to approving stores what the approval sends Shopify and a hold (`approving_until`). An approver whose
 * process died never finishes; once the hold lapses another approver takes the approval over (one conditional UPDATE)
 * and resends exactly the stored request, whose Shopify @idempotent key makes it one refund either way.
 *
 * An order holds at most `maxPending` pending requests (./refund-request-insert.ts): the insert itself counts them,
 * serialised per order, so concurrent holds never overshoot the bound.
 */
import { sql, type Kysely, type Updateable } from 'kysely';
import type { Money } from '../domain/model.js';
import type { RefundAsk, RefundRequestModel, RefundRequestStatus } from '../domain/refund-requests.js';
import type { StoreHandle } from '../domain/stores.js';
import type { Database, RefundRequestsTable } from './db.js';
import { countPending, createRequest } from './refund-request-insert.js';
import { hasStatus, one, toRecord, type Requests } from './refund-request-rows.js';

/** Where a request stands as stored; `approving` is an approval whose refund is being sent (shown as PENDING). */
export type RefundRequestState = 'pending' | 'approving' | 'approved' | 'rejected' | 'expired' | 'failed';

/** A request as stored, in the contract's shape (its `status` computed at read time) plus what only we need. */
export interface RefundRequestRecord extends RefundRequestModel {
  state: RefundRequestState;
  /** the requester's idempotency key */
  requestedKey: string;
  /** the deciding agent and key, also while `approving` (the model's decidedBy shows final decisions only) */
  decision: { by: string; key: string; at: string } | null;
  /**
   * While approving: what the approval sends Shopify (as stored, JSON) and when its approver's hold ends (`lapsed`:
   * ended by the store's clock, so any approver may take it over). Null in every other state.
   */
  approving: { sent: unknown; until: string; lapsed: boolean } | null;
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
  /** the most requests its order may have pending (PENDING: waiting, or being approved), this one included */
  maxPending: number;
}

/**
 * What create did: inserted the request, found its id already stored (a retried insert: the stored row), or refused it
 * because its order already has `maxPending` requests pending (nothing written).
 */
export type CreateResult =
  { record: RefundRequestRecord; created: boolean } | { record: null; created: false; refused: 'TOO_MANY_PENDING' };

/** Who decides, under which of their idempotency keys. */
export interface Decider {
  id: string;
  by: string;
  key: string;
}

export interface RefundRequestRepository {
  /**
   * Inserts the request unless its id exists (a retried insert: the stored row is returned) or its order already has
   * `maxPending` requests pending (refused, nothing written); the count and the insert are one step per order.
   */
  create(request: NewRefundRequest): Promise<CreateResult>;
  get(id: string): Promise<RefundRequestRecord | null>;
  /** How many requests of one store's order read PENDING now (waiting for a decision, or being approved). */
  countPending(store: StoreHandle, orderId: string): Promise<number>;
  /**
   * One store's requests for a batch of orders, newest first, at most `limitPerOrder` each, in one query; with
   * `statuses`, only requests reading as one of them now (filtered in the query, before the per-order cap).
   */
  listByOrders(
    store: StoreHandle,
    orderIds: readonly string[],
    limitPerOrder: number,
    statuses?: readonly RefundRequestStatus[] | null,
  ): Promise<Map<string, RefundRequestRecord[]>>;
  /**
   * pending (and not expired) → approving, storing what will be sent (JSON) and a hold of `leaseMs`; the updated row,
   * or null when another decision or the expiry came first.
   */
  startApproval(decider: Decider, approval: { sent: unknown; leaseMs: number }): Promise<RefundRequestRecord | null>;
  /**
   * approving whose hold lapsed → approving under this decider with a new hold of `leaseMs`, the stored `sent` kept;
   * the updated row, or null when the hold still runs or the approval finished (of several takers, one wins).
   */
  takeOver(decider: Decider, leaseMs: number): Promise<RefundRequestRecord | null>;
  /** approving under this decider (agent and key) → a new hold of `leaseMs` (it resumes); null if not approving so. */
  renewApproval(decider: Decider, leaseMs: number): Promise<RefundRequestRecord | null>;
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

/** Builds the refund-request repository over a migrated database. */
export function createRefundRequestRepository(db: Kysely<Database>, now: () => number): RefundRequestRepository {
  const requests: Requests = { db, now };
  return {
    create: (request) => createRequest(requests, request),
    get: async (id) => one(requests, await db.selectFrom('refund_requests').selectAll().where('id', '=', id).executeTakeFirst()),
    countPending: (store, orderId) => countPending(requests, store, orderId),
    listByOrders: (store, orderIds, limitPerOrder, statuses) => listByOrders(requests, store, orderIds, limitPerOrder, statuses ?? null),
    startApproval: ({ id, by, key }, { sent, leaseMs }) =>
      decidePending(requests, id, (at) => ({
        status: 'approving',
        decided_by: by,
        decided_at: at,
        decision_key: key,
        approval_sent: JSON.stringify(sent),
        approving_until: at + requireLease(leaseMs),
      })),
    takeOver: (decider, leaseMs) => holdApproval(requests, decider, leaseMs, 'lapsed'),
    renewApproval: (decider, leaseMs) => holdApproval(requests, decider, leaseMs, 'ours'),
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

function requireLease(leaseMs: number): number {
  if (!Number.isInteger(leaseMs) || leaseMs <= 0) throw new RangeError(`leaseMs must be a positive integer, got ${String(leaseMs)}`);
  return leaseMs;
}

/**
 * The conditional UPDATE that holds an approval in flight for `leaseMs` more: a takeover (`lapsed`: whoever held it
 * left it past its hold; the taker becomes its decider) or a resume by its own decider (`ours`). The stored request
 * to send is never touched: whoever finishes the approval sends exactly what was first decided.
 */
async function holdApproval(
  requests: Requests,
  { id, by, key }: Decider,
  leaseMs: number,
  which: 'lapsed' | 'ours',
): Promise<RefundRequestRecord | null> {
  const at = requests.now();
  let query = requests.db
    .updateTable('refund_requests')
    .set({ decided_by: by, decision_key: key, decided_at: at, approving_until: at + requireLease(leaseMs), updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'approving');
  query = which === 'lapsed' ? query.where('approving_until', '<', at) : query.where('decided_by', '=', by).where('decision_key', '=', key);
  return one(requests, await query.returningAll().executeTakeFirst());
}

/** approving → approved or failed, only under the decider who holds it (agent and key). */
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
    .set({ ...set, decided_at: at, approving_until: null, updated_at: at })
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

async function listByOrders(
  { db, now }: Requests,
  store: StoreHandle,
  orderIds: readonly string[],
  limitPerOrder: number,
  statuses: readonly RefundRequestStatus[] | null,
): Promise<Map<string, RefundRequestRecord[]>> {
  if (!Number.isInteger(limitPerOrder) || limitPerOrder <= 0) {
    throw new RangeError(`limitPerOrder must be a positive integer, got ${String(limitPerOrder)}`);
  }
  const unique = [...new Set(orderIds)];
  const byOrder = new Map<string, RefundRequestRecord[]>(unique.map((id) => [id, []]));
  // No status asked for: nothing can match, so nothing is asked of the database.
  if (statuses !== null && statuses.length === 0) return byOrder;
  const at = now();
  for (let i = 0; i < unique.length; i += MAX_IDS_PER_QUERY) {
    // row_number() per order keeps it one query however many orders are asked for (as audit.ts listByOrders). The
    // status filter is inside, so the newest `limitPerOrder` are counted among the wanted statuses only.
    let inner = db
      .selectFrom('refund_requests')
      .selectAll()
      .select(sql<number>`row_number() over (partition by order_id order by requested_at desc, id desc)`.as('rn'))
      .where('store', '=', store)
      .where('order_id', 'in', unique.slice(i, i + MAX_IDS_PER_QUERY));
    if (statuses !== null) inner = inner.where((eb) => eb.or(statuses.map((status) => hasStatus(eb, status, at))));
    const rows = await db
      .selectFrom(inner.as('ranked'))
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
