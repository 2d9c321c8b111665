/** The pure parts of the actions: decimals, input hashing, generated codes, leases, key purging, the expiry sweep's log. */
import { describe, expect, it, vi } from 'vitest';
import type { RequestContext } from '../../src/context.js';
import { generateCode, GENERATED_CODE_LENGTH } from '../../src/actions/discount.js';
import { hashInput, requestHash, KEY_TTL_MS, leaseMsFor, maybePurge, purgeExpiredKeys } from '../../src/actions/idempotency.js';
import { shopifyRefundKey } from '../../src/actions/refund.js';
import { expireRefundRequests, MAX_LOGGED_EXPIRED_IDS } from '../../src/actions/refund-approval-expiry.js';
import { compareDecimal, parseDiscount, parseRefund } from '../../src/actions/validate.js';
import { silentLogger } from '../../src/logger.js';
import { DateTimeScalar, isDateTime } from '../../src/scalars.js';
import type { NewAuditEntry, RefundRequestRecord, Store } from '../../src/store/index.js';
import type { Logger } from '../../src/logger.js';
import { databases } from '../helpers/databases.js';

describe('compareDecimal', () => {
  it('compares decimal strings exactly, whatever their scale', () => {
    expect(compareDecimal('10', '9.99')).toBe(1);
    expect(compareDecimal('1.5', '1.50')).toBe(0);
    expect(compareDecimal('0.1', '0.10000001')).toBe(-1);
    expect(compareDecimal('123456789012.345', '123456789012.344')).toBe(1);
  });
});

