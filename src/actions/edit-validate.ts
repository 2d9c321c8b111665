/**
 * Input checks of the order edits (note, tags, shipping address) that need nothing but the input, run before any
 * Shopify request or idempotency claim (like ./validate.ts). The checks that need the order (its tag count, whether it
 * shipped) live with each action.
 */
import type {
  ShopifyUpdateOrderNoteInput,
  ShopifyUpdateOrderTagsInput,
  ShopifyUpdateShippingAddressInput,
} from '../__generated__/resolvers.js';
import { BadInputError } from '../errors.js';
import { requireGid } from '../domain/ids.js';
import type { MailingAddress } from '../domain/model.js';
import { parseAddressInput } from './address-input.js';
import { freeText, requireIdempotencyKey, requireSafeText } from './validate.js';

/** Longest order note the contract accepts. */
export const MAX_ORDER_NOTE = 5000;
/** Longest order tag: Shopify keeps at most 40 characters per order tag. */
export const MAX_TAG_LENGTH = 40;
/** Most tags one list (add or remove) may name, and most tags an order keeps. */
export const MAX_TAGS = 250;

export interface NoteRequest {
  idempotencyKey: string;
  orderId: string;
  /** null clears the note */
  note: string | null;
}

export interface TagsRequest {
  idempotencyKey: string;
  orderId: string;
  /** trimmed, as the input listed them (possibly empty) */
  add: string[];
  remove: string[];
}

export interface AddressRequest {
  idempotencyKey: string;
  orderId: string;
  address: MailingAddress;
}

/** Checks an updateOrderNote input: a blank note clears it, else at most 5000 characters of free text (line breaks allowed). */
export function parseNote(input: ShopifyUpdateOrderNoteInput): NoteRequest {
  const idempotencyKey = requireIdempotencyKey(input.idempotencyKey);
  const orderId = requireGid(input.orderId, 'Order', 'input.orderId');
  return { idempotencyKey, orderId, note: freeText(input.note, 'input.note', { max: MAX_ORDER_NOTE, multiline: true }) };
}

/**
 * Checks an updateOrderTags input: at least one tag in all, each list at most 250 tags of 1 to 40 characters without
 * commas (Shopify would split the tag in two), control or bidirectional characters, and no tag both added and removed
 * (compared without regard to case, as Shopify compares tags).
 */
export function parseTags(input: ShopifyUpdateOrderTagsInput): TagsRequest {
  const idempotencyKey = requireIdempotencyKey(input.idempotencyKey);
  const orderId = requireGid(input.orderId, 'Order', 'input.orderId');
  const add = tagList(input.add, 'input.add');
  const remove = tagList(input.remove, 'input.remove');
  if (add.length + remove.length === 0) throw new BadInputError('input.add', 'give at least one tag to add or to remove');
  const adding = new Set(add.map(tagKey));
  remove.forEach((tag, i) => {
    if (adding.has(tagKey(tag))) throw new BadInputError(`input.remove[${i}]`, 'is also in add; a tag can be added or removed, not both');
  });
  return { idempotencyKey, orderId, add, remove };
}

/** A tag as Shopify compares it. */
export const tagKey = (tag: string): string => tag.toLowerCase();

function tagList(tags: ReadonlyArray<string> | null | undefined, field: string): string[] {
  if (!tags) return [];
  if (tags.length > MAX_TAGS) throw new BadInputError(field, `must name at most ${MAX_TAGS} tags, got ${tags.length}`);
  return tags.map((raw, i) => tag(raw, `${field}[${i}]`));
}

function tag(raw: string, field: string): string {
  const rule = `must be 1 to ${MAX_TAG_LENGTH} characters without commas, control or bidirectional characters`;
  // Only ASCII blanks are trimmed (as Shopify trims tags): an invisible character is refused below, not hidden.
  const value = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  const length = [...value].length;
  if (length < 1 || length > MAX_TAG_LENGTH) throw new BadInputError(field, `${rule}, got ${length} characters`);
  if (value.includes(',')) throw new BadInputError(field, `${rule}: Shopify would read a comma as two tags`);
  // Tabs and line breaks are fine in a note, not in a tag.
  if (/[\t\n\r]/.test(value)) throw new BadInputError(field, `${rule}, found a tab or line break`);
  return requireSafeText(value, field);
}

/** Checks an updateShippingAddress input (the address by the one shared address check). */
export function parseAddressChange(input: ShopifyUpdateShippingAddressInput): AddressRequest {
  const idempotencyKey = requireIdempotencyKey(input.idempotencyKey);
  const orderId = requireGid(input.orderId, 'Order', 'input.orderId');
  return { idempotencyKey, orderId, address: parseAddressInput(input.address, 'input.address') };
}
