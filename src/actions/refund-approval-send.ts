/**
 * The approving phase of an approval (./refund-approval.ts). First the request is held for this approver, one of:
 *
 *   start:    pending → approving, storing on the row the refundCreate to send and a hold (leaseMsFor the config: it
 *             outlasts one Shopify call twice over, so a working approver is never overtaken);
 *   takeover: an approval whose approver left it approving past its hold (their process died, and they never retried)
 *             becomes this approver's, with a new hold — one conditional UPDATE, so of two takers exactly one wins;
 *   resume:   our own approval after a lost answer (same agent, same key) is held again.
 *
 * Then EXACTLY the stored refundCreate is sent, never a recomputed one: Shopify answers
 * IDEMPOTENCY_KEY_PARAMETER_MISMATCH for its key with other parameters, and re-checking what is refundable would fail a
 * refund the first attempt did make. Its @idempotent key (derived from the request id) returns the original refund if
 * the first attempt reached Shopify, or makes it now: one refund either way. Then approving → approved or failed.
 */
import type { ActingContext } from '../context.js';
import { InternalError } from '../errors.js';
import type { Decider, RefundRequestRecord } from '../store/index.js';
import { leaseMsFor } from './idempotency.js';
import { decidedBy, notPendingOutcome, outcomeOf, shopifyRefusal, type DecisionOutcome } from './refund-approval-outcomes.js';
import { sendRefund, type RefundSent } from './refund.js';
import { SHOPIFY_USER_ERROR } from './user-errors.js';

/** An approval to carry out: a fresh one with the refund its re-check prepared, or the takeover of one left by `from`. */
export type Approval = { decider: Decider; refund: RefundSent } | { decider: Decider; takeover: { from: string } };

/** Holds the request for the approver (start, takeover or resume), sends its stored refund and records how it ended. */
export async function approveRequest(ctx: ActingContext, approval: Approval): Promise<DecisionOutcome> {
  const repo = ctx.deps.store.refundRequests;
  const { decider } = approval;
  const held = await holdFor(ctx, approval);
  if ('outcome' in held) return held.outcome;

  // A throw here (no answer) leaves the row approving under our hold: our retry resumes it; past the hold anyone may.
  const result = await sendRefund(ctx, storedRefund(held.request));
  const takenOver = 'takeover' in approval ? { takenOverFrom: approval.takeover.from } : {};
  const first = result.userErrors[0];
  const ok = result.refund !== null && first === undefined;
  const finished = await repo.finishApproval(decider, ok ? { refund: result.refund! } : { errorCode: first?.code ?? SHOPIFY_USER_ERROR });
  // Taken over meanwhile (our hold lapsed mid-call): the refund is the same one, the taker records it and answers.
  if (!finished) return notPendingOutcome((await repo.get(decider.id))!);
  if (ok) return { ...outcomeOf(finished, [], result.refund), ...takenOver };
  const refusals = result.userErrors.map((e) => shopifyRefusal(e.code ?? SHOPIFY_USER_ERROR, e.message));
  return { ...outcomeOf(finished, refusals), ...takenOver };
}

/** The request held for this approver now, or the outcome to answer instead (lost the race; or ours, finished). */
async function holdFor(ctx: ActingContext, approval: Approval): Promise<{ request: RefundRequestRecord } | { outcome: DecisionOutcome }> {
  const repo = ctx.deps.store.refundRequests;
  const { decider } = approval;
  const leaseMs = leaseMsFor(ctx.deps.config);
  const moved =
    'refund' in approval ? await repo.startApproval(decider, { sent: approval.refund, leaseMs }) : await repo.takeOver(decider, leaseMs);
  if (moved) return { request: moved };
  const current = (await repo.get(decider.id))!;
  if (!decidedBy(current, decider)) return { outcome: notPendingOutcome(current) };
  // Ours, but already finished (the answer was lost after the row was settled): its record is the outcome.
  if (current.state === 'approved') return { outcome: outcomeOf(current, []) };
  if (current.state === 'failed') {
    return { outcome: outcomeOf(current, [shopifyRefusal(current.errorCode ?? SHOPIFY_USER_ERROR, 'Shopify refused the refund')]) };
  }
  if (current.state !== 'approving') return { outcome: notPendingOutcome(current) };
  // Ours and still approving (our answer was lost): hold it again before resending, unless it was taken over meanwhile.
  const resumed = await repo.renewApproval(decider, leaseMs);
  return resumed ? { request: resumed } : { outcome: notPendingOutcome((await repo.get(decider.id))!) };
}

/** The refundCreate stored at the move to approving, exactly as stored. */
function storedRefund(request: RefundRequestRecord): RefundSent {
  const sent = request.approving?.sent as Partial<RefundSent> | undefined;
  if (!sent || typeof sent.shopifyKey !== 'string' || typeof sent.input !== 'object' || sent.input === null) {
    throw new InternalError(`the refund request ${request.id} is being approved but holds no refund to send`);
  }
  return sent as RefundSent;
}
