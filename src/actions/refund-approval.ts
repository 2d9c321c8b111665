/**
 * Approving and rejecting a held refund (./refund-hold.ts), each exactly once per the decider's idempotency key
 * (./idempotency.ts) and each ONE conditional move of the request's row (store/refund-requests.ts), so that of any
 * number of approvers in any number of processes exactly one decides:
 *
 *   approve: re-check the order now (the refund's own preparation: what is still refundable, Shopify's suggestion) —
 *            no longer possible → the request FAILS (NO_LONGER_REFUNDABLE), nothing sent; else pending → approving
 *            (the winner), refundCreate under Shopify's @idempotent key derived from the REQUEST id (never the
 *            approver's key: a resend after a crash, by anyone, can never refund twice), then approved or failed.
 *            An approval left approving past its approver's hold (their process died) is taken over by the next
 *            approval, which resends the stored refundCreate unchanged, with no re-check (./refund-approval-send.ts).
 *   reject:  pending → rejected with the reason.
 *
 * A decider that loses the race gets REQUEST_NOT_PENDING as its settled outcome (a retry with its key replays it).
 */
import { createHash } from 'node:crypto';
import type { ActingContext } from '../context.js';
import { BadInputError, NotPossibleNowError } from '../errors.js';
import type { Decider, RefundRequestRecord } from '../store/index.js';
import type { ActionSpec } from './idempotency.js';
import { expireRefundRequests } from './refund-approval-expiry.js';
import { decidedBy, notPending, notPendingOutcome, outcomeOf, type DecisionOutcome } from './refund-approval-outcomes.js';
import { approveRequest, type Approval } from './refund-approval-send.js';
import { prepareRefund } from './refund.js';
import { compareDecimal } from './validate.js';
import type { Money } from '../domain/model.js';

export { decisionDetail, type DecisionOutcome } from './refund-approval-outcomes.js';

/** An approval or a rejection, checked. */
export interface DecisionRequest {
  idempotencyKey: string;
  /** the request's id */
  id: string;
}

export interface RejectRequest extends DecisionRequest {
  reason: string;
}

/**
 * An approval's written-ahead intent: the refund to send, the takeover of an approval left past its hold, or the
 * failure the re-check found.
 */
export type ApproveSent = Approval | { decider: Decider; notRefundable: { message: string } };

/** The code a request fails with when the order no longer allows its refund (found before anything is sent). */
export const NO_LONGER_REFUNDABLE = 'NO_LONGER_REFUNDABLE';

/** Shopify's idempotency key for the refund of a request: the same for every approver and every resend. */
export function shopifyApprovalKey(requestId: string): string {
  return createHash('sha256').update(`${requestId}\u0000approved-refund`).digest('hex');
}

export const approveSpec: ActionSpec<DecisionRequest, ApproveSent, DecisionOutcome> = {
  action: 'approveRefundRequest',
  async prepare(ctx, req) {
    const request = await requireDecidable(ctx, req.id, true);
    const decider = deciderOf(ctx, req);
    // Left approving past its hold: finish it with the refund it stored. No re-check: that refund may have been made.
    if (request.state === 'approving') {
      refuseStaleTakeover(request);
      return { decider, takeover: { from: request.decision?.by ?? 'an approver' } };
    }
    const asked = { idempotencyKey: request.id, orderId: request.orderId, ...request.ask };
    try {
      const { sent } = await prepareRefund(ctx, asked);
      const more = moreThanRequested(sent.suggested, request.amount);
      if (more) return { decider, notRefundable: { message: more } };
      return { decider, refund: { ...sent, shopifyKey: shopifyApprovalKey(request.id), startedAt: new Date().toISOString() } };
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      // The refund's checks speak of the requester's input: their field names the part of the request that changed.
      return { decider, notRefundable: { message: `the order changed since the request: ${error.message.replace(/^input\./, '')}` } };
    }
  },
  async send(ctx, sent) {
    return 'notRefundable' in sent ? failRequest(ctx, sent.decider, sent.notRefundable.message) : approveRequest(ctx, sent);
  },
  // The request's row says how far an approval got, and the refund goes under a Shopify key: resending is safe.
  reconcile: async () => null,
};

