/** Range checks on whole-number arguments, worded the same wherever a limit, page size or quantity is refused. */
import { BadInputError } from '../errors.js';

/**
 * The value when it is a whole number from `min` to `max` (no `max`: at least `min`); otherwise BAD_USER_INPUT naming
 * `field`: "must be from 1 to 10, got 11", or with `noun` "must be a whole number of at least 1, got 0".
 */
export function requireIntInRange(value: number, min: number, max: number, field: string, noun = ''): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new BadInputError(field, `must be ${noun ? `${noun} ` : ''}${range}, got ${value}`);
  }
  return value;
}
