/**
 * The error vocabulary: each error says how an action ending in it is audited, and an error kept with an
 * idempotency key comes back on a retry exactly as it was thrown (records written before issue 10 included).
 */
import { describe, expect, it } from 'vitest';
import { outcomeOf } from '../../src/audit/attempt.js';
import {
  BadInputError,
  ForbiddenError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  InternalError,
  restoreError,
  ShopifyOutcomeUnknownError,
  ShopifyThrottledError,
  ShopifyUnavailableError,
  UnauthenticatedError,
} from '../../src/errors.js';

describe('errors', () => {
  it('each carries its audit outcome; anything that is not ours is a failure', () => {
    expect(
      [
        new UnauthenticatedError(),
        new ForbiddenError('shopify:read'),
        new BadInputError('input.x', 'bad'),
        new IdempotencyKeyReusedError(),
        new IdempotencyInProgressError('wait', 2),
        new ShopifyOutcomeUnknownError('refundCreate', 'timeout'),
        new ShopifyUnavailableError('down'),
        new ShopifyThrottledError(),
        new InternalError('unreadable'),
        new Error('a bug'),
        'not even an error',
      ].map(outcomeOf),
    ).toEqual(['denied', 'denied', 'rejected', 'rejected', 'rejected', 'unknown', 'failed', 'failed', 'failed', 'failed', 'failed']);
  });

  it('a stored error is restored with the same code, message, extensions and audit outcome', () => {
    for (const error of [
      new BadInputError('input.lineItems[0].quantity', 'is more than the 2 still refundable: a: b'),
      new IdempotencyInProgressError('later', 3),
    ]) {
      const restored = restoreError(JSON.parse(JSON.stringify(error.toStored())));
      expect({ message: restored.message, extensions: restored.extensions, outcome: restored.auditOutcome }).toEqual({
        message: error.message,
        extensions: error.extensions,
        outcome: error.auditOutcome,
      });
    }
  });

  it('a record written before issue 10 ({ code, message, field }) is restored without cutting its message', () => {
    const restored = restoreError({
      code: 'BAD_USER_INPUT',
      message: 'input.orderId: there is nothing left to refund',
      field: 'input.orderId',
    });
    expect({ message: restored.message, extensions: restored.extensions, outcome: restored.auditOutcome }).toEqual({
      message: 'input.orderId: there is nothing left to refund',
      extensions: { field: 'input.orderId', code: 'BAD_USER_INPUT' },
      outcome: 'rejected',
    });
  });
});
