/**
 * The first three order actions as resolvers (./act.ts runs each attempt: scope → input checks → exactly-once run →
 * audit), and their payloads. Payload orders
 * are read by field resolvers, so an order that cannot be read after the action only nulls that field (the
 * action stands and its result is still returned), and no read is made when the client does not ask for it.
 */
import type { MutationResolvers, Resolvers } from '../__generated__/resolvers.js';
import { actingIn } from '../store-scope.js';
import type { StoreHandle } from '../domain/stores.js';
import { act, present } from './act.js';
import { cancelSpec, orderAfterCancel } from './cancel.js';
import { discountSpec, discountStore } from './discount.js';
import { payloadOrder } from './orders.js';
import { refundSpec } from './refund.js';
import { parseCancel, parseDiscount, parseRefund } from './validate.js';

/** What the mutation resolvers hand their payload's field resolvers besides the contract's fields. */
interface PayloadState {
  orderId: string;
  /** the store the action acted in: the payload's order is read there */
  store: StoreHandle;
  cancelled?: boolean;
  /** refundOrder: the request a refund above the agent's limit became */
  refundRequestId?: string | null;
}
const state = (payload: object) => payload as PayloadState;

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
      ...(o
        ? { customerId: o.customerId, amount: o.refund?.total ?? o.held?.amount ?? null, shopifyIds: present({ refundId: o.refund?.id }) }
        : {}),
      // A held refund succeeded as an action (the request exists) but moved no money: the trail says so.
      ...(o?.held ? { detail: `held for approval request=${o.held.requestId}; no money moved` } : {}),
    }),
    // A held refund changed nothing in Shopify (and no webhook will come for it): nothing to invalidate.
    changed: (o) => (o.held ? {} : { orderIds: [o.orderId], customerIds: o.customerId ? [o.customerId] : [] }),
    // The order's state refused it now (e.g. TOO_MANY_PENDING_REQUESTS: a hold on an order with the most pending).
    refused: (req, userError) => ({ orderId: req.orderId, customerId: null, refund: null, held: null, userErrors: [userError] }),
  });
  const refundRequestId = outcome.held?.requestId ?? null;
  if (refundRequestId) ctx.loaders.refundRequests.clear({ store: outcome.store, orderId: outcome.orderId });
  return { orderId: outcome.orderId, refund: outcome.refund, userErrors: outcome.userErrors, store: outcome.store, refundRequestId };
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
    // Read as it is now: a replay of a held refund shows its request's current status.
    refundRequest: (payload, _args, ctx) => {
      const id = state(payload).refundRequestId;
      return id ? ctx.deps.store.refundRequests.get(id) : null;
    },
  },
};
