/** The approval rules that need no Shopify: a refund grown since the request, and a takeover too late to resend. */
import { describe, expect, it } from 'vitest';
import { moreThanRequested, refuseStaleTakeover, TAKEOVER_WINDOW_MS } from '../../src/actions/refund-approval.js';
import type { RefundRequestRecord } from '../../src/store/index.js';

describe('an approval refunds at most what was requested', () => {
  it('the same or less passes; more, or another currency, is refused with both amounts named', () => {
    expect(moreThanRequested({ amount: '62.00', currencyCode: 'USD' }, { amount: '62.00', currencyCode: 'USD' })).toBeNull();
    expect(moreThanRequested({ amount: '61.99', currencyCode: 'USD' }, { amount: '62.00', currencyCode: 'USD' })).toBeNull();
    expect(moreThanRequested({ amount: '62.01', currencyCode: 'USD' }, { amount: '62.00', currencyCode: 'USD' })).toBe(
      'the refund would now be 62.01 USD, more than the 62.00 USD requested; ask for a new refund',
    );
    expect(moreThanRequested({ amount: '10.00', currencyCode: 'EUR' }, { amount: '62.00', currencyCode: 'USD' })).toBe(
      'the refund would now be 10.00 EUR, more than the 62.00 USD requested; ask for a new refund',
    );
  });
});

describe('a takeover resends only while Shopify still knows the refund’s key', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const approving = (startedAt: unknown) =>
    ({
      id: 'rr_1',
      decision: { by: 'boss-a', key: 'k', at: '2026-11-30T12:00:00.000Z' },
      approving: { sent: { shopifyKey: 'x', input: {}, startedAt }, until: '2026-11-30T12:00:10.000Z', lapsed: true },
    }) as unknown as RefundRequestRecord;

  it('within the window it may resend; at one millisecond past, or without a start time, it is refused', () => {
    expect(() => refuseStaleTakeover(approving(new Date(now - TAKEOVER_WINDOW_MS).toISOString()), now)).not.toThrow();
    const late = new Date(now - TAKEOVER_WINDOW_MS - 1).toISOString();
    expect(() => refuseStaleTakeover(approving(late), now)).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'NEEDS_MANUAL_CHECK', field: 'input.id' }),
        message: `input.id: the approval by boss-a started at ${late} and never finished; too long ago to resend it safely: check the order’s refunds in the Shopify admin`,
      }),
    );
    expect(() => refuseStaleTakeover(approving(undefined), now)).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ reason: 'NEEDS_MANUAL_CHECK' }) }),
    );
  });
});
