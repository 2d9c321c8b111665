/**
 * The one check of a postal address an agent types (ShopifyMailingAddressInput), shared by every action that takes
 * one (updateShippingAddress, createReplacementOrder), so an address refused by one is refused by all, with the same
 * words. Runs before any Shopify call or idempotency claim, like the rest of the input checks (./validate.ts).
 *
 * Addresses are personal data: messages name the field and the rule, never the value (except a well-formed country
 * code, which identifies nobody).
 */
import { BadInputError } from '../errors.js';
import type { MailingAddress } from '../domain/model.js';
import { isShippableCountryCode } from './country-codes.js';
import { freeText } from './validate.js';

/** Longest text any address field may hold (Shopify's own limit for address lines). */
export const MAX_ADDRESS_TEXT = 255;

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
 * The address as a domain MailingAddress: each text one line of free text (trimmed of surrounding blanks, a blank
 * optional field null, at most 255 characters, no control, format or bidirectional character); lastName, address1
 * and city not blank; countryCode an ISO 3166-1 alpha-2 code of the pinned Admin schema's CountryCode enum. Anything else is
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

/** One text field: free text on one line (./validate.ts freeText); null when left out or blank and not required. */
function addressText(value: unknown, field: string, required: boolean): string | null {
  if (value === null || value === undefined) {
    if (required) throw new BadInputError(field, 'is required');
    return null;
  }
  if (typeof value !== 'string') throw new BadInputError(field, 'must be a string');
  const text = freeText(value, field, { max: MAX_ADDRESS_TEXT, multiline: false });
  if (text === null && required) throw new BadInputError(field, 'must not be blank');
  return text;
}

/**
 * The country code as given when it is one Shopify ships to; otherwise BAD_USER_INPUT saying what is wrong. The
 * value is repeated only when it has the shape of a code (two capital letters): anything else may be a mistyped
 * address line, which is personal data.
 */
function countryCode(value: string, field: string): string {
  if (!/^[A-Z]{2}$/.test(value)) {
    throw new BadInputError(field, `must be an ISO 3166-1 alpha-2 code of two capital letters such as "US", got ${shapeOf(value)}`);
  }
  if (!isShippableCountryCode(value)) throw new BadInputError(field, `"${value}" is not an ISO 3166-1 alpha-2 country code Shopify knows`);
  return value;
}

/** What is wrong with a country code that is not two capital letters, without repeating it. */
function shapeOf(value: string): string {
  if (/^[a-zA-Z]{2}$/.test(value)) return 'lower-case letters (write the code in capitals)';
  const length = [...value].length;
  return length === 2 ? 'characters other than the letters A to Z' : `${length} characters`;
}
