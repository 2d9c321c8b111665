/**
 * Approving and rejecting a held refund (./refund-hold.ts), each exactly once per the decider's idempotency key
 * (./idempotency.ts) and each ONE conditional move of the request's row (store/refund-requests.ts), so that of any
 * number of approvers in any number of processes exactly one decides:
 *
 *   approve: re-check the order now (the refund's own preparation: what is still refundable, Shopify's suggestion) —
 *            no longer possible → the request FAILS (NO_LONGER_REFUNDABLE), nothing sent; else pending → approving
 *            (the winner), refundCreate under Shopify's @idempotent key derived from the REQUEST id (never the
 *            approver's key: a resend after a crash, by anyone, can never refund twice), then approved or failed.
 *   reject:  pending → rejected with the reason.
 *
 * A decider that loses the race gets REQUEST_NOT_PENDING as its settled outcome (a retry with its key replays it).
 */
import { createHash } from 'node:crypto';
import type { ActingContext } from '../context.js';
import { BadInputError, NotPossibleNowError } from '../errors.js';
import type { Money } from '../domain/model.js';
import type { Decider, RefundRequestRecord } from '../store/index.js';
import type { ActionSpec, Outcome, UserError } from './idempotency.js';
import { expireRefundRequests } from './refund-approval-expiry.js';
import { prepareRefund, sendRefund, type RefundSent } from './refund.js';
import { SHOPIFY_USER_ERROR } from './user-errors.js';

/** An approval or a rejection, checked. */
export interface DecisionRequest {
  idempotencyKey: string;
  /** the request's id */
  id: string;
}

export interface RejectRequest extends DecisionRequest {
  reason: string;
}

/** What an approval or rejection ended with (stored under the decider's key). */
export interface DecisionOutcome extends Outcome {
  requestId: string;
  orderId: string;
  customerId: string | null;
  refund: { id: string; total: Money } | null;
}

/** An approval's written-ahead intent: the refund to send, or the failure the re-check found. */
export type ApproveSent = { decider: Decider; refund: RefundSent } | { decider: Decider; notRefundable: { message: string } };

/** The code a request fails with when the order no longer allows its refund (found before anything is sent). */
export const NO_LONGER_REFUNDABLE = 'NO_LONGER_REFUNDABLE';

/** Shopify's idempotency key for the refund of a request: the same for every approver and every resend. */
export function shopifyApprovalKey(requestId: string): string {
  return createHash('sha256').update(`${requestId}\u0000approved-refund`).digest('hex');
}

export const approveSpec: ActionSpec<DecisionRequest, ApproveSent, DecisionOutcome> = {
  action: 'approveRefundRequest',
  async prepare(ctx, req) {
    const request = await requirePending(ctx, req.id);
    const decider = deciderOf(ctx, req);
    const asked = { idempotencyKey: request.id, orderId: request.orderId, ...request.ask };
    try {
      const { sent } = await prepareRefund(ctx, asked);
      return { decider, refund: { ...sent, shopifyKey: shopifyApprovalKey(request.id) } };
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      // The refund's checks speak of the requester's input: their field names the part of the request that changed.
      return { decider, notRefundable: { message: `the order changed since the request: ${error.message.replace(/^input\./, '')}` } };
    }
  },
  async send(ctx, sent) {
    return 'notRefundable' in sent
      ? failRequest(ctx, sent.decider, sent.notRefundable.message)
      : approveRequest(ctx, sent.decider, sent.refund);
  },
  // The request's row says how far an approval got, and the refund goes under a Shopify key: resending is safe.
  reconcile: async () => null,
};

