/**
 * createReplacementOrder: shipped goods sent again at no charge, as a draft order with a 100% discount, completed.
 *
 * Two Shopify calls, neither with an idempotency key, so exactly once rests on two things:
 * - the draft carries a tag unique to this request (`rk-` + 16 hex of the SHA-256 of a random nonce drawn when it is
 *   prepared, written ahead with it): when draftOrderCreate's answer is lost, a retry reads the tag from the written-ahead
 *   request and finds the draft by it instead of creating a second one. Not derived from the key: a key is reusable once
 *   its record is purged (24 h), and a later request under it must never find the earlier request's draft;
 * - once draftOrderCreate answers, the draft's id is checkpointed into the key's written-ahead record before
 *   draftOrderComplete is sent: when the process dies between the two, the attempt that takes the key over reads that
 *   draft and completes it (or finds it completed) rather than starting again.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ActingContext } from '../context.js';
import { replacementBlock } from '../domain/availability.js';
import type { ShopifyUserError } from '../domain/actions.js';
import type { DraftOrderRequest, DraftOrderState, ReplaceableOrder } from '../domain/replacement.js';
import { BadInputError, NotPossibleNowError, ShopifyOutcomeUnknownError } from '../errors.js';
import { replacementGateway, type ReplacementGateway } from '../shopify/replacement-orders.js';
import type { ActionSpec, Outcome, UserError } from './idempotency.js';
import type { ReplacementRequest } from './replacement-input.js';
import { toUserErrors } from './user-errors.js';

/** What draftOrderCreate is sent (written ahead), and, once it answered, the draft it made (checkpointed). */
export interface ReplacementSent {
  /** the original order */
  orderId: string;
  customerId: string | null;
  draft: DraftOrderRequest;
  /**
   * the tag unique to this request (from a random nonce, not the key), also in draft.tags: how a retry finds a draft
   * whose creation it never saw. The name is kept from when it came from the key: records written then still read.
   */
  keyTag: string;
  /** set by the checkpoint between draftOrderCreate and draftOrderComplete */
  draftOrderId?: string;
}

export interface ReplacementOutcome extends Outcome {
  originalOrderId: string;
  customerId: string | null;
  draftOrderId: string | null;
  /** the new order; null when it was not made */
  replacementOrderId: string | null;
}

/** The draft's tag for a nonce (`rk-` + 16 hex of its SHA-256): a retry that never saw the draft's id finds the draft by it. */
export function keyTag(nonce: string): string {
  return `rk-${createHash('sha256').update(nonce).digest('hex').slice(0, 16)}`;
}

/** The tag naming the original order (`#1001` → `replaces-1001`), kept to characters any tag may hold. */
export function replacesTag(orderName: string): string {
  return `replaces-${orderName
    .replace(/^#/, '')
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 31)}`;
}

/** Shopify's draft fields → our input's; anything else (e.g. the discount we add) has no input field. */
const DRAFT_FIELDS: Record<string, string | null> = { lineItems: 'lineItems', shippingAddress: 'shippingAddress', note: 'reason' };

function gateway(ctx: ActingContext): ReplacementGateway {
  return replacementGateway(ctx.acting.shopify);
}

export const replacementSpec: ActionSpec<ReplacementRequest, ReplacementSent, ReplacementOutcome> = {
  action: 'createReplacementOrder',
  async prepare(ctx, req) {
    const order = await gateway(ctx).readOrder(req.orderId);
    if (!order) throw new BadInputError('input.orderId', 'this store has no order with this id');
    requireReplaceable(order);
    const lineItems = req.lineItems.map((line, i) => ({ variantId: replaceableVariant(order, line, i), quantity: line.quantity }));
    const shippingAddress = req.shippingAddress ?? order.shippingAddress;
    if (!shippingAddress)
      throw new BadInputError('input.shippingAddress', 'the order has no shipping address to send the replacement to; give one');
    // Drawn here, before the claim: only the claimer's request is written ahead (and sent), so its tag is the one.
    const tag = keyTag(randomUUID());
    const title = `Replacement for ${order.name}`;
    return {
      orderId: order.id,
      customerId: order.customerId,
      keyTag: tag,
      draft: {
        lineItems,
        discount: { percentage: 100, title },
        shippingAddress,
        customerId: order.customerId,
        note: req.reason ? `${title}: ${req.reason}` : title,
        tags: ['replacement', replacesTag(order.name), tag],
      },
    };
  },

  async send(ctx, sent, checkpoint) {
    const created = await gateway(ctx).createDraft(sent.draft);
    if (!created) throw new ShopifyOutcomeUnknownError('draftOrderCreate', 'Shopify returned no result');
    if (!created.draft || created.userErrors.length > 0) {
      const errors = created.userErrors.length > 0 ? draftErrors(created.userErrors) : [noResult('draftOrderCreate')];
      return outcome(sent, created.draft?.id ?? null, null, errors);
    }
    // Before the second call: from here on, a crash leaves a draft a retry must complete, not a reason to create another.
    await checkpoint({ ...sent, draftOrderId: created.draft.id });
    return complete(ctx, sent, created.draft.id);
  },

  async reconcile(ctx, _req, sent) {
    const gw = gateway(ctx);
    const draft: DraftOrderState | null = sent.draftOrderId ? await gw.draft(sent.draftOrderId) : await gw.draftByTag(sent.keyTag);
    if (!draft) return null;
    if (draft.status === 'COMPLETED') return outcome(sent, draft.id, draft.orderId, []);
    return complete(ctx, sent, draft.id);
  },
};

