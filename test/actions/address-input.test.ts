/** The shared address check (src/actions/address-input.ts): what it keeps, what it refuses and the field it names. */
import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { MAX_ADDRESS_TEXT, parseAddressInput } from '../../src/actions/address-input.js';
import { SHIPPABLE_COUNTRY_CODES } from '../../src/actions/country-codes.js';
import { BadInputError } from '../../src/errors.js';

const FULL = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: 'Analytical Engines Ltd',
  address1: '12 St James Square',
  address2: 'Flat 2',
  city: 'London',
  provinceCode: 'ENG',
  zip: 'SW1Y 4JH',
  countryCode: 'GB',
  phone: '+44 20 7946 0000',
};
const MINIMAL = { lastName: 'Lovelace', address1: '12 St James Square', city: 'London', countryCode: 'GB' };

/** The BadInputError parseAddressInput throws for `raw`, as { field, message }. */
function refusal(raw: unknown, path = 'input.address'): { field: unknown; message: string } {
  try {
    parseAddressInput(raw, path);
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    const e = error as BadInputError;
    return { field: e.extensions.field, message: e.message };
  }
  throw new Error('expected a refusal');
}

describe('parseAddressInput', () => {
  it('keeps a full address as given', () => {
    expect(parseAddressInput(FULL, 'input.address')).toEqual(FULL);
  });

  it('fills left-out optional fields with null and trims surrounding blanks', () => {
    expect(parseAddressInput({ ...MINIMAL, lastName: '  Lovelace\t', zip: '   ', phone: null }, 'x')).toEqual({
      firstName: null,
      lastName: 'Lovelace',
      company: null,
      address1: '12 St James Square',
      address2: null,
      city: 'London',
      provinceCode: null,
      zip: null,
      countryCode: 'GB',
      phone: null,
    });
  });

  it('refuses a blank or missing required field, naming it under the given path', () => {
    expect(refusal({ ...MINIMAL, lastName: '  ' }, 'input.shippingAddress')).toEqual({
      field: 'input.shippingAddress.lastName',
      message: 'input.shippingAddress.lastName: must not be blank',
    });
    expect(refusal({ ...MINIMAL, address1: '' }).field).toBe('input.address.address1');
    expect(refusal({ ...MINIMAL, city: undefined })).toEqual({
      field: 'input.address.city',
      message: 'input.address.city: is required',
    });
    expect(refusal({ ...MINIMAL, countryCode: null }).field).toBe('input.address.countryCode');
  });

  it('refuses texts over 255 characters (counted as characters, not UTF-16 units)', () => {
    expect(parseAddressInput({ ...MINIMAL, address2: '😀'.repeat(MAX_ADDRESS_TEXT) }, 'a').address2).toBe('😀'.repeat(MAX_ADDRESS_TEXT));
    expect(refusal({ ...MINIMAL, company: 'x'.repeat(256) })).toEqual({
      field: 'input.address.company',
      message: 'input.address.company: must be at most 255 characters, got 256',
    });
  });

  it('refuses control, line-break, bidirectional and invisible format characters in any field', () => {
    expect(refusal({ ...MINIMAL, address1: '12 St\nJames' })).toEqual({
      field: 'input.address.address1',
      message: 'input.address.address1: must not contain control, line-break or bidirectional characters, found U+000A',
    });
    expect(refusal({ ...MINIMAL, firstName: 'A\u202Eda' }).message).toContain('found U+202E');
    expect(refusal({ ...MINIMAL, zip: '12\u0000' }).field).toBe('input.address.zip');
    expect(refusal({ ...MINIMAL, phone: '1\u2028' }).field).toBe('input.address.phone');
    expect(refusal({ ...MINIMAL, city: 'Lon\uD800don' }).message).toContain('found U+D800');
    expect(refusal({ ...MINIMAL, zip: 'SW1Y\u200B4JH' })).toEqual({
      field: 'input.address.zip',
      message: 'input.address.zip: must not contain invisible format characters, found U+200B',
    });
  });

  it('refuses a country code that is not two capital letters of the pinned CountryCode enum', () => {
    const rule = 'input.address.countryCode: must be an ISO 3166-1 alpha-2 code of two capital letters such as "US", got';
    expect(refusal({ ...MINIMAL, countryCode: 'gb' })).toEqual({
      field: 'input.address.countryCode',
      message: `${rule} lower-case letters (write the code in capitals)`,
    });
    expect(refusal({ ...MINIMAL, countryCode: 'GBR' }).message).toBe(`${rule} 3 characters`);
    expect(refusal({ ...MINIMAL, countryCode: 'G1' }).message).toBe(`${rule} characters other than the letters A to Z`);
    expect(refusal({ ...MINIMAL, countryCode: 'ÉU' }).message).toBe(`${rule} characters other than the letters A to Z`);
    expect(refusal({ ...MINIMAL, countryCode: 'QQ' }).message).toBe(
      'input.address.countryCode: "QQ" is not an ISO 3166-1 alpha-2 country code Shopify knows',
    );
    expect(refusal({ ...MINIMAL, countryCode: 'ZZ' }).field).toBe('input.address.countryCode');
    expect(parseAddressInput({ ...MINIMAL, countryCode: 'XK' }, 'a').countryCode).toBe('XK');
  });

  it('refuses something that is not an address object, or a field that is not a string', () => {
    expect(refusal(null, 'input.shippingAddress')).toEqual({
      field: 'input.shippingAddress',
      message: 'input.shippingAddress: must be an address object',
    });
    expect(refusal([MINIMAL]).field).toBe('input.address');
    expect(refusal({ ...MINIMAL, zip: 12345 })).toEqual({
      field: 'input.address.zip',
      message: 'input.address.zip: must be a string',
    });
  });

  it('never puts the refused value of a personal field in its message', () => {
    const secret = 'Secret Street 1\u0007';
    expect(refusal({ ...MINIMAL, address1: secret }).message).not.toContain('Secret');
    expect(refusal({ ...MINIMAL, lastName: 'L'.repeat(300) }).message).not.toContain('LLL');
    // A street typed into the country code, or a name: said what is wrong, not repeated.
    expect(refusal({ ...MINIMAL, countryCode: 'Secret Street 1' }).message).toBe(
      'input.address.countryCode: must be an ISO 3166-1 alpha-2 code of two capital letters such as "US", got 15 characters',
    );
    expect(refusal({ ...MINIMAL, countryCode: 'Jo' }).message).not.toContain('Jo');
  });
});

describe('the country code list', () => {
  it('is exactly the pinned Admin schema CountryCode enum without ZZ', () => {
    const sdl = readFileSync(new URL('../../packages/shopify-admin-schema/admin-2026-07.graphql', import.meta.url), 'utf8');
    const start = sdl.indexOf('enum CountryCode {');
    const block = sdl.slice(start, sdl.indexOf('}', start) + 1);
    const values = (buildSchema(block).getType('CountryCode') as GraphQLEnumType).getValues().map((v) => v.name);
    expect(values).toContain('ZZ');
    expect(SHIPPABLE_COUNTRY_CODES.split(' ')).toEqual(values.filter((v) => v !== 'ZZ'));
  });
});
