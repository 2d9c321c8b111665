/**
 * The refund-request repository on a real SQLite file and on PostgreSQL: idempotent creation, the bound on an order's
 * pending requests (also under 25 concurrent creates), the per-order list and its status filter (and the request's
 * loader over it), the conditional moves (of concurrent deciders exactly one wins, also across two connections), the takeover of an
 * approval left past its hold (one of concurrent takers wins, the stored refund comes back unchanged), and the expiry
 * sweep.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RefundRequestStatus } from '../../src/domain/refund-requests.js';
import { byOrderAndStatusLoader } from '../../src/request.js';
import { openStore, type NewRefundRequest, type RefundRequestRecord, type Store } from '../../src/store/index.js';
import { databases, type TestStore } from '../helpers/databases.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const HOUR = 3_600_000;

const ask = {
  lineItems: [{ lineItemId: 'gid://shopify/LineItem/11', quantity: 2, restock: true }],
  shipping: { amount: '4.50' },
  note: 'damaged in transit',
  notifyCustomer: true,
  toStoreCredit: false,
};

const newRequest = (over: Partial<NewRefundRequest> = {}): NewRefundRequest => ({
  id: 'rr_00000000000000000000000000000001',
  store: 'us',
  orderId: 'gid://shopify/Order/1',
  customerId: 'gid://shopify/Customer/7',
  requestedBy: 'agent-1',
  requestedKey: 'key-1',
  ask,
  amount: { amount: '320.00', currencyCode: 'USD' },
  limit: '100.00',
  ttlMs: 72 * HOUR,
  maxPending: 20,
  ...over,
});

/** The record a fresh request reads as, pending. */
const pendingRecord = (at = T0): RefundRequestRecord => ({
  id: 'rr_00000000000000000000000000000001',
  store: 'us',
  orderId: 'gid://shopify/Order/1',
  customerId: 'gid://shopify/Customer/7',
  status: 'PENDING',
  requestedBy: 'agent-1',
  requestedAt: at.toISOString(),
  expiresAt: new Date(at.getTime() + 72 * HOUR).toISOString(),
  amount: { amount: '320.00', currencyCode: 'USD' },
  limit: { amount: '100.00', currencyCode: 'USD' },
  lineItems: ask.lineItems,
  shippingFull: false,
  shippingAmount: { amount: '4.50', currencyCode: 'USD' },
  note: 'damaged in transit',
  toStoreCredit: false,
  notifyCustomer: true,
  decidedBy: null,
  decidedAt: null,
  rejectionReason: null,
  refund: null,
  errorCode: null,
  state: 'pending',
  requestedKey: 'key-1',
  decision: null,
  approving: null,
  ask,
});

/** What an approval stores at the move to approving (a RefundSent as JSON): given back exactly, whoever holds it. */
const SENT = {
  shopifyKey: '5f1c0ffee5f1c0ffee5f1c0ffee5f1c0ffee5f1c0ffee5f1c0ffee5f1c0ffee0',
  input: {
    orderId: 'gid://shopify/Order/1',
    currency: 'USD',
    note: 'damaged in transit – “crushed” box',
    notify: true,
    refundLineItems: [
      { lineItemId: 'gid://shopify/LineItem/11', quantity: 2, restockType: 'RETURN', locationId: 'gid://shopify/Location/3' },
    ],
    shipping: { amount: '4.50' },
    transactions: [
      { orderId: 'gid://shopify/Order/1', parentId: 'gid://shopify/OrderTransaction/9', gateway: '', kind: 'REFUND', amount: '320.00' },
    ],
  },
  explicitLines: true,
  customerId: null,
  suggested: { amount: '320.00', currencyCode: 'USD' },
};
const LEASE = 10_000;