/** Completes the draft (marked as paid: its total is 0) into the replacement order. */
async function complete(ctx: ActingContext, sent: ReplacementSent, draftOrderId: string): Promise<ReplacementOutcome> {
  const done = await gateway(ctx).completeDraft(draftOrderId);
  // No result: whether it completed is unknown; the draft's id is checkpointed, so a retry looks before completing again.
  if (!done) throw new ShopifyOutcomeUnknownError('draftOrderComplete', 'Shopify returned no result');
  if (done.userErrors.length > 0) return outcome(sent, draftOrderId, null, toUserErrors(done.userErrors, {}));
  const orderId = done.draft?.orderId ?? null;
  return outcome(sent, draftOrderId, orderId, orderId ? [] : [noResult('draftOrderComplete')]);
}

function outcome(sent: ReplacementSent, draftOrderId: string | null, orderId: string | null, userErrors: UserError[]): ReplacementOutcome {
  return { originalOrderId: sent.orderId, customerId: sent.customerId, draftOrderId, replacementOrderId: orderId, userErrors };
}

function noResult(operation: string): UserError {
  return { field: null, message: `Shopify returned no result for ${operation}`, code: 'INTERNAL_ERROR' };
}

/**
 * draftOrderCreate's userErrors in our input's terms: its input is the mutation's `input` argument, and a line's
 * variantId is the line item the agent named (the draft's lines are in the input's order).
 */
function draftErrors(errors: ReadonlyArray<ShopifyUserError>): UserError[] {
  const inInput = errors.map((e) => {
    const path = e.field && e.field[0] === 'input' ? e.field.slice(1) : e.field;
    const renamed = path && path[0] === 'lineItems' && path[2] === 'variantId' ? [...path.slice(0, 2), 'lineItemId'] : path;
    return { ...e, field: renamed };
  });
  return toUserErrors(inInput, DRAFT_FIELDS);
}

/** NotPossibleNowError when the order's state forbids a replacement (the same rule as ShopifyOrder.canReplace). */
function requireReplaceable(order: ReplaceableOrder): void {
  const block = replacementBlock(order);
  if (block === 'ORDER_CANCELLED')
    throw new NotPossibleNowError('input.orderId', block, `the order was cancelled at ${order.cancelledAt}; it cannot be replaced`);
  if (block === 'NOT_SHIPPED')
    throw new NotPossibleNowError(
      'input.orderId',
      block,
      `nothing of this order has shipped (fulfillment status ${order.fulfillmentStatus ?? 'unknown'}); only shipped units can be replaced`,
    );
}

/** The variant to order again for one input line: the line must be the order's, shipped that many times, and a variant. */
function replaceableVariant(order: ReplaceableOrder, line: ReplacementRequest['lineItems'][number], i: number): string {
  const at = `input.lineItems[${i}]`;
  const item = order.lineItems.find((li) => li.id === line.lineItemId);
  if (!item) throw new BadInputError(`${at}.lineItemId`, 'is not a line item of this order');
  const shipped = item.quantity - item.unfulfilledQuantity;
  if (line.quantity > shipped) {
    throw new BadInputError(
      `${at}.quantity`,
      shipped === 0
        ? 'none of this line item has shipped yet; only shipped units can be replaced'
        : `must be at most ${shipped}, the units of this line item that shipped; got ${line.quantity}`,
    );
  }
  if (!item.variantId)
    throw new BadInputError(`${at}.lineItemId`, 'is a custom line item or its product was deleted: it has no variant to order again');
  return item.variantId;
}
