/**
 * What a decision on a refund request answers (./refund-approval.ts, ./refund-approval-send.ts): the outcome stored
 * under the decider's key, and the refusal wording for a request that can no longer be decided — one per state, and
 * for an approval in flight the end of its approver's hold, so the agent knows when approving again takes it over.
 */
import { NotPossibleNowError } from '../errors.js';
import type { Money } from '../domain/model.js';
import type { Decider, RefundRequestRecord } from '../store/index.js';
import type { Outcome, UserError } from './idempotency.js';

/** What an approval or rejection ended with (stored under the decider's key). */
export interface DecisionOutcome extends Outcome {
  requestId: string;
  orderId: string;
  customerId: string | null;
  refund: { id: string; total: Money } | null;
  /** the agent whose approval, left past its hold, this approval took over and finished (absent otherwise) */
  takenOverFrom?: string;
}

/** The audit `detail` of a decision attempt: the request, and the approval it took over if it did (agent ids only). */
export function decisionDetail(requestId: string, outcome?: Pick<DecisionOutcome, 'takenOverFrom'>): string {
  const from = outcome?.takenOverFrom;
  return from === undefined ? `request=${requestId}` : `request=${requestId}; took over an approval left by ${from}`;
}

/**
 * Why a request can no longer be decided, or null while it can: pending, or — when `takeover` is allowed (an
 * approval) — approving with its approver's hold lapsed.
 */
export function notPending(request: RefundRequestRecord, takeover = false): NotPossibleNowError | null {
  const { state, decision } = request;
  // EXPIRED: swept (state expired), or pending past its expiry; an approval in flight never reads expired.
  if (request.status === 'EXPIRED' || state === 'expired') {
    return new NotPossibleNowError('input.id', 'REQUEST_EXPIRED', `this refund request expired at ${request.expiresAt} without a decision`);
  }
  if (state === 'pending') return null;
  if (state === 'approving' && takeover && request.approving?.lapsed) return null;
  const who = decision ? `${decision.by} at ${decision.at}` : 'an approver';
  const problem: Record<typeof state, string> = {
    approving: `this refund request is being approved by ${who}${holdOf(request)}`,
    approved: `this refund request was already approved by ${who}`,
    rejected: `this refund request was already rejected by ${who}`,
    failed: `this refund request already failed (${request.errorCode ?? 'unknown'}) when approved by ${who}`,
  };
  return new NotPossibleNowError('input.id', 'REQUEST_NOT_PENDING', problem[state]);
}

/** When the approver's hold on an approval in flight ends (or ended), and what an agent can do then. */
function holdOf({ approving }: RefundRequestRecord): string {
  if (!approving) return '';
  return approving.lapsed
    ? `, whose hold on it ended at ${approving.until}: approving it (not rejecting) finishes that approval, whose refund may already be made`
    : `, who holds it until ${approving.until}: if that approval has not finished by then, approving again takes it over`;
}

/** The refusal as a settled outcome: a decider that lost the race keeps it under its key. */
export function notPendingOutcome(request: RefundRequestRecord): DecisionOutcome {
  const refusal =
    notPending(request) ?? new NotPossibleNowError('input.id', 'REQUEST_NOT_PENDING', 'this refund request changed meanwhile');
  return outcomeOf(request, [{ field: ['input', 'id'], message: refusal.message.replace(/^input\.id: /, ''), code: refusal.reason }]);
}

/** Shopify's refusal of the refund as a user error (its field paths name the requester's input: no field). */
export function shopifyRefusal(code: string, message: string): UserError {
  return { field: null, message, code };
}

/** True when the row's decision is this decider's (same agent, same key): our own earlier attempt. */
export function decidedBy(request: RefundRequestRecord, decider: Decider): boolean {
  return request.decision?.by === decider.by && request.decision.key === decider.key;
}

/** The outcome a request's record answers with (no refund when there are user errors). */
export function outcomeOf(
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
