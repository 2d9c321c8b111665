/**
 * Refund approval as resolvers: approveRefundRequest and rejectRefundRequest (each run by ./act.ts: scope → the
 * request's store → its refund switch → input → who may decide → exactly once → invalidation → audit), their payload,
 * the request type's store, and ShopifyOrder.refundRequests. The specs are in ./refund-approval.ts.
 */
import { requireScope } from '../auth.js';
import type {
  MutationResolvers,
  Resolvers,
  ShopifyApproveRefundRequestInput,
  ShopifyRejectRefundRequestInput,
} from '../__generated__/resolvers.js';
import type { RequestContext } from '../context.js';
import type { RefundRequestStatus } from '../domain/refund-requests.js';
import type { StoreHandle } from '../domain/stores.js';
import { ApprovalForbiddenError, BadInputError } from '../errors.js';
import type { RefundRequestRecord } from '../store/index.js';
import { actingIn, storeOf, storeScope } from '../store-scope.js';
import { act, present, type Run } from './act.js';
import type { ActionSpec } from './idempotency.js';
import { payloadOrder } from './orders.js';
import {
  approveSpec,
  decisionDetail,
  rejectSpec,
  type DecisionOutcome,
  type DecisionRequest,
  type RejectRequest,
} from './refund-approval.js';
import { isRefundRequestId } from './refund-hold.js';
import { requireApproverLimit } from './refund-limits.js';
import { freeText, requireIdempotencyKey } from './validate.js';

/** Longest rejection reason. */
export const MAX_REJECTION_REASON = 1000;

/** What the mutations hand their payload's field resolvers besides the contract's fields. */
interface PayloadState {
  requestId: string;
  orderId: string;
  store: StoreHandle;
}
const state = (payload: object) => payload as PayloadState;

/** The request an input names, read before the attempt runs so that even a refused attempt is audited on its order. */
async function namedRequest(ctx: RequestContext, id: unknown): Promise<RefundRequestRecord | null> {
  // Only for an agent: an anonymous caller is refused before anything is read.
  if (!ctx.caller.authenticated || !isRefundRequestId(id)) return null;
  return ctx.deps.store.refundRequests.get(id);
}

/** The request's store; BAD_USER_INPUT on input.id for a malformed or unknown id. */
function requestStore(ctx: RequestContext, id: unknown, request: RefundRequestRecord | null): StoreHandle {
  if (!isRefundRequestId(id)) throw new BadInputError('input.id', 'must be a refund request id (rr_ and 32 hexadecimal digits)');
  if (!request) throw new BadInputError('input.id', 'no refund request has this id');
  if (!ctx.stores.has(request.store)) throw new BadInputError('input.id', `belongs to the store "${request.store}", which is not served`);
  return request.store;
}

/** The requester never decides their own request: a second person must (the four-eyes rule of approvals). */
function requireOtherAgent(ctx: RequestContext, request: RefundRequestRecord): void {
  if (ctx.caller.authenticated && ctx.caller.agentId === request.requestedBy) {
    throw new ApprovalForbiddenError(
      'OWN_REQUEST',
      'You asked for this refund yourself: another agent with the shopify:orders:refund:approve scope must approve or reject it',
    );
  }
}

/** Runs one decision through act() and builds the payload. */
async function decide<Req extends DecisionRequest, Sent>(
  ctx: RequestContext,
  input: { id: string; idempotencyKey: string },
  spec: ActionSpec<Req, Sent, DecisionOutcome>,
  parse: () => Req,
  authorize: (request: RefundRequestRecord) => void,
) {
  const request = await namedRequest(ctx, input.id);
  const run: Run<Req, Sent, DecisionOutcome> = {
    action: spec.action,
    scope: 'shopify:orders:refund:approve',
    storeAction: 'refund',
    raw: { idempotencyKey: input.idempotencyKey, orderId: request?.orderId, customerId: request?.customerId },
    chooseStore: async (c) => requestStore(c, input.id, request),
    parse,
    spec,
    authorize: () => authorize(request!),
    facts: (req, o) => ({
      orderId: request?.orderId,
      customerId: request?.customerId,
      detail: decisionDetail(req.id, o),
      ...(o ? { amount: o.refund?.total ?? null, shopifyIds: present({ refundId: o.refund?.id }) } : {}),
    }),
    changed: (o) => ({ orderIds: [o.orderId], customerIds: o.customerId ? [o.customerId] : [] }),
    refused: (req, userError) => ({
      requestId: req.id,
      orderId: request!.orderId,
      customerId: request!.customerId,
      refund: null,
      userErrors: [userError],
    }),
  };
  const outcome = await act(ctx, run);
  ctx.loaders.refundRequests.clear({ store: outcome.store, orderId: outcome.orderId });
  return {
    refund: outcome.refund,
    userErrors: outcome.userErrors,
    requestId: outcome.requestId,
    orderId: outcome.orderId,
    store: outcome.store,
  };
}

function parseDecision(input: ShopifyApproveRefundRequestInput): DecisionRequest {
  return { idempotencyKey: requireIdempotencyKey(input.idempotencyKey), id: input.id };
}

/** Checks a rejectRefundRequest input: the reason is free text for the requester, required, line breaks allowed. */
export function parseReject(input: ShopifyRejectRefundRequestInput): RejectRequest {
  const reason = freeText(input.reason, 'input.reason', { max: MAX_REJECTION_REASON, multiline: true, required: true });
  return { ...parseDecision(input), reason };
}

export const approveRefundRequest: MutationResolvers['approveRefundRequest'] = (_root, { input }, ctx) =>
  decide(
    ctx,
    input,
    approveSpec,
    () => parseDecision(input),
    (request) => {
      requireOtherAgent(ctx, request);
      requireApproverLimit(ctx.caller, request.store, ctx.deps.config.refunds, request.amount);
    },
  );

export const rejectRefundRequest: MutationResolvers['rejectRefundRequest'] = (_root, { input }, ctx) =>
  // No limit to check: a rejection moves no money.
  decide(
    ctx,
    input,
    rejectSpec,
    () => parseReject(input),
    (request) => requireOtherAgent(ctx, request),
  );

/** ShopifyOrder.refundRequests: the order's requests in its store, newest first, at most 50, optionally of some statuses only. */
async function orderRefundRequests(
  order: { id: string; store?: string },
  args: { status?: readonly RefundRequestStatus[] | null },
  ctx: RequestContext,
): Promise<RefundRequestRecord[]> {
  requireScope(ctx.caller, 'shopify:read');
  // Filtered in the query, before the per-order cap: an old pending request is found behind any number of newer ones.
  return ctx.loaders.refundRequests.load({ store: storeOf(order), orderId: order.id, statuses: args.status ?? null });
}

export const approvalResolvers: Resolvers = {
  Mutation: { approveRefundRequest, rejectRefundRequest },
  ShopifyRefundRequestPayload: {
    refundRequest: (payload, _args, ctx) => ctx.deps.store.refundRequests.get(state(payload).requestId),
    order: (payload, _args, ctx) => payloadOrder(actingIn(ctx, state(payload).store), state(payload).orderId),
  },
  ShopifyRefundRequest: {
    store: (request, _args, ctx) => storeScope(ctx, request.store).served.model,
  },
  ShopifyOrder: { refundRequests: orderRefundRequests },
};
