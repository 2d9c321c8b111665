/**
 * Refund requests nobody decided in time expire: a pending request past `expiresAt` already reads EXPIRED (computed
 * on read); this sweep also turns it `expired` in the table and records one audit entry per request
 * (expireRefundRequest, no agent), so an order's agent actions show the whole life of a request. app.ts runs it every
 * minute; an approval or rejection that meets an expired request runs it for that request first.
 */
import type { AppDeps } from '../context.js';
import { boundedEntry } from '../audit/attempt.js';
import type { RefundRequestRecord } from '../store/index.js';

/** How often app.ts sweeps. */
export const REFUND_REQUEST_SWEEP_MS = 60_000;
/** Most request ids one sweep's log line names: the count says how many there were, the audit names every one. */
export const MAX_LOGGED_EXPIRED_IDS = 20;

/**
 * Expires the pending requests past their expiry (only `ids`, when given) and audits each once: the conditional UPDATE
 * hands each expired row to exactly one sweeper, even with several processes sweeping one database. Returns them.
 */
export async function expireRefundRequests(
  deps: Pick<AppDeps, 'store' | 'logger'>,
  ids?: readonly string[],
): Promise<RefundRequestRecord[]> {
  const expired = await deps.store.refundRequests.expireDue(ids);
  for (const request of expired) {
    try {
      await deps.store.audit.record(
        boundedEntry({
          store: request.store,
          agentId: null,
          action: 'expireRefundRequest',
          outcome: 'succeeded',
          orderId: request.orderId,
          customerId: request.customerId,
          profileId: null,
          amount: request.amount.amount,
          currencyCode: request.amount.currencyCode,
          idempotencyKey: null,
          shopifyIds: {},
          errorCode: null,
          detail: `request=${request.id} expired without a decision; no money moved`,
        }),
      );
    } catch (error) {
      // The row stays expired (the decision that matters); a lost audit line is logged, not retried forever.
      deps.logger.error(
        { refundRequest: request.id, err: { message: (error as Error).message } },
        'could not audit a refund request expiry',
      );
    }
  }
  if (expired.length > 0) {
    const ids = expired.slice(0, MAX_LOGGED_EXPIRED_IDS).map((r) => r.id);
    deps.logger.info({ count: expired.length, expired: ids }, 'refund requests expired');
  }
  return expired;
}

/** Sweeps every `everyMs` until the returned stop() (a sweep still running is not overlapped by the next one). */
export function startRefundRequestSweep(deps: Pick<AppDeps, 'store' | 'logger'>, everyMs = REFUND_REQUEST_SWEEP_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    expireRefundRequests(deps)
      .catch((error) => deps.logger.warn({ err: { message: (error as Error).message } }, 'could not sweep expired refund requests'))
      .finally(() => (running = false));
  }, everyMs);
  // The sweep never keeps the process alive on its own: shutdown is decided elsewhere.
  timer.unref();
  return () => clearInterval(timer);
}
