/**
 * Mutation fields that edit orders and tags (orderUpdate, tagsAdd, tagsRemove: rules in order-edits.ts) and make
 * orders through drafts (draftOrderCreate: draft-input.ts, draftOrderComplete: draft-complete.ts).
 */
import { completeDraftOrder } from '../draft-complete.js';
import { createDraftOrder } from '../draft-input.js';
import { changeTags, updateOrder } from '../order-edits.js';
import type { ResolverMap } from './common.js';

export const editMutationResolvers: ResolverMap = {
  orderUpdate: (_s, args, ctx) => {
    const { order, errors } = updateOrder(ctx.store, args.input);
    return { order, userErrors: errors };
  },
  tagsAdd: (_s, args, ctx) => {
    const { node, errors } = changeTags(ctx.store, args.id, args.tags, 'add');
    return { node, userErrors: errors };
  },
  tagsRemove: (_s, args, ctx) => {
    const { node, errors } = changeTags(ctx.store, args.id, args.tags, 'remove');
    return { node, userErrors: errors };
  },
  draftOrderCreate: (_s, args, ctx) => {
    const { draft, errors } = createDraftOrder(ctx.store, args.input);
    return { draftOrder: draft, userErrors: errors };
  },
  draftOrderComplete: (_s, args, ctx) => {
    const { draft, errors } = completeDraftOrder(ctx.store, args);
    return { draftOrder: draft, userErrors: errors };
  },
};