export const rejectSpec: ActionSpec<RejectRequest, { decider: Decider; reason: string }, DecisionOutcome> = {
  action: 'rejectRefundRequest',
  async prepare(ctx, req) {
    // An approval in flight is never rejected, even past its hold: its refund may already be made.
    await requireDecidable(ctx, req.id, false);
    return { decider: deciderOf(ctx, req), reason: req.reason };
  },
  async send(ctx, { decider, reason }) {
    const repo = ctx.deps.store.refundRequests;
    const rejected = (await repo.reject(decider, reason)) ?? (await repo.get(decider.id));
    if (rejected?.state === 'rejected' && decidedBy(rejected, decider)) return outcomeOf(rejected, []);
    return notPendingOutcome(rejected!);
  },
  reconcile: async () => null,
};

/**
 * The request, when it can still be decided (pending; or, for an approval, approving past its approver's hold);
 * REQUEST_EXPIRED or REQUEST_NOT_PENDING (a payload user error) if not.
 */
async function requireDecidable(ctx: ActingContext, id: string, takeover: boolean): Promise<RefundRequestRecord> {
  const request = await ctx.deps.store.refundRequests.get(id);
  if (!request) throw new BadInputError('input.id', 'no refund request has this id');
  if (request.status === 'EXPIRED' && request.state === 'pending') {
    // Expired on read but not yet swept: expire (and audit) it now, so the trail shows it before this refusal.
    await expireRefundRequests(ctx.deps, [id]);
    ctx.loaders.refundRequests.clear({ store: request.store, orderId: request.orderId });
  }
  const refusal = notPending(request, takeover);
  if (refusal) throw refusal;
  return request;
}

/**
 * How long after an approval first sent its refund a takeover may still send it again. Shopify keeps an @idempotent
 * key about 24 h (reported, not confirmed): after that, a resend could make a second refund, so an approval left
 * unfinished that long is refused and must be checked in Shopify by hand.
 */
export const TAKEOVER_WINDOW_MS = 20 * 60 * 60 * 1000;

/** NEEDS_MANUAL_CHECK when the approval in flight first sent its refund longer than TAKEOVER_WINDOW_MS ago. */
export function refuseStaleTakeover(request: RefundRequestRecord, now = Date.now()): void {
  const startedAt = (request.approving?.sent as { startedAt?: unknown } | undefined)?.startedAt;
  const started = typeof startedAt === 'string' ? Date.parse(startedAt) : NaN;
  // A row without the time (or with an unreadable one) cannot prove it is recent: refused, never resent blindly.
  if (Number.isFinite(started) && now - started <= TAKEOVER_WINDOW_MS) return;
  throw new NotPossibleNowError(
    'input.id',
    'NEEDS_MANUAL_CHECK',
    `the approval by ${request.decision?.by ?? 'an approver'} started ${typeof startedAt === 'string' ? `at ${startedAt} ` : ''}and never finished; ` +
      'too long ago to resend it safely: check the order’s refunds in the Shopify admin',
  );
}

/** The re-check found the refund no longer possible: the request fails (if still pending), nothing is sent. */
async function failRequest(ctx: ActingContext, decider: Decider, message: string): Promise<DecisionOutcome> {
  const repo = ctx.deps.store.refundRequests;
  const failed = (await repo.fail(decider, NO_LONGER_REFUNDABLE)) ?? (await repo.get(decider.id));
  if (failed?.state === 'failed' && decidedBy(failed, decider)) {
    return outcomeOf(failed, [{ field: ['input', 'id'], message, code: NO_LONGER_REFUNDABLE }]);
  }
  return notPendingOutcome(failed!);
}

/**
 * Why the refund as Shopify computes it now may not be made under this request: more than was requested (a request for
 * "every line item" on an order that grew, or another exchange rate). The approver approved the requested amount, and
 * their own limit was checked against it, so a larger refund needs a new request. Null when it is not more.
 */
export function moreThanRequested(now: Money, requested: Money): string | null {
  if (now.currencyCode !== requested.currencyCode || compareDecimal(now.amount, requested.amount) > 0) {
    return `the refund would now be ${now.amount} ${now.currencyCode}, more than the ${requested.amount} ${requested.currencyCode} requested; ask for a new refund`;
  }
  return null;
}

function deciderOf(ctx: ActingContext, req: DecisionRequest): Decider {
  // act() checked the scope first, so the caller is an agent.
  if (!ctx.caller.authenticated) throw new Error('a refund request was decided without an agent');
  return { id: req.id, by: ctx.caller.agentId, key: req.idempotencyKey };
}
