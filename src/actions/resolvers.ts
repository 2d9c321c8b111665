/**
 * The three order actions as resolvers: scope → input checks → exactly-once run → audit → payload. Payload orders
 * are read by field resolvers, so an order that cannot be read after the action only nulls that field (the
 * action stands and its result is still returned), and no read is made when the client does not ask for it.
 */
import { requireScope, type Scope } from '../auth.js';
import type { MutationResolvers, Resolvers } from '../__generated__/resolvers.js';
import type { ActingContext, ChangedIds, RequestContext } from '../context.js';
import { actingIn } from '../store-scope.js';
import type { AuditAction } from '../store/index.js';
import { selectStore, type StoreAction, type StoreHandle } from '../domain/stores.js';
import { ActionDisabledError } from '../errors.js';
import { AttemptAudit, type AuditFacts } from '../audit/attempt.js';
import { isGid, MAX_PROFILE_ID_LENGTH } from '../domain/ids.js';
import { cancelSpec, orderAfterCancel } from './cancel.js';
import { discountSpec, discountStore } from './discount.js';
import { runExactlyOnce, type ActionSpec, type Outcome } from './idempotency.js';
import { invalidate } from './invalidate.js';
import { payloadOrder } from './orders.js';
import { SHOPIFY_USER_ERROR } from './user-errors.js';
import { refundSpec } from './refund.js';
import { isIdempotencyKey, parseCancel, parseDiscount, parseRefund } from './validate.js';

/** Ids worth recording even for a refused attempt: well-formed GIDs only (anything else is not a Shopify id). */
function rawIds(raw: { orderId?: string | null; customerId?: string | null; profileId?: string | null }): AuditFacts {
  return {
    orderId: isGid(raw.orderId, 'Order') ? raw.orderId : null,
    customerId: isGid(raw.customerId, 'Customer') ? raw.customerId : null,
    profileId: raw.profileId && raw.profileId.length <= MAX_PROFILE_ID_LENGTH ? raw.profileId : null,
  };
}

/** The ids that are set. */
function present(ids: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(ids).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** What the mutation resolvers hand their payload's field resolvers besides the contract's fields. */
interface PayloadState {
  orderId: string;
  /** the store the action acted in: the payload's order is read there */
  store: StoreHandle;
  cancelled?: boolean;
}
const state = (payload: object) => payload as PayloadState;

interface Run<Req extends { idempotencyKey: string }, Sent, O extends Outcome> {
  action: AuditAction;
  scope: Scope;
  /** the switch that turns this action off for a store (stores file `actions`) */
  storeAction: StoreAction;
  raw: Parameters<typeof rawIds>[0] & { idempotencyKey?: string; store?: string | null };
  parse: () => Req;
  spec: ActionSpec<Req, Sent, O>;
  /** audit facts of the request and of its outcome */
  facts: (req: Req, outcome?: O) => AuditFacts;
  /** ids of what a successful action changed, for cache invalidation */
  changed: (outcome: O) => ChangedIds;
  /** the store to act in when it is not simply the named (or only) one: a discount goes to the linked customer's */
  chooseStore?: (ctx: RequestContext) => Promise<StoreHandle>;
}

/** Refuses an action the store has turned off, before the input is read or Shopify is asked anything. */
function requireEnabled(ctx: ActingContext, action: StoreAction): void {
  if (!ctx.acting.served.actions[action]) throw new ActionDisabledError(action, ctx.acting.handle);
}

/** Runs one action attempt end to end and records it exactly once, whatever happens. */
async function act<Req extends { idempotencyKey: string }, Sent, O extends Outcome>(
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
    const { outcome, replayed } = await runExactlyOnce(acting, run.spec, req, agentId);
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

export const cancelOrder: MutationResolvers['cancelOrder'] = async (_root, { input }, ctx) => {
  const outcome = await act(ctx, {
    action: 'cancelOrder',
    scope: 'shopify:orders:cancel',
    storeAction: 'cancel',
    raw: input,
    parse: () => parseCancel(input),
    spec: cancelSpec,
    facts: (req, o) => ({
      orderId: req.orderId,
      detail: `reason=${req.reason} refund=${req.refundTo ?? 'none'} restock=${req.restock}`,
      ...(o ? { customerId: o.customerId, shopifyIds: present({ jobId: o.jobId }) } : {}),
    }),
    changed: (o) => ({ orderIds: [o.orderId], customerIds: o.customerId ? [o.customerId] : [] }),
  });
  const payload = {
    orderId: outcome.orderId,
    cancelled: outcome.userErrors.length === 0,
    jobId: outcome.jobId,
    userErrors: outcome.userErrors,
  };
  return { ...payload, store: outcome.store };
};

export const refundOrder: MutationResolvers['refundOrder'] = async (_root, { input }, ctx) => {
  const outcome = await act(ctx, {
    action: 'refundOrder',
    scope: 'shopify:orders:refund',
    storeAction: 'refund',
    raw: input,
    parse: () => parseRefund(input),
    spec: refundSpec,
    facts: (req, o) => ({
      orderId: req.orderId,
      ...(o ? { customerId: o.customerId, amount: o.refund?.total ?? null, shopifyIds: present({ refundId: o.refund?.id }) } : {}),
    }),
    changed: (o) => ({ orderIds: [o.orderId], customerIds: o.customerId ? [o.customerId] : [] }),
  });
  return { orderId: outcome.orderId, refund: outcome.refund, userErrors: outcome.userErrors, store: outcome.store };
};

export const createDiscount: MutationResolvers['createDiscount'] = async (_root, { input }, ctx) => {
  const outcome = await act(ctx, {
    action: 'createDiscount',
    scope: 'shopify:discounts:create',
    storeAction: 'discount',
    raw: input,
    parse: () => parseDiscount(input, Date.now()),
    spec: discountSpec,
    facts: (req, o) => ({
      ...('customerId' in req.target ? { customerId: req.target.customerId } : { profileId: req.target.profileId }),
      detail: 'percentage' in req.value ? `percentage=${req.value.percentage}` : `amount=${req.value.amount}`,
      ...(o ? { customerId: o.customerId, shopifyIds: present({ discountId: o.discount?.id }) } : {}),
    }),
    changed: (o) => ({ customerIds: [o.customerId] }),
    chooseStore: (c) => discountStore(c, input),
  });
  return { discount: outcome.discount, userErrors: outcome.userErrors };
};

/** Payload field resolvers: the order is read fresh, after the action, and only when asked for. */
export const actionPayloadResolvers: Resolvers = {
  ShopifyCancelOrderPayload: {
    order: (payload, _args, ctx) => {
      const { orderId, store, cancelled } = state(payload);
      return orderAfterCancel(actingIn(ctx, store), orderId, cancelled === true);
    },
  },
  ShopifyRefundOrderPayload: {
    order: (payload, _args, ctx) => payloadOrder(actingIn(ctx, state(payload).store), state(payload).orderId),
  },
};
