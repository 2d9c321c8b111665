/**
 * Creating a refund request (./refund-requests.ts) under the bound on its order's pending requests. The bound is
 * checked by the INSERT itself — INSERT … SELECT … WHERE (the order's requests pending now) < maxPending — and the
 * inserts of one order are serialised, so the count a statement sees is never stale and concurrent holds cannot
 * overshoot:
 *
 * - PostgreSQL: under READ COMMITTED a statement's snapshot is taken when it starts, so two inserts racing for the last
 *   place would both count 19 and both insert. Each insert therefore runs in a transaction that first takes an
 *   advisory lock keyed by store and order (pg_advisory_xact_lock, released at commit): the INSERT, the next statement,
 *   starts its snapshot after the previous holder committed. Not `SELECT … FOR UPDATE` on the order's rows: an order
 *   without any request yet has no row to lock, so its first concurrent holds would not wait for each other.
 * - SQLite: one writer per database. A writing statement begins a write transaction before it reads (waiting out
 *   another connection's or process's write through busy_timeout), so its count sees every committed request.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { StoreHandle } from '../domain/stores.js';
import type { Database } from './db.js';
import { hasStatus, toRecord, toRow, type Requests } from './refund-request-rows.js';
import type { CreateResult, NewRefundRequest } from './refund-requests.js';

/** Inserts the request unless its id exists or its order already has `maxPending` pending requests (see the file comment). */
export async function createRequest(requests: Requests, request: NewRefundRequest): Promise<CreateResult> {
  const max = request.maxPending;
  if (!Number.isInteger(max) || max <= 0) throw new RangeError(`maxPending must be a positive integer, got ${String(max)}`);
  const { db } = requests;
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return insertIfRoom(requests, db, request);
  return db.transaction().execute(async (trx) => {
    // Collisions of the 64-bit hash only make two orders wait for each other; they never let one overshoot.
    const lock = JSON.stringify(['refund_requests', request.store, request.orderId]);
    await sql`select pg_advisory_xact_lock(hashtextextended(${lock}, 0))`.execute(trx);
    return insertIfRoom(requests, trx, request);
  });
}

/** The one conditional INSERT, then, when it inserted nothing, whether the id was already there. */
async function insertIfRoom({ now }: Requests, db: Kysely<Database>, request: NewRefundRequest): Promise<CreateResult> {
  const at = now();
  const row = toRow(request, at);
  const columns = Object.keys(row) as Array<keyof typeof row>;
  const inserted = await db
    .insertInto('refund_requests')
    .columns(columns)
    .expression(
      db
        .selectNoFrom(columns.map((column) => sql.val(row[column]).as(column)))
        .where((eb) => eb(pendingOf(eb, request.store, request.orderId, at), '<', request.maxPending)),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted !== undefined) return { record: toRecord(inserted, at), created: true };
  // Nothing inserted: the id exists (a retried insert: answered with its row, room or not), or there was no room.
  const existing = await db.selectFrom('refund_requests').selectAll().where('id', '=', request.id).executeTakeFirst();
  if (existing !== undefined) return { record: toRecord(existing, now()), created: false };
  return { record: null, created: false, refused: 'TOO_MANY_PENDING' };
}

/** The count of one order's requests reading PENDING at `at`, as a subquery. */
function pendingOf(eb: { selectFrom: Kysely<Database>['selectFrom'] }, store: StoreHandle, orderId: string, at: number) {
  return eb
    .selectFrom('refund_requests')
    .select((e) => e.fn.countAll<number>().as('pending'))
    .where('store', '=', store)
    .where('order_id', '=', orderId)
    .where((e) => hasStatus(e, 'PENDING', at));
}

/** How many of one store's order's requests read PENDING now. */
export async function countPending({ db, now }: Requests, store: StoreHandle, orderId: string): Promise<number> {
  const { pending } = await pendingOf(db, store, orderId, now()).executeTakeFirstOrThrow();
  // PostgreSQL answers count(*) as a bigint string.
  return Number(pending);
}
