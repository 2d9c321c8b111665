/**
 * The order edits as resolvers: updateOrderNote, updateOrderTags, updateShippingAddress (each an attempt run by
 * ./act.ts: scope → store → switch `edit` → input checks → exactly-once run → invalidation → audit), and their payload.
 * The audit never holds what was written (a note, tags, an address are free text or personal data): counts and a
 * country code only.
 */
import type { MutationResolvers, Resolvers } from '../__generated__/resolvers.js';
import type { RequestContext } from '../context.js';
import type { StoreHandle } from '../domain/stores.js';
import { selectedFieldNames } from '../profile/selection.js';
import { actingIn } from '../store-scope.js';
import { act, type Run } from './act.js';
import { addressSpec } from './address.js';
import { parseAddressChange, parseNote, parseTags } from './edit-validate.js';
import { editChanged, refusedEdit, type EditOutcome } from './edits.js';
import { noteDetail, noteSpec } from './note.js';
import { orderGateway } from './orders.js';
import { tagsDetail, tagsSpec } from './tags.js';

/** What the mutation resolvers hand the payload's `order` resolver besides the contract's fields. */
interface EditPayloadState {
  orderId: string;
  /** the store the edit acted in: the payload's order is read there */
  store: StoreHandle;
}

/** The parts every edit's Run shares. */
const EDIT = { scope: 'shopify:orders:edit', storeAction: 'edit', changed: editChanged, refused: refusedEdit } as const;

/** Runs one edit and shapes its payload (the order is read by ShopifyOrderEditPayload.order, only when asked for). */
async function edit<Req extends { idempotencyKey: string; orderId: string }, Sent>(
  ctx: RequestContext,
  run: Omit<Run<Req, Sent, EditOutcome>, keyof typeof EDIT>,
) {
  const outcome = await act(ctx, { ...EDIT, ...run });
  return { orderId: outcome.orderId, store: outcome.store, userErrors: outcome.userErrors };
}

const updateOrderNote: MutationResolvers['updateOrderNote'] = (_root, { input }, ctx) =>
  edit(ctx, {
    action: 'updateOrderNote',
    raw: input,
    parse: () => parseNote(input),
    spec: noteSpec,
    facts: (req, o) => ({ orderId: req.orderId, detail: noteDetail(req), ...(o ? { customerId: o.customerId } : {}) }),
  });

const updateOrderTags: MutationResolvers['updateOrderTags'] = (_root, { input }, ctx) =>
  edit(ctx, {
    action: 'updateOrderTags',
    raw: input,
    parse: () => parseTags(input),
    spec: tagsSpec,
    facts: (req, o) => ({ orderId: req.orderId, detail: tagsDetail(req), ...(o ? { customerId: o.customerId } : {}) }),
  });

const updateShippingAddress: MutationResolvers['updateShippingAddress'] = (_root, { input }, ctx) =>
  edit(ctx, {
    action: 'updateShippingAddress',
    raw: input,
    parse: () => parseAddressChange(input),
    spec: addressSpec,
    // The country alone: an address is personal data.
    facts: (req, o) => ({
      orderId: req.orderId,
      detail: `countryCode=${req.address.countryCode}`,
      ...(o ? { customerId: o.customerId } : {}),
    }),
  });

export const editResolvers: Resolvers = {
  Mutation: { updateOrderNote, updateOrderTags, updateShippingAddress },
  ShopifyOrderEditPayload: {
    // Read fresh, after the edit (also after a refusal: the agent sees why). The address is read in the same request
    // when the payload selects it (the caller has the edit scope, or the edit would have been refused).
    order: (payload, _args, ctx, info) => {
      const { orderId, store } = payload as unknown as EditPayloadState;
      const shippingAddress = selectedFieldNames(info).has('shippingAddress');
      return orderGateway(actingIn(ctx, store)).readOrder(orderId, { shippingAddress });
    },
  },
};
