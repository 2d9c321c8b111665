/**
 * updateOrderTags: tagsRemove, then tagsAdd, on the order; only the calls that change something are sent. Removing
 * first means an order at Shopify's tag limit makes room before it takes the new tags (the check below already counted
 * the result).
 */
import { NotPossibleNowError } from '../errors.js';
import type { EditCheckedOrder } from '../domain/actions.js';
import type { ActionSpec, UserError } from './idempotency.js';
import { invalidate } from './invalidate.js';
import { editChanged, editGateway, editUserErrors, requireEditOrder, type EditOutcome } from './edits.js';
import { MAX_TAGS, tagKey, type TagsRequest } from './edit-validate.js';

/** What is written ahead and sent: each list as the input gave it (so Shopify's error indexes are the input's), or empty. */
export interface TagsSent {
  orderId: string;
  customerId: string | null;
  add: string[];
  remove: string[];
}

export const tagsSpec: ActionSpec<TagsRequest, TagsSent, EditOutcome> = {
  action: 'updateOrderTags',
  async prepare(ctx, req) {
    const order = await requireEditOrder(ctx, req.orderId);
    const have = new Set(order.tags.map(tagKey));
    refuseIfTooMany(order, req, have);
    return {
      orderId: req.orderId,
      customerId: order.customerId,
      // A list that would change nothing (every tag already there, or none of them there) is not sent at all.
      add: req.add.some((t) => !have.has(tagKey(t))) ? req.add : [],
      remove: req.remove.some((t) => have.has(tagKey(t))) ? req.remove : [],
    };
  },
  async send(ctx, sent) {
    const gateway = editGateway(ctx);
    const done = (userErrors: UserError[]): EditOutcome => ({ orderId: sent.orderId, customerId: sent.customerId, userErrors });
    if (sent.remove.length > 0) {
      const refused = editUserErrors(await gateway.removeTags(sent.orderId, sent.remove), { tags: 'remove' });
      if (refused.length > 0) return done(refused);
    }
    if (sent.add.length === 0) return done([]);
    const refused = editUserErrors(await gateway.addTags(sent.orderId, sent.add), { tags: 'add' });
    // The removal stood though the addition was refused: the runner invalidates only a full success, so this does.
    if (refused.length > 0 && sent.remove.length > 0) await invalidate(ctx, editChanged(done([])));
    return done(refused);
  },
  // tagsAdd and tagsRemove are idempotent (an added tag is not added twice): after a lost answer both are sent again.
  reconcile: async () => null,
};

/** NotPossibleNowError (TOO_MANY_TAGS) when the order would end with more tags than Shopify keeps. */
function refuseIfTooMany(order: EditCheckedOrder, req: TagsRequest, have: ReadonlySet<string>): void {
  const after = new Set(have);
  for (const tag of req.remove) after.delete(tagKey(tag));
  for (const tag of req.add) after.add(tagKey(tag));
  if (after.size <= MAX_TAGS) return;
  throw new NotPossibleNowError(
    'input.add',
    'TOO_MANY_TAGS',
    `would leave the order with ${after.size} tags (it has ${order.tags.length}); an order keeps at most ${MAX_TAGS}`,
  );
}

/** The audit detail of a tag change: counts only (tags may be free text). */
export function tagsDetail(req: TagsRequest): string {
  return `add=${req.add.length} remove=${req.remove.length}`;
}
