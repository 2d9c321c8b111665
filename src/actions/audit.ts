/**
 * The audit trail of agent actions: one entry per attempt, whatever its outcome, with ids, amounts and codes only
 * (never emails, names or addresses). Shared by the order actions and by manual linking.
 */
import { requireScope, type Scope } from '../auth.js';
import type { RequestContext } from '../context.js';
import { isAppError } from '../errors.js';
import type { AuditAction, AuditOutcome } from '../store/index.js';

export interface AuditFacts {
  orderId?: string | null;
  customerId?: string | null;
  profileId?: string | null;
  amount?: { amount: string; currencyCode: string } | null;
  shopifyIds?: Record<string, string>;
  detail?: string | null;
}

/** The audit outcome of an error: no permission → denied, bad input or refused key → rejected, lost answer → unknown. */
export function outcomeOf(error: unknown): AuditOutcome {
  const code = errorCodeOf(error);
  if (code === 'FORBIDDEN' || code === 'UNAUTHENTICATED') return 'denied';
  if (code === 'BAD_USER_INPUT' || code === 'IDEMPOTENCY_KEY_REUSED' || code === 'IDEMPOTENCY_IN_PROGRESS') return 'rejected';
  if (code === 'SHOPIFY_OUTCOME_UNKNOWN') return 'unknown';
  return 'failed';
}

/** The client-visible code of an error (INTERNAL_SERVER_ERROR for anything that is not ours). */
export function errorCodeOf(error: unknown): string {
  return isAppError(error) ? error.code : 'INTERNAL_SERVER_ERROR';
}

/** The trail of one attempt: facts are added as they become known, then the attempt is recorded once. */
export class AttemptAudit {
  private facts: AuditFacts = {};
  private recorded = false;

  constructor(
    private readonly ctx: RequestContext,
    readonly action: AuditAction,
    private idempotencyKey: string | null = null,
  ) {}

  /** Adds what became known (ids, amount, Shopify ids); later values win. */
  note(facts: AuditFacts): void {
    this.facts = { ...this.facts, ...facts, shopifyIds: { ...this.facts.shopifyIds, ...facts.shopifyIds } };
  }

  /** Sets the idempotency key once it passed validation. */
  keyed(key: string): void {
    this.idempotencyKey = key;
  }

  /** Records the attempt (once). A failed write is logged, not thrown: the action's own outcome must reach the agent. */
  async record(outcome: AuditOutcome, errorCode: string | null = null): Promise<void> {
    if (this.recorded) return;
    this.recorded = true;
    const { ctx, facts } = this;
    const entry = {
      agentId: ctx.caller.authenticated ? ctx.caller.agentId : null,
      action: this.action,
      outcome,
      orderId: facts.orderId ?? null,
      customerId: facts.customerId ?? null,
      profileId: facts.profileId ?? null,
      amount: facts.amount?.amount ?? null,
      currencyCode: facts.amount?.currencyCode ?? null,
      idempotencyKey: this.idempotencyKey,
      shopifyIds: facts.shopifyIds ?? {},
      errorCode,
      detail: facts.detail ?? null,
    };
    ctx.logger.info(
      { audit: { action: entry.action, outcome, agentId: entry.agentId, orderId: entry.orderId, customerId: entry.customerId, errorCode, shopifyIds: entry.shopifyIds } },
      'agent action',
    );
    try {
      await ctx.deps.store.audit.record(entry);
      // The payload's order may show agentActions in this same request: drop what this request's loader cached.
      if (entry.orderId) ctx.loaders.agentActions.clear(entry.orderId);
    } catch (error) {
      ctx.logger.error({ action: entry.action, outcome, err: { message: (error as Error).message } }, 'could not write the audit entry');
    }
  }

  /** Records an error's outcome and code. */
  recordError(error: unknown): Promise<void> {
    return this.record(outcomeOf(error), errorCodeOf(error));
  }
}

/**
 * Runs a simple (not money-moving) action under a scope, recording it as denied, rejected, failed or succeeded.
 * Used by manual linking; the order actions record their own richer outcomes (replayed, unknown).
 */
export async function audited<T>(
  ctx: RequestContext,
  action: AuditAction,
  scope: Scope,
  facts: AuditFacts,
  run: (agentId: string) => Promise<T>,
): Promise<T> {
  const audit = new AttemptAudit(ctx, action);
  audit.note(facts);
  try {
    const result = await run(requireScope(ctx.caller, scope));
    await audit.record('succeeded');
    return result;
  } catch (error) {
    await audit.recordError(error);
    throw error;
  }
}
