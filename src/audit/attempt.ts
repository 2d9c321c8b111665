/**
 * The audit trail of agent actions: one entry per attempt, whatever its outcome, with ids, amounts and codes only
 * (never emails, names or addresses). Shared by the order actions and by manual linking.
 */
import { requireScope, type Scope } from '../auth.js';
import type { RequestContext } from '../context.js';
import { isAppError } from '../errors.js';
import type { AuditAction, AuditOutcome, NewAuditEntry } from '../store/index.js';
import { AUDIT_BOUNDS, isAuditAmount } from '../store/audit-entry.js';
import { isGid, profileIdProblem } from '../domain/ids.js';
import { STORE_HANDLE_PATTERN, type StoreHandle } from '../domain/stores.js';

/** Control and format characters (NUL, ESC, zero-width, bidi overrides): never part of an id, and PostgreSQL refuses NUL. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/u;
const SHOPIFY_ID = /^gid:\/\/shopify\/[A-Za-z]{1,40}\/[\w.-]{1,100}$/;
const ID_NAME = /^[A-Za-z]{1,32}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/** A string of at most `max` characters with no control characters, or null: what an unchecked fact may store. */
function clean(value: unknown, max: number): string | null {
  return typeof value === 'string' && value.length >= 1 && value.length <= max && value.trim() !== '' && !UNPRINTABLE.test(value)
    ? value
    : null;
}

function gid(value: unknown, type: 'Order' | 'Customer'): string | null {
  const id = typeof value === 'string' && value.length <= AUDIT_BOUNDS.id ? value.trim() : '';
  return isGid(id, type) ? id : null;
}

function shopifyIds(ids: Record<string, string> | undefined): Record<string, string> {
  const kept = Object.entries(ids ?? {}).filter(
    ([name, id]) => ID_NAME.test(name) && typeof id === 'string' && id.length <= AUDIT_BOUNDS.id && SHOPIFY_ID.test(id),
  );
  return Object.fromEntries(kept.slice(0, AUDIT_BOUNDS.shopifyIds));
}

function amountOf({ amount, currencyCode }: NewAuditEntry): Pick<NewAuditEntry, 'amount' | 'currencyCode'> {
  return isAuditAmount(amount, currencyCode) ? { amount, currencyCode } : { amount: null, currencyCode: null };
}

/**
 * The entry as stored: facts may be raw input (a refused attempt has nothing validated yet), so every string is kept
 * only when well-formed and bounded — a malformed or oversized value becomes null, never a truncated copy. Whoever
 * calls, an entry is a small, fixed-size record.
 */
export function boundedEntry(entry: NewAuditEntry): NewAuditEntry {
  return {
    ...entry,
    // Raw input (a `store` argument) may reach here: anything but a well-formed handle is "store not known".
    store: typeof entry.store === 'string' && STORE_HANDLE_PATTERN.test(entry.store) ? entry.store : null,
    agentId: clean(entry.agentId, AUDIT_BOUNDS.agentId),
    orderId: gid(entry.orderId, 'Order'),
    customerId: gid(entry.customerId, 'Customer'),
    profileId: profileIdProblem(entry.profileId) === null ? (entry.profileId as string).trim() : null,
    idempotencyKey: clean(entry.idempotencyKey, AUDIT_BOUNDS.idempotencyKey),
    ...amountOf(entry),
    shopifyIds: shopifyIds(entry.shopifyIds),
    errorCode:
      typeof entry.errorCode === 'string' && ERROR_CODE.test(entry.errorCode)
        ? entry.errorCode
        : entry.errorCode === null
          ? null
          : 'UNKNOWN',
    // Free text is bounded by the store, which redacts emails before it cuts (cutting first could leave half an email).
    detail: typeof entry.detail === 'string' ? entry.detail : null,
  };
}

export interface AuditFacts {
  /**
   * The store the attempt acts in. Unset means the only served store when one is served (the attempt could act in no
   * other), else not known; null, or a malformed handle, records an attempt refused before its store was known.
   */
  store?: StoreHandle | null;
  orderId?: string | null;
  customerId?: string | null;
  profileId?: string | null;
  amount?: { amount: string; currencyCode: string } | null;
  shopifyIds?: Record<string, string>;
  detail?: string | null;
}

/** The one served store's handle, or null when several are served. */
function onlyStore(ctx: RequestContext): StoreHandle | null {
  return ctx.deps.served.length === 1 ? ctx.deps.served[0]!.model.handle : null;
}

/** The audit outcome of an error: each of ours says its own (errors.ts); anything else — a bug — failed. */
export function outcomeOf(error: unknown): AuditOutcome {
  return isAppError(error) ? error.auditOutcome : 'failed';
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

  /** Adds what became known (ids, amount, Shopify ids); later values win. Raw input is fine: record() bounds it. */
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
    const entry = boundedEntry({
      store: facts.store !== undefined ? facts.store : onlyStore(ctx),
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
    });
    ctx.logger.info(
      {
        audit: {
          action: entry.action,
          outcome,
          store: entry.store,
          agentId: entry.agentId,
          orderId: entry.orderId,
          customerId: entry.customerId,
          errorCode,
          shopifyIds: entry.shopifyIds,
        },
      },
      'agent action',
    );
    try {
      await ctx.deps.store.audit.record(entry);
      // The payload's order may show agentActions in this same request: drop what this request's loader cached.
      if (entry.orderId && entry.store) ctx.loaders.agentActions.clear({ store: entry.store, orderId: entry.orderId });
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
  run: (agentId: string, audit: AttemptAudit) => Promise<T>,
): Promise<T> {
  const audit = new AttemptAudit(ctx, action);
  audit.note(facts);
  try {
    const result = await run(requireScope(ctx.caller, scope), audit);
    await audit.record('succeeded');
    return result;
  } catch (error) {
    await audit.recordError(error);
    throw error;
  }
}
