/**
 * The replacement order's door to Shopify: reads the original order for the checks, creates and completes the draft
 * order, and finds a draft again (by id, or by the tag unique to an idempotency key). Sends
 * ./replacement-operations.ts and answers in ../domain/replacement.ts shapes; what to send and what the answers mean
 * for the agent stay in ../actions/replacement.ts.
 */
import { ShopifyUnavailableError } from '../errors.js';
import type { FulfillmentStatus, MailingAddress } from '../domain/model.js';
import type { DraftAnswer, DraftOrderRequest, DraftOrderState, ReplaceableLine, ReplaceableOrder } from '../domain/replacement.js';
import type {
  DraftOrderInput,
  MailingAddressInput,
  ReplacementDraftStateFragment,
  ReplacementOrderCheckQuery,
  ReplacementOrderCheckQueryVariables,
} from './__generated__/admin.js';
import type { ShopifyClient } from './client.js';
import { toMailingAddress } from './mappers.js';
import {
  REPLACEMENT_DRAFT,
  REPLACEMENT_DRAFT_BY_TAG,
  REPLACEMENT_DRAFT_COMPLETE,
  REPLACEMENT_DRAFT_CREATE,
  REPLACEMENT_LINE_ITEMS_FIRST,
  REPLACEMENT_ORDER_CHECK,
} from './replacement-operations.js';
import { request } from './typed-request.js';

/** Pages of line items read at most (10 000 lines): an order past that is not one an agent replaces by hand. */
const MAX_LINE_PAGES = 100;
/** A tag we search drafts by: only characters with no meaning in Shopify's search syntax. */
const SEARCHABLE_TAG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/** Shopify's draft-order operations the createReplacementOrder action uses. */
export interface ReplacementGateway {
  /** The original order with all its line items; null when the store has no such order. */
  readOrder(id: string): Promise<ReplaceableOrder | null>;
  /** Sends draftOrderCreate, once (Shopify has no idempotency key for it); null when it returned no result. */
  createDraft(draft: DraftOrderRequest): Promise<DraftAnswer | null>;
  /** Sends draftOrderComplete, once, marked as paid (no gateway, not pending); null when it returned no result. */
  completeDraft(id: string): Promise<DraftAnswer | null>;
  /** The draft order with this id, or null when it is gone. */
  draft(id: string): Promise<DraftOrderState | null>;
  /** The draft order carrying this tag (exactly: a search hit without it does not count), or null. */
  draftByTag(tag: string): Promise<DraftOrderState | null>;
}

/** The replacement gateway over this store's client. */
export function replacementGateway(shopify: ShopifyClient): ReplacementGateway {
  return {
    async readOrder(id) {
      const lineItems: ReplaceableLine[] = [];
      let after: string | null = null;
      for (let page = 0; page < MAX_LINE_PAGES; page++) {
        const variables: ReplacementOrderCheckQueryVariables = { id, lineItemsFirst: REPLACEMENT_LINE_ITEMS_FIRST, after };
        const { data } = await request(shopify, REPLACEMENT_ORDER_CHECK, variables);
        const order = data.order;
        if (!order) return null;
        lineItems.push(...order.lineItems.nodes.map(toLine));
        const { hasNextPage, endCursor } = order.lineItems.pageInfo;
        if (!hasNextPage || !endCursor) return toReplaceableOrder(order, lineItems);
        after = endCursor;
      }
      throw new ShopifyUnavailableError(`the order has more than ${MAX_LINE_PAGES * REPLACEMENT_LINE_ITEMS_FIRST} line items`);
    },

    async createDraft(draft) {
      const { data } = await request(
        shopify,
        REPLACEMENT_DRAFT_CREATE,
        { input: draftInput(draft) },
        {
          // No Shopify idempotency key exists for draftOrderCreate: never resend blindly (a retry looks for the draft first).
          mutation: { replaySafe: false },
        },
      );
      const result = data.draftOrderCreate;
      return result ? { draft: result.draftOrder && toDraft(result.draftOrder), userErrors: result.userErrors } : null;
    },

    async completeDraft(id) {
      // Neither paymentGatewayId nor paymentPending (deprecated): the draft is marked as paid, and its total is 0.
      const { data } = await request(shopify, REPLACEMENT_DRAFT_COMPLETE, { id }, { mutation: { replaySafe: false } });
      const result = data.draftOrderComplete;
      return result ? { draft: result.draftOrder && toDraft(result.draftOrder), userErrors: result.userErrors } : null;
    },

    async draft(id) {
      const { data } = await request(shopify, REPLACEMENT_DRAFT, { id });
      return data.draftOrder ? toDraft(data.draftOrder) : null;
    },

    async draftByTag(tag) {
      if (!SEARCHABLE_TAG.test(tag)) throw new TypeError('a draft is searched by a plain lower-case tag only');
      const { data } = await request(shopify, REPLACEMENT_DRAFT_BY_TAG, { query: `tag:'${tag}'` });
      const found = data.draftOrders.nodes.find((d) => d.tags.includes(tag));
      return found ? toDraft(found) : null;
    },
  };
}

type CheckedOrder = NonNullable<ReplacementOrderCheckQuery['order']>;

function toLine(li: CheckedOrder['lineItems']['nodes'][number]): ReplaceableLine {
  return { id: li.id, variantId: li.variant?.id ?? null, quantity: li.quantity, unfulfilledQuantity: li.unfulfilledQuantity };
}

function toReplaceableOrder(o: CheckedOrder, lineItems: ReplaceableLine[]): ReplaceableOrder {
  return {
    id: o.id,
    name: o.name,
    cancelledAt: o.cancelledAt,
    fulfillmentStatus: o.displayFulfillmentStatus as FulfillmentStatus,
    customerId: o.customer?.id ?? null,
    shippingAddress: o.shippingAddress ? toMailingAddress(o.shippingAddress) : null,
    lineItems,
  };
}

function toDraft(d: ReplacementDraftStateFragment): DraftOrderState {
  return { id: d.id, status: d.status, tags: [...d.tags], orderId: d.order?.id ?? null };
}

/** The draft as Shopify's DraftOrderInput: only the fields we set (codegen's avoidOptionals types them all required). */
function draftInput(d: DraftOrderRequest): DraftOrderInput {
  return {
    lineItems: d.lineItems.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
    appliedDiscount: { valueType: 'PERCENTAGE', value: d.discount.percentage, title: d.discount.title },
    shippingAddress: addressInput(d.shippingAddress),
    // purchasingEntity, not the deprecated customerId: the same field serves a B2B company.
    ...(d.customerId ? { purchasingEntity: { customerId: d.customerId } } : {}),
    note: d.note,
    tags: d.tags,
  } as DraftOrderInput;
}

/** A domain address as Shopify's MailingAddressInput, without the parts it does not have. */
function addressInput(a: MailingAddress): MailingAddressInput {
  const entries = Object.entries(a).filter(([, v]) => v !== null);
  return Object.fromEntries(entries) as MailingAddressInput;
}
