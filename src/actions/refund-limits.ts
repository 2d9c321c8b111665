/**
 * An agent's refund limit: the most a refund may be, in the shop's currency of the store acted in, before it needs a
 * supervisor's approval. First the token's `shopify_refund_limit` claim (one amount, or one per store handle); else
 * the most generous default SHOPIFY_REFUND_LIMITS sets for a scope the token carries (`none` = no limit wins); else
 * no limit (as before limits existed).
 */
import type { Caller } from '../auth.js';
import type { RefundConfig } from '../config-refunds.js';
import type { StoreHandle } from '../domain/stores.js';
import type { Money } from '../domain/model.js';
import { ApprovalForbiddenError } from '../errors.js';
import { compareDecimal } from './validate.js';

/** The caller's limit in the store (a decimal string), or null when nothing limits it. */
export function refundLimitOf(caller: Caller, store: StoreHandle, refunds: RefundConfig): string | null {
  if (!caller.authenticated) return null;
  const claim = caller.refundLimit;
  if (typeof claim === 'string') return claim;
  // Own property only: a handle like "constructor" must not read the prototype.
  if (claim && Object.hasOwn(claim, store)) return claim[store]!;
  let limit: string | null = null;
  let limited = false;
  for (const [scope, configured] of refunds.limitsByScope) {
    if (!caller.scopes.has(scope)) continue;
    if (configured === null) return null;
    limited = true;
    if (limit === null || compareDecimal(configured, limit) > 0) limit = configured;
  }
  return limited ? limit : null;
}

/** True when the amount is above the limit (null: no limit). */
export function isAboveLimit(amount: Money, limit: string | null): boolean {
  return limit !== null && compareDecimal(amount.amount, limit) > 0;
}

/**
 * Refuses (FORBIDDEN) an approver whose own limit in the store is below the request's amount: approving gives no more
 * authority to move money than refunding directly.
 */
export function requireApproverLimit(caller: Caller, store: StoreHandle, refunds: RefundConfig, amount: Money): void {
  const limit = refundLimitOf(caller, store, refunds);
  if (!isAboveLimit(amount, limit)) return;
  throw new ApprovalForbiddenError(
    'ABOVE_LIMIT',
    `This request is for ${amount.amount} ${amount.currencyCode}, above your own refund limit of ${limit} ${amount.currencyCode} in the store "${store}": an approver with a higher limit must decide it`,
  );
}

/**
 * Refuses (FORBIDDEN, ABOVE_LIMIT) a cancel that would refund more than the caller's limit in the store: orderCancel
 * refunds everything received and not yet refunded at once, with no way to hold it for approval, so the agent is told
 * the way that keeps the limit — cancel without a refund, then refund with refundOrder (held above the limit).
 */
export function requireCancelRefundWithinLimit(store: StoreHandle, refund: Money, limit: string | null): void {
  if (!isAboveLimit(refund, limit)) return;
  const { amount, currencyCode } = refund;
  throw new ApprovalForbiddenError(
    'ABOVE_LIMIT',
    `Cancelling this order with a refund would refund ${amount} ${currencyCode}, above your refund limit of ${limit} ${currencyCode} in the store "${store}": cancel it without a refund (refund: false), then refund it with refundOrder, which holds a refund above your limit for a supervisor's approval`,
  );
}
