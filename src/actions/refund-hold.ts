/**
 * A refund above the agent's limit is held, not sent: refundOrder writes a refund request instead (for an approver,
 * ./refund-approval.ts). It runs under the refund's own idempotency key like any action: the claim, then the
 * written-ahead hold, then an insert that is idempotent on an id derived from the store and the key — so a crash
 * between the claim and the insert is recovered by the next attempt inserting the same row, never a second one.
 * An order keeps at most MAX_PENDING_REFUND_REQUESTS pending: checked before the key is claimed (nothing written, the
 * key unused), and enforced again by the insert itself, so holds racing for the last place never overshoot it.
 */
import { createHash } from 'node:crypto';
import type { ActingContext } from '../context.js';
import type { CheckedOrder } from '../domain/actions.js';
import type { Money } from '../domain/model.js';
import { IdempotencyKeyReusedError, InternalError, NotPossibleNowError } from '../errors.js';
import type { NewRefundRequest, RefundRequestRecord } from '../store/index.js';
import { isAboveLimit, refundLimitOf } from './refund-limits.js';
import { hashInput } from './request-hash.js';
import { compareDecimal, type RefundRequest } from './validate.js';

/**
 * A held refund as written ahead under the requester's key: the request row's own facts (its store, expiry and bound
 * are the acting store's and the configuration's when it is written).
 */
export type HeldRefund = Omit<NewRefundRequest, 'id' | 'store' | 'ttlMs' | 'maxPending'> & { requestId: string };

const REQUEST_ID = /^rr_[0-9a-f]{32}$/;

/**
 * Most requests one order may have pending (waiting for a decision, or being approved). Each held refund adds one and
 * only an approver removes it (or its expiry): without a bound, one order could collect them without end.
 */
export const MAX_PENDING_REFUND_REQUESTS = 20;

/** The request id of a refund held under this key in this store: the same for every retry, distinct across stores. */
export function refundRequestId(store: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${store}\u0000${idempotencyKey}\u0000refund-request`).digest('hex');
  return `rr_${digest.slice(0, 32)}`;
}

/** True for a string shaped like a request id (anything else is refused before the database is asked). */
export function isRefundRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID.test(value);
}

/** The hold for a refund of `amount` when it is above the caller's limit in the acting store; null to refund now. */
export function holdIfAboveLimit(ctx: ActingContext, req: RefundRequest, order: CheckedOrder, amount: Money): HeldRefund | null {
  const { caller } = ctx;
  const store = ctx.acting.handle;
  const limit = refundLimitOf(caller, store, ctx.deps.config.refunds);
  if (limit === null || !isAboveLimit(amount, limit)) return null;
  // act() checked the scope first, so the caller is an agent; anything else is our bug.
  if (!caller.authenticated) throw new InternalError('a refund was prepared without an agent');
  const { lineItems, shipping, note, notifyCustomer, toStoreCredit } = req;
  return {
    requestId: refundRequestId(store, req.idempotencyKey),
    orderId: req.orderId,
    customerId: order.customerId,
    requestedBy: caller.agentId,
    requestedKey: req.idempotencyKey,
    ask: { lineItems, shipping, note, notifyCustomer, toStoreCredit },
    amount,
    limit,
  };
}

/**
 * Writes the held refund's request (once, whatever the retries); its id. The id comes from the store and the key alone,
 * so a row that already exists is this hold's only when it asks the same: the key's own retry after a crash. A row for
 * another order, requester, amount or ask was written under the same key before its idempotency record was purged
 * (24 h): the key names that other request, so this one is refused as IDEMPOTENCY_KEY_REUSED, never answered with it.
 * An order that already has MAX_PENDING_REFUND_REQUESTS pending refuses it (TOO_MANY_PENDING_REQUESTS, nothing written).
 */
export async function writeHold(ctx: ActingContext, hold: HeldRefund): Promise<string> {
  const { requestId, ...facts } = hold;
  const result = await ctx.deps.store.refundRequests.create({
    ...facts,
    id: requestId,
    store: ctx.acting.handle,
    ttlMs: ctx.deps.config.refunds.requestTtlSeconds * 1000,
    maxPending: MAX_PENDING_REFUND_REQUESTS,
  });
  if (result.record === null) {
    // Another hold took the last place between this attempt's check and its insert.
    ctx.logger.info({ store: ctx.acting.handle, orderId: hold.orderId }, 'refund hold refused: the order has too many pending requests');
    throw tooManyPending();
  }
  const { record, created } = result;
  if (!created && !isSameHold(record, hold)) {
    ctx.logger.warn({ refundRequest: record.id, store: record.store }, 'idempotency key already names another refund request');
    throw new IdempotencyKeyReusedError();
  }
  if (created) ctx.logger.info({ refundRequest: record.id, store: record.store, orderId: record.orderId }, 'refund held for approval');
  ctx.loaders.refundRequests.clear({ store: record.store, orderId: record.orderId });
  return record.id;
}

/** TOO_MANY_PENDING_REQUESTS: the order's pending requests must be decided before another refund is held on it. */
function tooManyPending(): NotPossibleNowError {
  return new NotPossibleNowError(
    'input.orderId',
    'TOO_MANY_PENDING_REQUESTS',
    `this order already has ${MAX_PENDING_REFUND_REQUESTS} refund requests waiting for a decision, the most one order may have: ` +
      'an approver must approve or reject one of them before another refund above your limit can be held',
  );
}

/**
 * Refuses (TOO_MANY_PENDING_REQUESTS, before the key is claimed, so nothing is written and the key stays unused) a hold
 * on an order that already has the most pending, unless its request is already one of them (written under this key
 * before the key's record was purged: writeHold answers or refuses it as before). The insert enforces the bound again.
 */
export async function requireRoomFor(ctx: ActingContext, hold: HeldRefund): Promise<void> {
  const requests = ctx.deps.store.refundRequests;
  if ((await requests.countPending(ctx.acting.handle, hold.orderId)) < MAX_PENDING_REFUND_REQUESTS) return;
  if ((await requests.get(hold.requestId)) !== null) return;
  throw tooManyPending();
}

/** True when a stored request is this hold: same order, requester, amount (shop currency) and ask. */
function isSameHold(record: RefundRequestRecord, hold: HeldRefund): boolean {
  return (
    record.orderId === hold.orderId &&
    record.requestedBy === hold.requestedBy &&
    record.amount.currencyCode === hold.amount.currencyCode &&
    compareDecimal(record.amount.amount, hold.amount.amount) === 0 &&
    // Both went through JSON (the row, the written-ahead hold): compared by canonical hash, not by key order.
    hashInput(record.ask) === hashInput(hold.ask)
  );
}
