/**
 * orderUpdate, tagsAdd and tagsRemove. orderUpdate follows OrderInput's documented semantics: `note`, `email`,
 * `shippingAddress`, `tags` and `customAttributes` each overwrite what the order had, `poNumber` and `phone` set new
 * values, and a field left out is unchanged (an explicit null clears a text; null for a list or the address changes
 * nothing, as there is nothing to overwrite with). `metafields` and `localizedFields` are accepted and not kept.
 * Shopify documents no refusal of an address change on a fulfilled or cancelled order, so none is made here: that
 * rule belongs to the app. Every successful change bumps updatedAt and sends orders/updated (customers/update or
 * draft_orders/update for a customer's or a draft's tags). An unknown id is a user error on ["id"]; other wording is
 * not confirmed against Shopify.
 */
import { readAddressInput } from './addresses.js';
import { isoTime, parseGid, type OrderRec } from './model.js';
import type { FieldError } from './refunds.js';
import type { Store } from './store.js';
import { splitTags, TAG_RULES, tagProblems, withTagsAdded, withTagsRemoved, type TaggableType } from './tags.js';

type Input = Record<string, unknown>;

/** A plausible email address: something@domain.tld without spaces (Shopify's exact check is not documented). */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** A plausible phone number: digits with the usual separators, optionally a leading + (not confirmed against Shopify). */
export const PHONE = /^\+?[\d\s().-]{5,20}$/;

const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** The checks of orderUpdate's scalar fields; `at` prefixes the field path. */
export function contactProblems(input: Input, at: string[] = []): FieldError[] {
  const errors: FieldError[] = [];
  if (textOrNull(input.email) && !EMAIL.test(String(input.email).trim()))
    errors.push({ field: [...at, 'email'], message: 'Email is invalid' });
  if (textOrNull(input.phone) && !PHONE.test(String(input.phone).trim()))
    errors.push({ field: [...at, 'phone'], message: 'Phone is invalid' });
  return errors;
}

/** orderUpdate: the updated order, or the user errors (and then nothing changed). */
export function updateOrder(store: Store, input: Input): { order: OrderRec | null; errors: FieldError[] } {
  const order = store.orders.get(parseGid(input.id, 'Order') ?? -1);
  if (!order) return { order: null, errors: [{ field: ['id'], message: 'Order does not exist' }] };
  const errors = contactProblems(input);
  const tags = Array.isArray(input.tags) ? splitTags(input.tags as string[]) : undefined;
  if (tags) errors.push(...tagProblems(tags, TAG_RULES.Order, ['tags']));
  const address = input.shippingAddress ? readAddressInput(input.shippingAddress as Input, ['shippingAddress']) : undefined;
  if (address) errors.push(...address.errors);
  if (errors.length) return { order: null, errors };

  if ('note' in input) order.note = textOrNull(input.note);
  if ('email' in input) order.email = textOrNull(input.email)?.trim() ?? null;
  if ('phone' in input) order.phone = textOrNull(input.phone)?.trim() ?? null;
  if ('poNumber' in input) order.poNumber = textOrNull(input.poNumber);
  if (tags) order.tags = tags;
  if (Array.isArray(input.customAttributes))
    order.customAttributes = (input.customAttributes as Input[]).map((a) => ({ key: String(a.key), value: String(a.value) }));
  if (address?.address) order.shippingAddress = { id: order.shippingAddress?.id ?? store.nextId('mailingAddress'), ...address.address };
  touchOrder(store, order);
  return { order, errors: [] };
}

/** An order changed: bump updatedAt (never backwards) and send orders/updated. */
function touchOrder(store: Store, order: OrderRec): void {
  const now = isoTime(Date.now());
  if (now > order.updatedAt) order.updatedAt = now;
  store.emit('orders/updated', order.id);
}

/** The taggable record behind a GID, with its type; undefined when there is none or it cannot be tagged. */
function taggable(
  store: Store,
  id: unknown,
): { type: TaggableType; record: { tags: string[]; updatedAt: string; id: number } } | undefined {
  const order = store.orders.get(parseGid(id, 'Order') ?? -1);
  if (order) return { type: 'Order', record: order };
  const customer = store.customers.get(parseGid(id, 'Customer') ?? -1);
  if (customer) return { type: 'Customer', record: customer };
  const draft = store.draftOrders.get(parseGid(id, 'DraftOrder') ?? -1);
  if (draft) return { type: 'DraftOrder', record: draft };
  return undefined;
}

/**
 * tagsAdd / tagsRemove: the tagged record (as the `node` answers it), or the user errors. A type that takes no tags is
 * "not found", as the tagsAdd docs say.
 */
export function changeTags(
  store: Store,
  id: unknown,
  tags: readonly string[],
  mode: 'add' | 'remove',
): { node: unknown; errors: FieldError[] } {
  const target = taggable(store, id);
  if (!target) return { node: null, errors: [{ field: ['id'], message: 'Resource not found' }] };
  const { type, record } = target;
  if (mode === 'add') {
    const added = withTagsAdded(record.tags, tags, TAG_RULES[type]);
    if (added.errors.length) return { node: null, errors: added.errors };
    record.tags = added.tags;
  } else {
    record.tags = withTagsRemoved(record.tags, tags);
  }
  const now = isoTime(Date.now());
  if (now > record.updatedAt) record.updatedAt = now;
  if (type === 'Order') store.emit('orders/updated', record.id);
  else if (type === 'Customer') store.emit('customers/update', record.id);
  else store.emit('draft_orders/update', record.id);
  return { node: record, errors: [] };
}
