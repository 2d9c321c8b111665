/**
 * Money in the agent's input: decimal strings compared exactly (never as floats), bounded amounts, ISO 4217 codes.
 * Part of the input checks of ./validate.ts, apart because every action that moves money needs the same rules.
 */
import { BadInputError } from '../errors.js';

/**
 * Largest amount any money input may have, in any currency: large enough for currencies with small units (a
 * 2 000 000 VND voucher is about 80 USD), far below where a typo like 999999999999.999 would be taken at its word.
 */
export const MAX_AMOUNT = '100000000.00';
/** Decimals a money input may have (Shopify rounds more away silently; we refuse instead). */
export const MAX_AMOUNT_DECIMALS = 2;
const AMOUNT_SHAPE = /^\d{1,20}(\.\d{1,20})?$/;
const CURRENCY = /^[A-Z]{3}$/;

/** An ISO 4217 code as the input wrote it (absent stays absent). */
export function optionalCurrency(value: string | null | undefined, field: string): string | undefined {
  if (value == null) return undefined;
  if (!CURRENCY.test(value))
    throw new BadInputError(
      field,
      `must be an ISO 4217 code of three capital letters such as "USD", got ${JSON.stringify(value.slice(0, 20))}`,
    );
  return value;
}

/** Compares two non-negative decimal strings exactly (no floats): negative, zero or positive like a comparator. */
export function compareDecimal(a: string, b: string): number {
  const [ai = '0', af = ''] = a.split('.');
  const [bi = '0', bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const x = BigInt(ai + af.padEnd(scale, '0'));
  const y = BigInt(bi + bf.padEnd(scale, '0'));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A money input: more than 0, at most MAX_AMOUNT, at most 2 decimals (never rounded for the agent). */
export function positiveAmount(value: string, field: string): string {
  const v = value.trim();
  if (!AMOUNT_SHAPE.test(v))
    throw new BadInputError(field, `must be a decimal string like "10.00", got ${JSON.stringify(value.slice(0, 40))}`);
  const decimals = v.split('.')[1]?.length ?? 0;
  if (compareDecimal(v, '0') <= 0 || compareDecimal(v, MAX_AMOUNT) > 0 || decimals > MAX_AMOUNT_DECIMALS) {
    throw new BadInputError(
      field,
      `must be more than 0 and at most ${MAX_AMOUNT}, with at most ${MAX_AMOUNT_DECIMALS} decimals, got ${JSON.stringify(v)}`,
    );
  }
  return v;
}