describe.each(databases)('refund requests on $name', (database) => {
  let store: TestStore;
  let clock: Date;
  const at = (ms: number) => new Date(T0.getTime() + ms);
  beforeEach(async () => {
    clock = T0;
    store = await database.open({ now: () => clock });
  });
  afterEach(() => store.cleanup());

  /** A second store (own connection or pool) on the same database and clock: another process, as far as rows go. */
  async function withOther(run: (other: Store) => Promise<void>): Promise<void> {
    const other = await openStore({ ...store.options, now: () => clock });
    try {
      await run(other);
    } finally {
      await other.close();
    }
  }

  it('create stores the request once: a retried create with the same id returns the first row', async () => {
    expect(await store.refundRequests.create(newRequest())).toEqual({ record: pendingRecord(), created: true });
    clock = at(5_000);
    const again = await store.refundRequests.create(newRequest({ amount: { amount: '999.00', currencyCode: 'USD' } }));
    expect(again).toEqual({ record: pendingRecord(), created: false });
    expect(await store.refundRequests.get('rr_00000000000000000000000000000001')).toEqual(pendingRecord());
    expect(await store.refundRequests.get('rr_ffffffffffffffffffffffffffffffff')).toBeNull();
  });

  it('concurrent creates of one id from two connections: exactly one creates', async () => {
    await withOther(async (other) => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).refundRequests.create(newRequest())));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      for (const r of results) expect(r.record).toEqual(pendingRecord());
    });
  });

  it('full shipping and every line item read back as the contract shows them', async () => {
    const whole = { lineItems: null, shipping: { full: true as const }, note: null, notifyCustomer: false, toStoreCredit: true };
    const { record } = await store.refundRequests.create(newRequest({ ask: whole }));
    expect(record).toMatchObject({
      lineItems: null,
      shippingFull: true,
      shippingAmount: null,
      note: null,
      toStoreCredit: true,
      ask: whole,
    });
  });

  it('listByOrders: one store, newest first, at most limitPerOrder each, every order asked for a key', async () => {
    const ids = ['01', '02', '03'].map((n) => `rr_000000000000000000000000000000${n}`);
    for (const [i, id] of ids.entries()) {
      clock = at(i * 1_000);
      await store.refundRequests.create(newRequest({ id, requestedKey: `key-${i}` }));
    }
    await store.refundRequests.create(newRequest({ id: 'rr_000000000000000000000000000000e0', store: 'eu', requestedKey: 'key-eu' }));
    await store.refundRequests.create(
      newRequest({ id: 'rr_000000000000000000000000000000b0', orderId: 'gid://shopify/Order/2', requestedKey: 'key-2b' }),
    );
    const listed = await store.refundRequests.listByOrders(
      'us',
      ['gid://shopify/Order/1', 'gid://shopify/Order/2', 'gid://shopify/Order/3'],
      2,
    );
    expect([...listed].map(([order, rows]) => [order, rows.map((r) => r.id)])).toEqual([
      ['gid://shopify/Order/1', [ids[2], ids[1]]],
      ['gid://shopify/Order/2', ['rr_000000000000000000000000000000b0']],
      ['gid://shopify/Order/3', []],
    ]);
    const eu = await store.refundRequests.listByOrders('eu', ['gid://shopify/Order/1'], 10);
    expect(eu.get('gid://shopify/Order/1')!.map((r) => r.id)).toEqual(['rr_000000000000000000000000000000e0']);
  });

  it('listByOrders with statuses: filtered in the query, before the per-order cap; EXPIRED and PENDING as read now', async () => {
    const id = (n: number) => `rr_${n.toString(16).padStart(32, '0')}`;
    const create = (n: number, over: Partial<NewRefundRequest> = {}) =>
      store.refundRequests.create(newRequest({ id: id(n), requestedKey: `key-${n}`, ...over }));
    // The oldest request is pending; three newer ones are rejected, one is being approved, one expires unswept.
    await create(1);
    for (const n of [2, 3, 4]) {
      clock = at(n * 1_000);
      await create(n);
      await store.refundRequests.reject({ id: id(n), by: 'boss', key: `r-${n}` }, 'no');
    }
    clock = at(5_000);
    await create(5);
    await store.refundRequests.startApproval({ id: id(5), by: 'boss', key: 'a-5' }, { sent: SENT, leaseMs: LEASE });
    clock = at(6_000);
    await create(6, { ttlMs: 1_000 });
    await create(7, { orderId: 'gid://shopify/Order/2', store: 'eu' });
    clock = at(7_000);
    const list = async (statuses: readonly RefundRequestStatus[] | null | undefined, limit = 2) =>
      (await store.refundRequests.listByOrders('us', ['gid://shopify/Order/1'], limit, statuses))
        .get('gid://shopify/Order/1')!
        .map((r) => [r.id, r.status]);
    // Unfiltered, the cap of 2 keeps the newest: the old pending request is not among them.
    expect(await list(null)).toEqual([
      [id(6), 'EXPIRED'],
      [id(5), 'PENDING'],
    ]);
    expect(await list(undefined)).toEqual(await list(null));
    // Filtered, it is found behind any number of newer ones; approving reads PENDING, the unswept one EXPIRED.
    expect(await list(['PENDING'])).toEqual([
      [id(5), 'PENDING'],
      [id(1), 'PENDING'],
    ]);
    expect(await list(['PENDING'], 1)).toEqual([[id(5), 'PENDING']]);
    expect(await list(['EXPIRED'])).toEqual([[id(6), 'EXPIRED']]);
    expect(await list(['REJECTED'], 10)).toEqual([
      [id(4), 'REJECTED'],
      [id(3), 'REJECTED'],
      [id(2), 'REJECTED'],
    ]);
    expect(await list(['EXPIRED', 'PENDING', 'EXPIRED'], 10)).toEqual([
      [id(6), 'EXPIRED'],
      [id(5), 'PENDING'],
      [id(1), 'PENDING'],
    ]);
    expect(await list(['APPROVED', 'FAILED'], 10)).toEqual([]);
    expect(await list([], 10)).toEqual([]);
    // Swept, it is still EXPIRED; its order's other rows are untouched; another store's order is its own.
    await store.refundRequests.expireDue();
    expect(await list(['EXPIRED'])).toEqual([[id(6), 'EXPIRED']]);
    expect(
      (await store.refundRequests.listByOrders('eu', ['gid://shopify/Order/2'], 5, ['PENDING']))
        .get('gid://shopify/Order/2')!
        .map((r) => r.id),
    ).toEqual([id(7)]);
  });

  it("the request's loader: one query per store and status set in a batch (equal sets share it), filtered before the cap; clear forgets an order", async () => {
    const [o1, o2] = ['gid://shopify/Order/1', 'gid://shopify/Order/2'];
    const id = (n: number) => `rr_${n.toString(16).padStart(32, '0')}`;
    await store.refundRequests.create(newRequest({ id: id(1), requestedKey: 'k1' }));
    clock = at(1_000);
    await store.refundRequests.create(newRequest({ id: id(2), requestedKey: 'k2' }));
    await store.refundRequests.reject({ id: id(2), by: 'boss', key: 'r' }, 'no');
    await store.refundRequests.create(newRequest({ id: id(3), requestedKey: 'k3', orderId: o2 }));
    await store.refundRequests.create(newRequest({ id: id(4), requestedKey: 'k4', store: 'eu' }));
    const calls: unknown[] = [];
    // A cap of 1 per order: only a filter in the query finds the older pending request of order 1.
    const loader = byOrderAndStatusLoader<RefundRequestRecord>((handle, orderIds, statuses) => {
      calls.push([handle, orderIds, statuses]);
      return store.refundRequests.listByOrders(handle, orderIds, 1, statuses);
    });
    const ids = async (p: Promise<RefundRequestRecord[]>) => (await p).map((r) => r.id);
    const batch = () =>
      Promise.all([
        ids(loader.load({ store: 'us', orderId: o1, statuses: ['PENDING'] })),
        ids(loader.load({ store: 'us', orderId: o2, statuses: ['PENDING', 'PENDING'] })),
        ids(loader.load({ store: 'us', orderId: o1 })),
        ids(loader.load({ store: 'us', orderId: o1, statuses: ['REJECTED', 'PENDING'] })),
        ids(loader.load({ store: 'us', orderId: o2, statuses: ['PENDING', 'REJECTED'] })),
        ids(loader.load({ store: 'eu', orderId: o1, statuses: ['PENDING'] })),
      ]);
    expect(await batch()).toEqual([[id(1)], [id(3)], [id(2)], [id(2)], [id(3)], [id(4)]]);
    expect(calls).toEqual([
      ['us', [o1, o2], ['PENDING']],
      ['us', [o1], null],
      ['us', [o1, o2], ['PENDING', 'REJECTED']],
      ['eu', [o1], ['PENDING']],
    ]);
    // Cached for the request; clear() forgets order 1 in its store under every set it was loaded with, nothing else.
    calls.length = 0;
    expect(await batch()).toEqual([[id(1)], [id(3)], [id(2)], [id(2)], [id(3)], [id(4)]]);
    expect(calls).toEqual([]);
    await store.refundRequests.reject({ id: id(1), by: 'boss', key: 'r1' }, 'no');
    loader.clear({ store: 'us', orderId: o1 });
    expect(await batch()).toEqual([[], [id(3)], [id(2)], [id(2)], [id(3)], [id(4)]]);
    expect(calls).toEqual([
      ['us', [o1], ['PENDING']],
      ['us', [o1], null],
      ['us', [o1], ['PENDING', 'REJECTED']],
    ]);
  });

  it('create keeps at most maxPending pending per order: the next is refused with nothing written; decided, expired or elsewhere do not count', async () => {
    const id = (n: number) => `rr_${n.toString(16).padStart(32, '0')}`;
    const create = (n: number, over: Partial<NewRefundRequest> = {}) =>
      store.refundRequests.create(newRequest({ id: id(n), requestedKey: `key-${n}`, maxPending: 3, ...over }));
    const order = 'gid://shopify/Order/1';
    const refused = { record: null, created: false, refused: 'TOO_MANY_PENDING' };
    await create(1);
    await create(2);
    await store.refundRequests.startApproval({ id: id(2), by: 'boss', key: 'a' }, { sent: SENT, leaseMs: LEASE });
    await create(3, { ttlMs: 60_000 });
    // Pending, approving and pending-not-yet-expired all count: the order is full.
    expect(await store.refundRequests.countPending('us', order)).toBe(3);
    expect(await create(4)).toEqual(refused);
    expect(await store.refundRequests.get(id(4))).toBeNull();
    // A retried insert of a request already stored is answered with it, full or not.
    expect(await create(1)).toMatchObject({ record: { id: id(1), status: 'PENDING' }, created: false });
    // Another order, or the same order id in another store, has its own bound.
    expect((await create(5, { orderId: 'gid://shopify/Order/2' })).created).toBe(true);
    expect((await create(6, { store: 'eu' })).created).toBe(true);
    // A rejected request, and one past its expiry (swept or not), leave room.
    await store.refundRequests.reject({ id: id(1), by: 'boss', key: 'r' }, 'no');
    expect(await store.refundRequests.countPending('us', order)).toBe(2);
    expect((await create(7)).created).toBe(true);
    expect(await create(8)).toEqual(refused);
    clock = at(60_000);
    expect(await store.refundRequests.countPending('us', order)).toBe(2);
    expect((await create(8)).created).toBe(true);
    expect(await create(9)).toEqual(refused);
    const all = (await store.refundRequests.listByOrders('us', [order], 50)).get(order)!;
    expect(all.map((r) => r.id).sort()).toEqual([1, 2, 3, 7, 8].map(id));
    await expect(create(10, { maxPending: 0 })).rejects.toThrow('maxPending must be a positive integer, got 0');
  });

  it('25 concurrent creates for one order over two connections: exactly maxPending (20) are written, the other 5 refused', async () => {
    const id = (n: number) => `rr_${(0x100 + n).toString(16).padStart(32, '0')}`;
    const order = 'gid://shopify/Order/1';
    await withOther(async (other) => {
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, n) =>
          (n % 2 ? other : store).refundRequests.create(newRequest({ id: id(n), requestedKey: `key-${n}`, maxPending: 20 })),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(20);
      expect(results.filter((r) => r.record === null)).toEqual(
        Array.from({ length: 5 }, () => ({ record: null, created: false, refused: 'TOO_MANY_PENDING' })),
      );
    });
    expect(await store.refundRequests.countPending('us', order)).toBe(20);
    const written = (await store.refundRequests.listByOrders('us', [order], 50)).get(order)!;
    expect(written).toHaveLength(20);
  });

  it('20 concurrent approvals over two connections: exactly one moves the request to approving', async () => {
    await store.refundRequests.create(newRequest());
    clock = at(HOUR);
    await withOther(async (other) => {
      const won = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).refundRequests.startApproval(
            { id: newRequest().id, by: `approver-${i}`, key: `k-${i}` },
            { sent: { ...SENT, by: i }, leaseMs: LEASE },
          ),
        ),
      );
      const winners = won.filter((r): r is RefundRequestRecord => r !== null);
      expect(winners).toHaveLength(1);
      const [winner] = winners;
      const i = won.indexOf(winner!);
      const decision = { by: `approver-${i}`, key: `k-${i}`, at: at(HOUR).toISOString() };
      // Approving is not a decision yet: it reads PENDING with no decider, and nobody else can decide it.
      const approving = { sent: { ...SENT, by: i }, until: at(HOUR + LEASE).toISOString(), lapsed: false };
      expect(winner).toEqual({ ...pendingRecord(), state: 'approving', decision, approving });
      const decider = { id: newRequest().id, by: `approver-${i}`, key: `k-${i}` };
      expect(await store.refundRequests.reject({ ...decider, by: 'other' }, 'no')).toBeNull();
      expect(await store.refundRequests.fail({ ...decider, by: 'other' }, 'X')).toBeNull();
      // Only the winner, under its key, finishes it.
      const refund = { id: 'gid://shopify/Refund/5', total: { amount: '320.00', currencyCode: 'USD' } };
      expect(await store.refundRequests.finishApproval({ ...decider, key: 'another-key' }, { refund })).toBeNull();
      clock = at(HOUR + 2_000);
      expect(await other.refundRequests.finishApproval(decider, { refund })).toEqual({
        ...pendingRecord(),
        status: 'APPROVED',
        decidedBy: `approver-${i}`,
        decidedAt: at(HOUR + 2_000).toISOString(),
        refund,
        state: 'approved',
        decision: { ...decision, at: at(HOUR + 2_000).toISOString() },
      });
      expect(await store.refundRequests.finishApproval(decider, { refund })).toBeNull();
    });
  });

  it('takeover: not before the hold lapses; then exactly one of concurrent takers wins, holding the stored refund unchanged', async () => {
    await store.refundRequests.create(newRequest());
    const id = newRequest().id;
    const left = { id, by: 'approver-died', key: 'k-died' };
    // Nothing to take over while pending.
    expect(await store.refundRequests.takeOver({ id, by: 'boss', key: 'k' }, LEASE)).toBeNull();
    clock = at(HOUR);
    await store.refundRequests.startApproval(left, { sent: SENT, leaseMs: LEASE });

    // The hold ends at HOUR + LEASE: up to and at that instant it is the approver's own.
    clock = at(HOUR + LEASE);
    expect((await store.refundRequests.get(id))!.approving).toEqual({ sent: SENT, until: at(HOUR + LEASE).toISOString(), lapsed: false });
    expect(await store.refundRequests.takeOver({ id, by: 'boss-0', key: 't-0' }, LEASE)).toBeNull();

    clock = at(HOUR + LEASE + 1);
    expect((await store.refundRequests.get(id))!.approving).toEqual({ sent: SENT, until: at(HOUR + LEASE).toISOString(), lapsed: true });
    await withOther(async (other) => {
      const taken = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : store).refundRequests.takeOver({ id, by: `boss-${i}`, key: `t-${i}` }, 2 * LEASE),
        ),
      );
      const winners = taken.filter((r): r is RefundRequestRecord => r !== null);
      expect(winners).toHaveLength(1);
      const i = taken.indexOf(winners[0]!);
      const taker = { id, by: `boss-${i}`, key: `t-${i}` };
      expect(winners[0]).toEqual({
        ...pendingRecord(),
        state: 'approving',
        decision: { by: taker.by, key: taker.key, at: at(HOUR + LEASE + 1).toISOString() },
        approving: { sent: SENT, until: at(HOUR + 3 * LEASE + 1).toISOString(), lapsed: false },
      });
      // The approver who left it can no longer resume or finish it; a second takeover waits for the new hold.
      const refund = { id: 'gid://shopify/Refund/5', total: { amount: '320.00', currencyCode: 'USD' } };
      expect(await other.refundRequests.renewApproval(left, LEASE)).toBeNull();
      expect(await other.refundRequests.finishApproval(left, { refund })).toBeNull();
      expect(await other.refundRequests.takeOver({ id, by: 'late', key: 'late' }, LEASE)).toBeNull();
      // The taker resumes (its retry) and finishes; then nothing is left to take over.
      clock = at(HOUR + 2 * LEASE);
      expect((await store.refundRequests.renewApproval(taker, LEASE))!.approving).toEqual({
        sent: SENT,
        until: at(HOUR + 3 * LEASE).toISOString(),
        lapsed: false,
      });
      expect(await store.refundRequests.finishApproval(taker, { refund })).toMatchObject({
        status: 'APPROVED',
        decidedBy: taker.by,
        refund,
        state: 'approved',
        approving: null,
      });
      clock = at(HOUR + 10 * LEASE);
      expect(await store.refundRequests.takeOver({ id, by: 'late', key: 'late' }, LEASE)).toBeNull();
      expect(await store.refundRequests.renewApproval(taker, LEASE)).toBeNull();
    });
  });

  it('an approval that Shopify refused ends failed with its code', async () => {
    await store.refundRequests.create(newRequest());
    const decider = { id: newRequest().id, by: 'boss', key: 'k' };
    await store.refundRequests.startApproval(decider, { sent: SENT, leaseMs: LEASE });
    expect(await store.refundRequests.finishApproval(decider, { errorCode: 'SHOPIFY_USER_ERROR' })).toMatchObject({
      status: 'FAILED',
      decidedBy: 'boss',
      errorCode: 'SHOPIFY_USER_ERROR',
      refund: null,
    });
  });

  it('reject and fail move a pending request once, recording who, when and why', async () => {
    await store.refundRequests.create(newRequest());
    clock = at(60_000);
    const decider = { id: newRequest().id, by: 'boss', key: 'k-reject' };
    const rejected = await store.refundRequests.reject(decider, 'customer already got a replacement');
    expect(rejected).toEqual({
      ...pendingRecord(),
      status: 'REJECTED',
      decidedBy: 'boss',
      decidedAt: at(60_000).toISOString(),
      rejectionReason: 'customer already got a replacement',
      state: 'rejected',
      decision: { by: 'boss', key: 'k-reject', at: at(60_000).toISOString() },
    });
    expect(await store.refundRequests.reject(decider, 'again')).toBeNull();
    expect(await store.refundRequests.startApproval({ ...decider, by: 'other' }, { sent: SENT, leaseMs: LEASE })).toBeNull();

    await store.refundRequests.create(newRequest({ id: 'rr_00000000000000000000000000000002', requestedKey: 'key-2' }));
    const failed = await store.refundRequests.fail(
      { id: 'rr_00000000000000000000000000000002', by: 'boss', key: 'k2' },
      'NO_LONGER_REFUNDABLE',
    );
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'NO_LONGER_REFUNDABLE', decidedBy: 'boss' });
  });

  it('past its expiry a pending request reads EXPIRED, cannot be decided, and the sweep expires it exactly once', async () => {
    await store.refundRequests.create(newRequest({ ttlMs: 60_000 }));
    await store.refundRequests.create(newRequest({ id: 'rr_00000000000000000000000000000002', requestedKey: 'key-2', ttlMs: 120_000 }));
    clock = at(59_999);
    expect((await store.refundRequests.get(newRequest().id))!.status).toBe('PENDING');
    expect(await store.refundRequests.expireDue()).toEqual([]);

    clock = at(60_000);
    const read = await store.refundRequests.get(newRequest().id);
    expect([read!.status, read!.state]).toEqual(['EXPIRED', 'pending']);
    const decider = { id: newRequest().id, by: 'boss', key: 'k' };
    expect(await store.refundRequests.startApproval(decider, { sent: SENT, leaseMs: LEASE })).toBeNull();
    expect(await store.refundRequests.takeOver(decider, LEASE)).toBeNull();
    expect(await store.refundRequests.reject(decider, 'late')).toBeNull();
    expect(await store.refundRequests.fail(decider, 'X')).toBeNull();

    // Two sweepers at once (two connections): the due request is handed to exactly one of them.
    await withOther(async (other) => {
      const swept = await Promise.all([
        store.refundRequests.expireDue(),
        other.refundRequests.expireDue(),
        store.refundRequests.expireDue(),
      ]);
      expect(swept.flat().map((r) => [r.id, r.status, r.state])).toEqual([[newRequest().id, 'EXPIRED', 'expired']]);
    });
    expect(await store.refundRequests.expireDue()).toEqual([]);
    // The other one is not due yet; by id, only the named rows are swept.
    clock = at(200_000);
    expect(await store.refundRequests.expireDue(['rr_00000000000000000000000000000009'])).toEqual([]);
    expect(await store.refundRequests.expireDue([])).toEqual([]);
    expect((await store.refundRequests.expireDue(['rr_00000000000000000000000000000002'])).map((r) => r.id)).toEqual([
      'rr_00000000000000000000000000000002',
    ]);
  });
});