describe('hashInput', () => {
  it('is the same for the same request however it was written, and differs for any change', () => {
    const a = parseRefund({
      orderId: 'gid://shopify/Order/1',
      lineItems: [{ lineItemId: 'gid://shopify/LineItem/2', quantity: 1 }],
      idempotencyKey: 'k',
    });
    const b = parseRefund({
      idempotencyKey: 'k',
      notifyCustomer: false,
      toStoreCredit: false,
      lineItems: [{ quantity: 1, restock: false, lineItemId: ' gid://shopify/LineItem/2 ' }],
      orderId: 'gid://shopify/Order/1',
    });
    expect(hashInput(a)).toBe(hashInput(b));
    expect(hashInput({ x: 1, y: undefined })).toBe(hashInput({ x: 1 }));
    expect(hashInput({ ...a, note: 'x' })).not.toBe(hashInput(a));
  });

  it('requestHash: the key is left out and the store is in, except `default`, whose keys keep their pre-stores hash', () => {
    const req = parseRefund({ orderId: 'gid://shopify/Order/1', idempotencyKey: 'k' });
    const { idempotencyKey: _key, ...rest } = req;
    // A key stored before stores existed (hash of the input alone) still replays in the store it was made in.
    expect(requestHash(req, 'default')).toBe(hashInput(rest));
    expect(requestHash({ ...req, idempotencyKey: 'other' }, 'us')).toBe(requestHash(req, 'us'));
    // The same input in another store is another request.
    expect(new Set([requestHash(req, 'default'), requestHash(req, 'us'), requestHash(req, 'eu')]).size).toBe(3);
  });

  it("Shopify's refund key depends on our key only (not on the agent), and is not our key", () => {
    expect(shopifyRefundKey('abc')).toBe(shopifyRefundKey('abc'));
    expect(shopifyRefundKey('abc')).not.toBe(shopifyRefundKey('abd'));
    expect(shopifyRefundKey('abc')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('generated discount codes', () => {
  it('are 12 base32 characters, all different over many draws', () => {
    const codes = Array.from({ length: 5000 }, generateCode);
    for (const c of codes) expect(c).toMatch(new RegExp(`^[A-Z2-7]{${GENERATED_CODE_LENGTH}}$`));
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('parseDiscount', () => {
  it('refuses a DateTime without an offset when called directly too', () => {
    expect(() =>
      parseDiscount({ customerId: 'gid://shopify/Customer/5', percentage: 15, endsAt: '2031-01-01T00:00:00', idempotencyKey: 'k' }, 0),
    ).toThrow('input.endsAt: An ISO 8601 date and time with a UTC offset is needed');
  });

  it('normalizes endsAt to ISO and defaults usageLimit to 1', () => {
    const now = Date.parse('2026-07-01T00:00:00Z');
    expect(
      parseDiscount(
        { customerId: 'gid://shopify/Customer/5', percentage: 15, endsAt: '2026-07-02T02:00:00+02:00', idempotencyKey: 'k' },
        now,
      ),
    ).toEqual({
      idempotencyKey: 'k',
      target: { customerId: 'gid://shopify/Customer/5' },
      value: { percentage: 15 },
      code: null,
      endsAt: '2026-07-02T00:00:00.000Z',
      usageLimit: 1,
      minimumSubtotal: null,
    });
  });
});

describe('DateTime scalar', () => {
  it('passes output strings through unchanged (no milliseconds added, no zone rewritten)', () => {
    for (const v of ['2026-06-24T23:15:16Z', '2026-06-24T23:15:16.123Z', '2026-06-24T23:15:16+02:00'])
      expect(DateTimeScalar.serialize(v)).toBe(v);
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 5, 24, 23, 15, 16)))).toBe('2026-06-24T23:15:16.000Z');
  });

  it('accepts only real date-times with an offset', () => {
    const good = ['2031-01-01T00:00:00Z', '2031-01-01T23:59:59.999999+14:00', '2028-02-29T12:00:00-05:30'];
    const bad = [
      '2031-01-01',
      '2031-01-01T00:00:00',
      '2031-01-01T00:00Z',
      '2031-02-29T00:00:00Z',
      '2031-01-01T24:00:00Z',
      '2031-01-01T00:00:60Z',
      '2031-01-01T00:00:00+2400',
      '2031-01-01T00:00:00+24:00',
      '2031-01-01t00:00:00z',
      ' 2031-01-01T00:00:00Z',
      '2031-01-01T00:00:00Z\n',
    ];
    for (const v of good) expect([v, isDateTime(v)]).toEqual([v, true]);
    for (const v of bad) expect([v, isDateTime(v)]).toEqual([v, false]);
    expect(() => DateTimeScalar.parseValue(['2031-01-01T00:00:00Z'])).toThrow('got a list');
  });
});

describe('leases', () => {
  it('outlast two Shopify calls (budget wait + attempt) plus a second', () => {
    expect(leaseMsFor({ timeoutMs: 10_000, maxWaitMs: 5_000 })).toBe(31_000);
    expect(leaseMsFor({ timeoutMs: 300, maxWaitMs: 600 })).toBe(2_800);
  });
});

describe('purging keys', () => {
  it('deletes keys older than 24 h only', async () => {
    let now = Date.parse('2026-07-01T00:00:00Z');
    const store = await databases[0]!.open({ now: () => new Date(now) });
    try {
      const claim = (key: string) => store.idempotency.claim({ key, agentId: 'a', mutation: 'refundOrder', inputHash: 'h', leaseMs: 1000 });
      await claim('old');
      now += 2 * 60 * 60 * 1000;
      await claim('recent');
      expect(await purgeExpiredKeys(store, Date.parse('2026-07-01T00:00:00Z') + KEY_TTL_MS + 1)).toBe(1);
      expect(await store.idempotency.get('old')).toBeNull();
      expect(await store.idempotency.get('recent')).not.toBeNull();
    } finally {
      await store.cleanup();
    }
  });

  it('runs opportunistically at most once a minute per store', () => {
    vi.useFakeTimers({ now: Date.parse('2026-07-01T00:00:00Z') });
    try {
      const purgeOlderThan = vi.fn(async () => 0);
      const ctx = { deps: { store: { idempotency: { purgeOlderThan } } as unknown as Store }, logger: silentLogger() } as RequestContext;
      maybePurge(ctx);
      maybePurge(ctx);
      vi.advanceTimersByTime(59_000);
      maybePurge(ctx);
      expect(purgeOlderThan).toHaveBeenCalledTimes(1);
      expect(purgeOlderThan).toHaveBeenCalledWith(new Date(Date.parse('2026-07-01T00:00:00Z') - KEY_TTL_MS));
      vi.advanceTimersByTime(1_000);
      maybePurge(ctx);
      expect(purgeOlderThan).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the expiry sweep', () => {
  it('logs how many requests expired and the first 20 ids in one line; the audit has every one', async () => {
    const expired = Array.from(
      { length: 45 },
      (_, i) =>
        ({
          id: `rr_${String(i).padStart(32, '0')}`,
          store: 'us',
          orderId: `gid://shopify/Order/${i + 1}`,
          customerId: null,
          amount: { amount: '120.00', currencyCode: 'USD' },
        }) as RefundRequestRecord,
    );
    const audited: NewAuditEntry[] = [];
    const store = {
      refundRequests: { expireDue: async () => expired },
      audit: { record: async (e: NewAuditEntry) => audited.push(e) },
    } as unknown as Store;
    const info = vi.fn();
    const logger = { info, warn: vi.fn(), error: vi.fn() } as unknown as Logger;
    expect(await expireRefundRequests({ store, logger })).toBe(expired);
    expect(MAX_LOGGED_EXPIRED_IDS).toBe(20);
    expect(info.mock.calls).toEqual([[{ count: 45, expired: expired.slice(0, 20).map((r) => r.id) }, 'refund requests expired']]);
    expect(audited.map((e) => e.orderId)).toEqual(expired.map((r) => r.orderId));

    info.mockClear();
    await expireRefundRequests({ store: { ...store, refundRequests: { expireDue: async () => expired.slice(0, 3) } } as Store, logger });
    expect(info.mock.calls).toEqual([[{ count: 3, expired: expired.slice(0, 3).map((r) => r.id) }, 'refund requests expired']]);
  });
});
