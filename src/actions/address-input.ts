/**
 * The one check of a postal address an agent types (ShopifyMailingAddressInput), shared by every action that takes
 * one (updateShippingAddress, createReplacementOrder), so an address refused by one is refused by all, with the same
 * words. Runs before any Shopify call or idempotency claim, like the rest of the input checks (./validate.ts).
 *
 * Addresses are personal data: messages name the field and the rule, never the value (except a country code, which
 * identifies nobody).
 */
import { BadInputError } from '../errors.js';
import type { MailingAddress } from '../domain/model.js';
import { isShippableCountryCode } from './country-codes.js';

/** Longest text any address field may hold (Shopify's own limit for address lines). */
export const MAX_ADDRESS_TEXT = 255;

/**
 * Characters no address line may hold: every control character (an address is one line per field, so no tab or line
 * break either), the line and paragraph separators, lone surrogates, and the bidirectional marks that reorder what
 * staff and couriers read.
 */
const UNSAFE_IN_ADDRESS = /[\p{Cc}\p{Cs}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

/** The fields of an address in the order they are checked (the first bad one is named). */
const TEXT_FIELDS = [
  'firstName',
  'lastName',
  'company',
  'address1',
  'address2',
  'city',
  'provinceCode',
  'zip',
  'countryCode',
  'phone',
] as const satisfies ReadonlyArray<keyof MailingAddress>;

/** Fields that must not be blank: without them no carrier can deliver. */
const REQUIRED = new Set<keyof MailingAddress>(['lastName', 'address1', 'city', 'countryCode']);

/**
 * The address as a domain MailingAddress: each text trimmed of surrounding blanks (a blank optional field becomes
 * null), at most 255 characters, no control or bidirectional characters; lastName, address1 and city not blank;
 * countryCode an ISO 3166-1 alpha-2 code of the pinned Admin schema's CountryCode enum. Anything else is
 * BAD_USER_INPUT naming `${fieldPath}.<field>` (or `fieldPath` itself when `raw` is not an object).
 */
export function parseAddressInput(raw: unknown, fieldPath: string): MailingAddress {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new BadInputError(fieldPath, 'must be an address object');
  const input = raw as Record<string, unknown>;
  const address = {} as MailingAddress;
  for (const name of TEXT_FIELDS) {
    address[name] = addressText(input[name], `${fieldPath}.${name}`, REQUIRED.has(name));
  }
  address.countryCode = countryCode(address.countryCode!, `${fieldPath}.countryCode`);
  return address;
}

/** One text field: trimmed, bounded, printable; null when left out or blank and not required. */
function addressText(value: unknown, field: string, required: boolean): string | null {
  if (value === null || value === undefined) {
    if (required) throw new BadInputError(field, 'is required');
    return null;
  }
  if (typeof value !== 'string') throw new BadInputError(field, 'must be a string');
  // Only ASCII blanks are trimmed: String.trim would also drop a BOM or NBSP, which are refused below, not hidden.
  const text = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (text === '') {
    if (required) throw new BadInputError(field, 'must not be blank');
    return null;
  }
  const length = [...text].length;
  if (length > MAX_ADDRESS_TEXT) throw new BadInputError(field, `must be at most ${MAX_ADDRESS_TEXT} characters, got ${length}`);
  const bad = UNSAFE_IN_ADDRESS.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new BadInputError(field, `must not contain control, line-break or bidirectional characters, found U+${code}`);
  }
  return text;
}

/** The country code as given when it is one Shopify ships to; otherwise BAD_USER_INPUT naming what was wrong. */
function countryCode(value: string, field: string): string {
  if (!/^[A-Z]{2}$/.test(value)) {
    const hint = /^[a-z]{2}$/i.test(value) ? ` (did you mean "${value.toUpperCase()}"?)` : '';
    throw new BadInputError(
      field,
      `must be an ISO 3166-1 alpha-2 code of two capital letters such as "US", got ${JSON.stringify(value.slice(0, 10))}${hint}`,
    );
  }
  if (!isShippableCountryCode(value)) throw new BadInputError(field, `"${value}" is not an ISO 3166-1 alpha-2 country code Shopify knows`);
  return value;
}
