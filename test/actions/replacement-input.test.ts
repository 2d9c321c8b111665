/** The createReplacementOrder input checks and tags (pure parts of src/actions/replacement*.ts). */
import { describe, expect, it } from 'vitest';
import { keyTag, replacesTag } from '../../src/actions/replacement.js';
import { parseReplacement } from '../../src/actions/replacement-input.js';
import { hashInput } from '../../src/actions/idempotency.js';
import { BadInputError } from '../../src/errors.js';

const ORDER = 'gid://shopify/Order/5';
const line = (n: number, quantity = 1) => ({ lineItemId: `gid://shopify/LineItem/${n}`, quantity });
const ADDRESS = { lastName: 'Lovelace', address1: '12 St James Square', city: 'London', countryCode: 'GB' };

/** The field and message parseReplacement refuses `input` with. */
function refusal(input: Record<string, unknown>): { field: unknown; message: string } {
  try {
    parseReplacement({ orderId: ORDER, lineItems: [line(1)], idempotencyKey: 'k', ...input } as never);
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return { field: (error as BadInputError).extensions.field, message: (error as BadInputError).message };
  }
  throw new Error('expected a refusal');
}

describe('parseReplacement', () => {
  it('keeps a valid input: trimmed ids, the reason trimmed, no address = the original one', () => {
    expect(
      parseReplacement({
        orderId: ` ${ORDER} `,
        lineItems: [line(1, 2), { lineItemId: ' gid://shopify/LineItem/2 ', quantity: 1 }],
        reason: '  Arrived damaged  ',
        idempotencyKey: 'key-1',
      }),
    ).toEqual({
      idempotencyKey: 'key-1',
      orderId: ORDER,
      lineItems: [line(1, 2), line(2, 1)],
      shippingAddress: null,
      reason: 'Arrived damaged',
    });
  });

  it('parses a given address with the shared address check, naming input.shippingAddress.*', () => {
    const req = parseReplacement({ orderId: ORDER, lineItems: [line(1)], shippingAddress: ADDRESS, idempotencyKey: 'k' });
    expect(req.shippingAddress).toEqual({
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
    expect(refusal({ shippingAddress: { ...ADDRESS, countryCode: 'XX' } }).field).toBe('input.shippingAddress.countryCode');
    expect(refusal({ shippingAddress: { ...ADDRESS, city: ' ' } }).field).toBe('input.shippingAddress.city');
  });

  it('refuses no line items, more than 100, a line item twice, a quantity below 1, a bad GID', () => {
    expect(refusal({ lineItems: [] })).toEqual({
      field: 'input.lineItems',
      message: 'input.lineItems: must name 1 to 100 line items, got 0',
    });
    expect(refusal({ lineItems: Array.from({ length: 101 }, (_, i) => line(i + 1)) }).message).toBe(
      'input.lineItems: must name 1 to 100 line items, got 101',
    );
    expect(
      parseReplacement({ orderId: ORDER, lineItems: Array.from({ length: 100 }, (_, i) => line(i + 1)), idempotencyKey: 'k' }).lineItems,
    ).toHaveLength(100);
    expect(refusal({ lineItems: [line(1), line(2), line(1)] })).toEqual({
      field: 'input.lineItems[2].lineItemId',
      message: 'input.lineItems[2].lineItemId: names a line item already listed; give its total quantity once',
    });
    expect(refusal({ lineItems: [line(1, 0)] })).toEqual({
      field: 'input.lineItems[0].quantity',
      message: 'input.lineItems[0].quantity: must be a whole number of at least 1, got 0',
    });
    expect(refusal({ lineItems: [{ lineItemId: 'gid://shopify/Order/1', quantity: 1 }] }).field).toBe('input.lineItems[0].lineItemId');
    expect(refusal({ orderId: '1001' }).field).toBe('input.orderId');
    expect(refusal({ idempotencyKey: ' ' }).field).toBe('input.idempotencyKey');
  });

  it('refuses a reason over 1000 characters, or with a control, line-break or bidirectional character', () => {
    expect(parseReplacement({ orderId: ORDER, lineItems: [line(1)], reason: 'é'.repeat(1000), idempotencyKey: 'k' }).reason).toHaveLength(
      1000,
    );
    expect(refusal({ reason: 'x'.repeat(1001) })).toEqual({
      field: 'input.reason',
      message: 'input.reason: must be at most 1000 characters, got 1001',
    });
    expect(refusal({ reason: 'broken\nbox' }).message).toBe(
      'input.reason: must not contain control, line-break or bidirectional characters, found U+000A',
    );
    expect(refusal({ reason: 'a\u202Eb' }).message).toContain('found U+202E');
    expect(parseReplacement({ orderId: ORDER, lineItems: [line(1)], reason: '   ', idempotencyKey: 'k' }).reason).toBeNull();
  });

  it('hashes the same request the same however it was written (a retry replays), and another request differently', () => {
    const { idempotencyKey: _a, ...a } = parseReplacement({ orderId: ORDER, lineItems: [line(1)], reason: 'x', idempotencyKey: 'k' });
    const { idempotencyKey: _b, ...b } = parseReplacement({
      idempotencyKey: 'k',
      reason: ' x ',
      lineItems: [{ quantity: 1, lineItemId: ` ${line(1).lineItemId}` }],
      orderId: ORDER,
    });
    expect(hashInput(a)).toBe(hashInput(b));
    expect(hashInput({ ...a, reason: 'y' })).not.toBe(hashInput(a));
  });
});

describe('tags', () => {
  it('keyTag: rk- and 16 hex characters of the key SHA-256, the same for the same key', () => {
    expect(keyTag('key-1')).toMatch(/^rk-[0-9a-f]{16}$/);
    expect(keyTag('key-1')).toBe(keyTag('key-1'));
    expect(keyTag('key-2')).not.toBe(keyTag('key-1'));
    // sha256("abc") = ba7816bf8f01cfea…
    expect(keyTag('abc')).toBe('rk-ba7816bf8f01cfea');
  });

  it('replacesTag: the order number without #, only tag-safe characters, at most 40 characters', () => {
    expect(replacesTag('#1001')).toBe('replaces-1001');
    expect(replacesTag('EU#1002,x')).toBe('replaces-EU-1002-x');
    expect(replacesTag(`#${'9'.repeat(60)}`)).toHaveLength(40);
  });
});
