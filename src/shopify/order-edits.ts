/**
 * The order edits' door to Shopify: reads what the checks need, sets the note or the shipping address
 * (orderUpdate), adds and removes tags (tagsAdd / tagsRemove), and reads one order's shipping address. Sends
 * ./edit-operations.ts and answers in ../domain/ shapes; what to send and what the answers mean stay in ../actions/.
 *
 * Every edit is sent as replay-safe: none carries Shopify's idempotency key, but each sets a value (or adds or removes
 * a tag), so sending the same request twice leaves the order as sending it once does. A lost answer is then retried
 * by the client instead of ending as SHOPIFY_OUTCOME_UNKNOWN.
 */
import type { CountryCode, MailingAddressInput } from './__generated__/admin.js';
import { ShopifyUnavailableError } from '../errors.js';
import type { EditCheckedOrder, ShopifyUserError } from '../domain/actions.js';
import type { FulfillmentStatus, MailingAddress } from '../domain/model.js';
import type { ShopifyClient } from './client.js';
import {
  EDIT_ORDER_CHECK,
  EDIT_ORDER_NOTE,
  EDIT_SHIPPING_ADDRESS,
  EDIT_TAGS_ADD,
  EDIT_TAGS_REMOVE,
  ORDER_SHIPPING_ADDRESS,
} from './edit-operations.js';
import { toMailingAddress } from './mappers.js';
import { request } from './typed-request.js';

/** Shopify's order edits the agent actions use. */
export interface OrderEditsGateway {
  /** What the checks before an edit need of an order; null when the store has no such order. */
  checkOrder(id: string): Promise<EditCheckedOrder | null>;
  /** Sets the note (null clears it); Shopify's refusals, empty when done. */
  setNote(orderId: string, note: string | null): Promise<ShopifyUserError[]>;
  /** Replaces the shipping address (every part: a part left null is cleared); Shopify's refusals, empty when done. */
  setShippingAddress(orderId: string, address: MailingAddress): Promise<ShopifyUserError[]>;
  /** Adds tags; Shopify's refusals, empty when done. */
  addTags(orderId: string, tags: readonly string[]): Promise<ShopifyUserError[]>;
  /** Removes tags; Shopify's refusals, empty when done. */
  removeTags(orderId: string, tags: readonly string[]): Promise<ShopifyUserError[]>;
}

/** The order edits' gateway over this store's client. */
export function orderEditsGateway(shopify: ShopifyClient): OrderEditsGateway {
  const replaySafe = { mutation: { replaySafe: true } };
  return {
    async checkOrder(id) {
      const { data } = await request(shopify, EDIT_ORDER_CHECK, { id });
      const o = data.order;
      if (!o) return null;
      return {
        id: o.id,
        cancelledAt: o.cancelledAt,
        fulfillmentStatus: (o.displayFulfillmentStatus ?? null) as FulfillmentStatus | null,
        tags: [...o.tags],
        customerId: o.customer?.id ?? null,
      };
    },

    async setNote(orderId, note) {
      const { data, fieldErrors } = await request(shopify, EDIT_ORDER_NOTE, { id: orderId, note }, replaySafe);
      return answered('orderUpdate', data.orderUpdate, fieldErrors);
    },

    async setShippingAddress(orderId, address) {
      const variables = { id: orderId, address: toAddressInput(address) };
      const { data, fieldErrors } = await request(shopify, EDIT_SHIPPING_ADDRESS, variables, replaySafe);
      return answered('orderUpdate', data.orderUpdate, fieldErrors);
    },

    async addTags(orderId, tags) {
      const { data, fieldErrors } = await request(shopify, EDIT_TAGS_ADD, { id: orderId, tags: [...tags] }, replaySafe);
      return answered('tagsAdd', data.tagsAdd, fieldErrors);
    },

    async removeTags(orderId, tags) {
      const { data, fieldErrors } = await request(shopify, EDIT_TAGS_REMOVE, { id: orderId, tags: [...tags] }, replaySafe);
      return answered('tagsRemove', data.tagsRemove, fieldErrors);
    },
  };
}

/**
 * One order's shipping address, for an order read without it; null when it has none, undefined when the store has
 * no such order (any more).
 */
export async function readShippingAddress(shopify: ShopifyClient, orderId: string): Promise<MailingAddress | null | undefined> {
  const { data } = await request(shopify, ORDER_SHIPPING_ADDRESS, { id: orderId });
  if (!data.order) return undefined;
  return data.order.shippingAddress ? toMailingAddress(data.order.shippingAddress) : null;
}

/**
 * A mutation's userErrors; SHOPIFY_UNAVAILABLE when it returned no payload at all (e.g. ACCESS_DENIED on the field):
 * Shopify did not act, and the key stays open for a retry.
 */
function answered(
  mutation: string,
  payload: { userErrors: ReadonlyArray<ShopifyUserError> } | null,
  fieldErrors: ReadonlyArray<{ message: string; code?: unknown }>,
): ShopifyUserError[] {
  if (payload) return payload.userErrors.map((e) => ({ field: e.field, message: e.message }));
  const first = fieldErrors[0];
  throw new ShopifyUnavailableError(
    `${mutation} returned no result${first ? `: ${first.message}` : ''}`,
    typeof first?.code === 'string' ? { shopifyCode: first.code } : {},
  );
}

/**
 * The address as Shopify's MailingAddressInput: every part sent, a missing one as null, because the new address
 * replaces the old one whole (an old second line must not survive under a new street).
 */
function toAddressInput(a: MailingAddress): MailingAddressInput {
  return {
    firstName: a.firstName,
    lastName: a.lastName,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    provinceCode: a.provinceCode,
    zip: a.zip,
    countryCode: a.countryCode as CountryCode | null,
    phone: a.phone,
    // codegen's avoidOptionals types the deprecated parts as required: left out of what is sent.
  } as MailingAddressInput;
}
