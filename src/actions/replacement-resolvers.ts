/**
 * createReplacementOrder as a resolver (./act.ts runs the attempt: scope → store → switch → input checks →
 * exactly-once run → invalidation → audit) and its payload. Both orders of the payload are read by field resolvers,
 * fresh and only when asked for, so an order that cannot be read after the action only nulls that field.
 */
import type { MutationResolvers, Resolvers } from '../__generated__/resolvers.js';
import type { StoreHandle } from '../domain/stores.js';
import { actingIn } from '../store-scope.js';
import { act, present } from './act.js';
import { payloadOrder } from './orders.js';
import { replacementSpec } from './replacement.js';
import { parseReplacement } from './replacement-input.js';

/** What the mutation resolver hands the payload's field resolvers besides the contract's fields. */
interface PayloadState {
  originalOrderId: string;
  replacementOrderId: string | null;
  /** the store the action acted in: both orders are read there */
  store: StoreHandle;
}
const state = (payload: object) => payload as PayloadState;

export const createReplacementOrder: MutationResolvers['createReplacementOrder'] = async (_root, { input }, ctx) => {
  const outcome = await act(ctx, {
    action: 'createReplacementOrder',
    scope: 'shopify:orders:replace',
    storeAction: 'replace',
    raw: input,
    parse: () => parseReplacement(input),
    spec: replacementSpec,
    facts: (req, o) => ({
      orderId: req.orderId,
      // Counts and whether the address was given, never the address or the reason (personal data, free text).
      detail: `lines=${req.lineItems.length} units=${req.lineItems.reduce((n, l) => n + l.quantity, 0)} address=${req.shippingAddress ? 'new' : 'original'}`,
      ...(o
        ? {
            customerId: o.customerId,
            shopifyIds: present({ draftOrderId: o.draftOrderId, replacementOrderId: o.replacementOrderId }),
          }
        : {}),
    }),
    changed: (o) => ({
      orderIds: [o.originalOrderId, ...(o.replacementOrderId ? [o.replacementOrderId] : [])],
      customerIds: o.customerId ? [o.customerId] : [],
    }),
    refused: (req, userError) => ({
      originalOrderId: req.orderId,
      customerId: null,
      draftOrderId: null,
      replacementOrderId: null,
      userErrors: [userError],
    }),
  });
  const payload: PayloadState = {
    originalOrderId: outcome.originalOrderId,
    replacementOrderId: outcome.replacementOrderId,
    store: outcome.store,
  };
  return { ...payload, draftOrderId: outcome.draftOrderId, userErrors: outcome.userErrors };
};

export const replacementResolvers: Resolvers = {
  Mutation: { createReplacementOrder },
  ShopifyReplacementOrderPayload: {
    order: (payload, _args, ctx) => {
      const { replacementOrderId, store } = state(payload);
      return replacementOrderId ? payloadOrder(actingIn(ctx, store), replacementOrderId) : null;
    },
    originalOrder: (payload, _args, ctx) => payloadOrder(actingIn(ctx, state(payload).store), state(payload).originalOrderId),
  },
};
