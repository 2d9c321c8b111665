/** Shopify's refusals (userErrors) as our payloads show them: field paths in the agent's input, always a code. */
import type { ShopifyUserError } from '../domain/actions.js';
import type { UserError } from './idempotency.js';

/** The code of a Shopify user error that has none (refundCreate's UserError has no `code` field): stable, documented in the SDL. */
export const SHOPIFY_USER_ERROR = 'SHOPIFY_USER_ERROR';

/** Shopify's MailingAddressInput names (deprecated ones too: Shopify may still answer with them) → ShopifyMailingAddressInput's. */
const MAILING_ADDRESS: Readonly<Record<string, string>> = {
  firstName: 'firstName',
  lastName: 'lastName',
  company: 'company',
  address1: 'address1',
  address2: 'address2',
  city: 'city',
  province: 'provinceCode',
  provinceCode: 'provinceCode',
  zip: 'zip',
  country: 'countryCode',
  countryCode: 'countryCode',
  phone: 'phone',
};

/** What may follow one of our input fields in a path: an index (a list), then (for objects) one of our names. */
interface SubPath {
  list?: true;
  fields?: Readonly<Record<string, string>>;
}

/**
 * The inner names of our input fields, by our field's name; a field not listed takes no sub-path (a scalar). Where two
 * inputs share a name (lineItems of a refund and of a replacement), only the names both have are kept.
 */
const SUB_PATHS: Readonly<Record<string, SubPath>> = {
  address: { fields: MAILING_ADDRESS },
  shippingAddress: { fields: MAILING_ADDRESS },
  lineItems: { list: true, fields: { lineItemId: 'lineItemId', quantity: 'quantity' } },
  shipping: { fields: { amount: 'amount', fullRefund: 'full' } },
  // tag lists are sent as the input listed them, so Shopify's index is the input's
  add: { list: true },
  remove: { list: true },
};

const INDEX = /^(0|[1-9]\d{0,5})$/;

/**
 * Shopify's userErrors with their field paths translated to ours (`["refundLineItems","0","quantity"]` →
 * `["input","lineItems","0","quantity"]`, `["shippingAddress","province"]` → `["input","address","provinceCode"]`).
 * Every name in the result is one our input has: the head through `fieldMap`, the rest through SUB_PATHS, and a path
 * stops at the last part that maps (`["shippingAddress","id"]` → `["input","address"]`). A path into something the
 * agent did not send (e.g. the transactions we computed) has no input field: it becomes null, and the message still
 * says what Shopify refused. Every error gets a code, so clients can branch on it: Shopify's own, else SHOPIFY_USER_ERROR.
 */
export function toUserErrors(errors: ReadonlyArray<ShopifyUserError>, fieldMap: Record<string, string | null>): UserError[] {
  return errors.map((e) => {
    const path = e.field ? [...e.field] : null;
    if (path && path[0] === 'basicCodeDiscount') path.shift();
    const mapped = path && path.length > 0 && Object.hasOwn(fieldMap, path[0]!) ? fieldMap[path[0]!] : null;
    const field = mapped ? ['input', mapped, ...subPath(mapped, path!.slice(1))] : null;
    return { field, message: e.message, code: e.code || SHOPIFY_USER_ERROR };
  });
}

/** The part of Shopify's path after our field `name` in our names, as far as it maps (Shopify's own names stop it). */
function subPath(name: string, rest: readonly string[]): string[] {
  const shape = Object.hasOwn(SUB_PATHS, name) ? SUB_PATHS[name]! : {};
  const out: string[] = [];
  let i = 0;
  if (shape.list) {
    if (rest[i] === undefined || !INDEX.test(rest[i]!)) return out;
    out.push(rest[i++]!);
  }
  const next = rest[i];
  if (shape.fields && next !== undefined && Object.hasOwn(shape.fields, next)) out.push(shape.fields[next]!);
  return out;
}
