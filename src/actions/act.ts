/**
 * One action attempt end to end, shared by every agent action: scope → store → switch → input checks → exactly-once
 * run → cache invalidation → audit. Each action describes itself as a {@link Run}; its resolver builds the payload
 * from the outcome.
 */
import { requireScope, type Scope } from '../auth.js';
import type { ActingContext, ChangedIds, RequestContext } from '../context.js';
import { actingIn } from '../store-scope.js';
import type { AuditAction } from '../store/index.js';
import { selectStore, type StoreAction, type StoreHandle } from '../domain/stores.js';
import { ActionDisabledError, notPossibleUserError } from '../errors.js';
import { AttemptAudit, type AuditFacts } from '../audit/attempt.js';
import { isGid, MAX_PROFILE_ID_LENGTH } from '../domain/ids.js';
import { runExactlyOnce, type ActionSpec, type Outcome, type UserError } from './idempotency.js';
import { invalidate } from './invalidate.js';
import { SHOPIFY_USER_ERROR } from './user-errors.js';
import { isIdempotencyKey } from './validate.js';

/** Ids worth recording even for a refused attempt: well-formed GIDs only (anything else is not a Shopify id). */
function rawIds(raw: RawIds): AuditFacts {
  return {
    orderId: isGid(raw.orderId, 'Order') ? raw.orderId : null,
    customerId: isGid(raw.customerId, 'Customer') ? raw.customerId : null,
    profileId: raw.profileId && raw.profileId.length <= MAX_PROFILE_ID_LENGTH ? raw.profileId : null,
  };
}

interface RawIds {
  orderId?: string | null;
  customerId?: string | null;
  profileId?: string | null;
}

/** The ids that are set. */
export function present(ids: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(ids).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** How one action plugs into {@link act}. */
export interface Run<Req extends { idempotencyKey: string }, Sent, O extends Outcome> {
  action: AuditAction;
  scope: Scope;
  /** the switch that turns this action off for a store (stores file `actions`) */
  storeAction: StoreAction;
  raw: RawIds & { idempotencyKey?: string; store?: string | null };
  parse: () => Req;
  spec: ActionSpec<Req, Sent, O>;
  /** audit facts of the request and of its outcome */
  facts: (req: Req, outcome?: O) => AuditFacts;
  /** ids of what a successful action changed, for cache invalidation */
  changed: (outcome: O) => ChangedIds;
  /** the store to act in when it is not simply the named (or only) one: a discount goes to the linked customer's */
  chooseStore?: (ctx: RequestContext) => Promise<StoreHandle>;
  /**
   * The outcome of a request the order's state does not allow now (NotPossibleNowError): its payload shows the
   * refusal as a user error with its code. Without it, such a refusal is thrown as BAD_USER_INPUT.
   */
  refused?: (req: Req, userError: UserError) => O;
  /** checks about the caller beyond the scope (e.g. refund limits), once the store and the request are known */
  authorize?: (ctx: ActingContext, req: Req) => void | Promise<void>;
}

/** Refuses an action the store has turned off, before the input is read or Shopify is asked anything. */
function requireEnabled(ctx: ActingContext, action: StoreAction): void {
  if (!ctx.acting.served.actions[action]) throw new ActionDisabledError(action, ctx.acting.handle);
}

/** Runs one action attempt end to end and records it exactly once, whatever happens. */
export async function act<Req extends { idempotencyKey: string }, Sent, O extends Outcome>(
  ctx: RequestContext,
  run: Run<Req, Sent, O>,
): Promise<O & { store: StoreHandle }> {
  const audit = new AttemptAudit(ctx, run.action);
  audit.note(rawIds(run.raw));
  // Even a denied or rejected attempt names its key when the key itself is well-formed: it ties retries together.
  const rawKey = run.raw.idempotencyKey;
  if (isIdempotencyKey(rawKey)) audit.keyed(rawKey);
  try {
    const agentId = requireScope(ctx.caller, run.scope);
    const store = run.chooseStore ? await run.chooseStore(ctx) : selectStore(ctx.deps.stores, run.raw.store, 'input.store');
    audit.note({ store });
    const acting = actingIn(ctx, store);
    requireEnabled(acting, run.storeAction);
    const req = run.parse();
    audit.note(run.facts(req));
    await run.authorize?.(acting, req);
    let result;
    try {
      result = await runExactlyOnce(acting, run.spec, req, agentId);
    } catch (error) {
      const userError = run.refused ? notPossibleUserError(error) : null;
      if (!userError || !run.refused) throw error;
      await audit.record('rejected', userError.code);
      return { ...run.refused(req, userError), store };
    }
    const { outcome, replayed } = result;
    audit.note(run.facts(req, outcome));
    const ok = outcome.userErrors.length === 0;
    if (ok && !replayed) await invalidate(acting, run.changed(outcome));
    await audit.record(
      replayed ? 'replayed' : ok ? 'succeeded' : 'failed',
      ok ? null : (outcome.userErrors[0]!.code ?? SHOPIFY_USER_ERROR),
    );
    return { ...outcome, store };
  } catch (error) {
    await audit.recordError(error);
    throw error;
  }
}