export const rejectSpec: ActionSpec<RejectRequest, { decider: Decider; reason: string }, DecisionOutcome> = {
  action: 'rejectRefundRequest',
  async prepare(ctx, req) {
    await requirePending(ctx, req.id);
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

/** The request, when it can still be decided; REQUEST_EXPIRED or REQUEST_NOT_PENDING (a payload user error) if not. */
async function requirePending(ctx: ActingContext, id: string): Promise<RefundRequestRecord> {
  const request = await ctx.deps.store.refundRequests.get(id);
  if (!request) throw new BadInputError('input.id', 'no refund request has this id');
  if (request.status === 'EXPIRED' && request.state === 'pending') {
    // Expired on read but not yet swept: expire (and audit) it now, so the trail shows it before this refusal.
    await expireRefundRequests(ctx.deps, [id]);
    ctx.loaders.refundRequests.clear({ store: request.store, orderId: request.orderId });
  }
  const refusal = notPending(request);
  if (refusal) throw refusal;
  return request;
}

/** Why a request can no longer be decided, or null while it is pending. */
function notPending(request: RefundRequestRecord): NotPossibleNowError | null {
  const { state, decision } = request;
  // EXPIRED: swept (state expired), or pending past its expiry; an approval in flight never reads expired.
  if (request.status === 'EXPIRED' || state === 'expired') {
    return new NotPossibleNowError('input.id', 'REQUEST_EXPIRED', `this refund request expired at ${request.expiresAt} without a decision`);
  }
  if (state === 'pending') return null;
  const who = decision ? `${decision.by} at ${decision.at}` : 'an approver';
  const problem: Record<typeof state, string> = {
    approving: `this refund request is being approved by ${who}`,
    approved: `this refund request was already approved by ${who}`,
    rejected: `this refund request was already rejected by ${who}`,
    failed: `this refund request already failed (${request.errorCode ?? 'unknown'}) when approved by ${who}`,
  };
  return new NotPossibleNowError('input.id', 'REQUEST_NOT_PENDING', problem[state]);
}

/** The refusal as a settled outcome: a decider that lost the race keeps it under its key. */
function notPendingOutcome(request: RefundRequestRecord): DecisionOutcome {
  const refusal =
    notPending(request) ?? new NotPossibleNowError('input.id', 'REQUEST_NOT_PENDING', 'this refund request changed meanwhile');
  return outcomeOf(request, [{ field: ['input', 'id'], message: refusal.message.replace(/^input\.id: /, ''), code: refusal.reason }]);
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

/** Wins the request (or resumes our own approval after a lost answer), sends the refund, records how it ended. */
async function approveRequest(ctx: ActingContext, decider: Decider, refund: RefundSent): Promise<DecisionOutcome> {
  const repo = ctx.deps.store.refundRequests;
  const won = (await repo.startApproval(decider)) ?? (await repo.get(decider.id));
  if (!won || !decidedBy(won, decider)) return notPendingOutcome(won!);
  // Ours, but already finished (the answer was lost after the row was settled): its record is the outcome.
  if (won.state === 'approved') return outcomeOf(won, []);
  if (won.state === 'failed') return outcomeOf(won, [shopifyRefusal(won.errorCode ?? SHOPIFY_USER_ERROR, 'Shopify refused the refund')]);
  if (won.state !== 'approving') return notPendingOutcome(won);

  // A throw here (no answer) leaves the row approving and our key unknown: our retry resends under the same key.
  const result = await sendRefund(ctx, refund);
  if (result.refund && result.userErrors.length === 0) {
    const approved = await repo.finishApproval(decider, { refund: result.refund });
    return outcomeOf(approved ?? won, [], result.refund);
  }
  const first = result.userErrors[0];
  const failed = await repo.finishApproval(decider, { errorCode: first?.code ?? SHOPIFY_USER_ERROR });
  // Shopify's field paths speak of the requester's refund input, which the approver did not write: no field here.
  return outcomeOf(
    failed ?? won,
    result.userErrors.map((e) => shopifyRefusal(e.code ?? SHOPIFY_USER_ERROR, e.message)),
  );
}

function shopifyRefusal(code: string, message: string): UserError {
  return { field: null, message, code };
}

function deciderOf(ctx: ActingContext, req: DecisionRequest): Decider {
  // act() checked the scope first, so the caller is an agent.
  if (!ctx.caller.authenticated) throw new Error('a refund request was decided without an agent');
  return { id: req.id, by: ctx.caller.agentId, key: req.idempotencyKey };
}

/** True when the row's decision is this decider's (same agent, same key): our own earlier attempt. */
function decidedBy(request: RefundRequestRecord, decider: Decider): boolean {
  return request.decision?.by === decider.by && request.decision.key === decider.key;
}

function outcomeOf(
  request: RefundRequestRecord,
  userErrors: UserError[],
  refund: { id: string; total: Money } | null = request.refund,
): DecisionOutcome {
  return {
    requestId: request.id,
    orderId: request.orderId,
    customerId: request.customerId,
    refund: userErrors.length ? null : refund,
    userErrors,
  };
}
