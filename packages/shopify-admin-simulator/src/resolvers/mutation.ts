/**
 * Mutation root fields. refundCreate honours `@idempotent(key:)` (mandatory since 2026-04: without it the call is
 * refused at runtime, as Shopify announced); orderCancel answers with a job and cancels in the background;
 * discountCodeBasicCreate creates a code discount. Order edits and tags are in mutation-edits.ts.
 */
import { GraphQLError, valueFromASTUntyped, type GraphQLResolveInfo } from 'graphql';
import { startCancelJob, validateCancel, type CancelRequest } from '../cancel.js';
import { createBasicCodeDiscount } from '../discounts.js';
import { isoTime, parseGid } from '../model.js';
import { applyRefund, readRefundInput, resolveFullShipping, validateRefund, type FieldError } from '../refunds.js';
import type { ResolverMap } from './common.js';
import { editMutationResolvers } from './mutation-edits.js';
import { ADMIN_API_VERSION } from 'shopify-admin-schema';
import { subscriptionView } from '../webhook-subscriptions.js';

/** Not confirmed against Shopify: the exact text and code of the runtime error for a missing key. */
export const IDEMPOTENCY_REQUIRED_MESSAGE =
  'An idempotency key is required for refundCreate: add @idempotent(key: "<unique key>") to the field (mandatory since API version 2026-04).';
export const IDEMPOTENCY_MISMATCH_MESSAGE = 'The same idempotency key cannot be used with different operation parameters.';

/** The key of `@idempotent(key:)` on the field being resolved, if any. */
function idempotencyKey(info: GraphQLResolveInfo): string | undefined {
  for (const node of info.fieldNodes) {
    const d = node.directives?.find((x) => x.name.value === 'idempotent');
    const arg = d?.arguments?.find((a) => a.name.value === 'key');
    if (!arg) continue;
    const v = valueFromASTUntyped(arg.value, info.variableValues);
    if (typeof v === 'string' && v.trim()) return v;
  }
  return undefined;
}

/** JSON with sorted keys, so the same input always has the same fingerprint. */
function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

const failed = (userErrors: FieldError[]) => ({ refund: null, order: null, userErrors });

export const mutationResolvers: ResolverMap = {
  ...editMutationResolvers,

  refundCreate: (_s, args, ctx, info) => {
    const key = idempotencyKey(info);
    if (!key) throw new GraphQLError(IDEMPOTENCY_REQUIRED_MESSAGE, { extensions: { code: 'BAD_REQUEST' } });
    const store = ctx.store;
    const fingerprint = stable(args.input);
    const prior = store.idempotency.get(key);
    if (prior) {
      if (prior.fingerprint !== fingerprint)
        throw new GraphQLError(IDEMPOTENCY_MISMATCH_MESSAGE, { extensions: { code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH' } });
      // a replay answers from the current state of the original refund, like Shopify
      return { refund: store.refund(prior.refundId) ?? null, order: store.orders.get(prior.orderId) ?? null, userErrors: [] };
    }
    const { orderId, request, errors } = readRefundInput(args.input);
    if (errors.length) return failed(errors);
    const order = orderId != null ? store.orders.get(orderId) : undefined;
    if (!order) return failed([{ field: ['orderId'], message: 'Order does not exist' }]);
    const req = resolveFullShipping(order, request);
    const invalid = validateRefund(order, req);
    if (invalid.length) return failed(invalid);
    const refund = applyRefund(store, order, req, isoTime(Date.now()));
    store.idempotency.set(key, { fingerprint, refundId: refund.id, orderId: order.id });
    return { refund, order, userErrors: [] };
  },

  orderCancel: (_s, args, ctx) => {
    const order = ctx.store.orders.get(parseGid(args.orderId, 'Order') ?? -1);
    const method = args.refundMethod as { originalPaymentMethodsRefund?: boolean; storeCreditRefund?: unknown } | null | undefined;
    const refundTo: CancelRequest['refundTo'] = method?.storeCreditRefund
      ? 'store_credit'
      : method?.originalPaymentMethodsRefund
        ? 'original'
        : method == null && args.refund
          ? 'original'
          : null;
    const req: CancelRequest = { reason: args.reason, restock: Boolean(args.restock), refundTo, staffNote: args.staffNote ?? null };
    const errors = validateCancel(order, req);
    if (errors.length || !order)
      return { job: null, orderCancelUserErrors: errors, userErrors: errors.map(({ field, message }) => ({ field, message })) };
    return { job: startCancelJob(ctx.store, order, req, ctx.jobDelayMs), orderCancelUserErrors: [], userErrors: [] };
  },

  webhookSubscriptionCreate: (_s, args, ctx) => {
    const { subscription, userErrors } = ctx.store.webhookSubscriptions.create(args.topic, args.webhookSubscription ?? {});
    return { webhookSubscription: subscription ? subscriptionView(subscription, ADMIN_API_VERSION) : null, userErrors };
  },

  webhookSubscriptionDelete: (_s, args, ctx) => {
    const id = parseGid(args.id, 'WebhookSubscription');
    if (id == null || !ctx.store.webhookSubscriptions.delete(id))
      return { deletedWebhookSubscriptionId: null, userErrors: [{ field: ['id'], message: 'Webhook subscription does not exist' }] };
    return { deletedWebhookSubscriptionId: args.id, userErrors: [] };
  },

  discountCodeBasicCreate: (_s, args, ctx) => {
    const { discount, errors } = createBasicCodeDiscount(ctx.store, args.basicCodeDiscount, isoTime(Date.now()));
    return { codeDiscountNode: discount ?? null, userErrors: errors.map((e) => ({ ...e, extraInfo: null })) };
  },
};
