import { describe, expect, it } from 'vitest';
import { isGid, profileIdProblem, requireGid, requireProfileId } from '../../src/domain/ids.js';
import { requireIntInRange } from '../../src/domain/numbers.js';

/** The shared input rules (src/domain/ids.ts, numbers.ts): one wording wherever an entry point refuses a value. */
describe('shared input rules', () => {
  it('range checks name the field, the range and the value', () => {
    expect(requireIntInRange(10, 1, 10, 'limit')).toBe(10);
    expect(() => requireIntInRange(11, 1, 10, 'limit')).toThrow('limit: must be from 1 to 10, got 11');
    expect(() => requireIntInRange(1.5, 1, 25, 'first')).toThrow('first: must be from 1 to 25, got 1.5');
    expect(() => requireIntInRange(0, 1, 1000, 'input.usageLimit', 'a whole number')).toThrow(
      'input.usageLimit: must be a whole number from 1 to 1000, got 0',
    );
    expect(() => requireIntInRange(0, 1, Infinity, 'q', 'a whole number')).toThrow('q: must be a whole number of at least 1, got 0');
  });

  it('a GID is gid://shopify/{type}/{positive number}, exactly as written', () => {
    expect(isGid('gid://shopify/Order/1', 'Order')).toBe(true);
    expect(isGid('gid://shopify/Order/0', 'Order')).toBe(false);
    expect(isGid('gid://shopify/Customer/1', 'Order')).toBe(false);
    expect(isGid(' gid://shopify/Order/1', 'Order')).toBe(false);
    expect(isGid(null, 'Order')).toBe(false);
    expect(requireGid(' gid://shopify/LineItem/7 ', 'LineItem', 'id')).toBe('gid://shopify/LineItem/7');
    expect(() => requireGid('7', 'Customer', 'customerId')).toThrow(
      'customerId: must be a Shopify Customer GID like gid://shopify/Customer/123',
    );
  });

  it('a profile id is 1 to 200 characters once trimmed, without control or format characters', () => {
    expect(profileIdProblem('p-1')).toBeNull();
    expect(profileIdProblem('  ')).toBe('must be a non-empty id of at most 200 characters');
    expect(profileIdProblem('x'.repeat(201))).toBe('must be a non-empty id of at most 200 characters');
    expect(profileIdProblem('a\u200Bb')).toBe('must not contain control characters');
    expect(requireProfileId(' p-1 ', 'profileId')).toBe('p-1');
  });
});
