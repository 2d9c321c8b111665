import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type ClaimArgs, type Store } from '../../src/store/index.js';
import { runExactlyOnce, type ActionSpec } from '../../src/actions/idempotency.js';
import type { ActingContext } from '../../src/context.js';
import { IdempotencyTakenOverError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { LeaseLostError } from '../../src/store/idempotency.js';
import { databases, type TestStore } from '../helpers/databases.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');

interface Req {
  idempotencyKey: string;
}
interface DraftSent {
  draft: string | null;
}
interface DraftOutcome {
  draft: string;
  userErrors: [];
}

/** What the exactly-once runner reads of an action's context: the store, the timeouts its lease comes from, a logger. */
function runnerContext(store: Store): ActingContext {
  // Timeouts of 1 ms give a lease of 2 × (1 + 1) + 1000 = 1004 ms (leaseMsFor).
  const ctx = { deps: { store, config: { timeoutMs: 1, maxWaitMs: 1 } }, acting: { handle: 'default' }, logger: silentLogger() };
  return ctx as unknown as ActingContext;
}

/** A one-shot signal one side fires and the other awaits. */
function signal(): { wait: Promise<void>; fire: () => void; done: boolean } {
  let fire!: () => void;
  const s = { wait: new Promise<void>((resolve) => (fire = resolve)), fire: () => ((s.done = true), fire()), done: false };
  return s;
}
const claimArgs: ClaimArgs = { key: 'key-1', agentId: 'agent-1', mutation: 'refundOrder', inputHash: 'hash-a', leaseMs: 30_000 };

describe.each(databases)('idempotency on $name', (database) => {
  let store: TestStore;
  let clock: Date;
  const at = (ms: number) => new Date(T0.getTime() + ms);
  beforeEach(async () => {
    clock = T0;
    store = await database.open({ now: () => clock });
  });
  afterEach(() => store.cleanup());

  it('claim returns the new in_progress record with its lease', async () => {
    expect(await store.idempotency.claim(claimArgs)).toEqual({
      outcome: 'claimed',
      record: {
        key: 'key-1',
        agentId: 'agent-1',
        mutation: 'refundOrder',
        inputHash: 'hash-a',
        state: 'in_progress',
        result: null,
        createdAt: T0,
        updatedAt: T0,
        leaseUntil: at(30_000),
      },
    });
  });

  it('20 concurrent claims with one key: exactly one claimed, 19 existing', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => store.idempotency.claim(claimArgs)));
    expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'existing')).toHaveLength(19);
    for (const r of results) expect(r.record.state).toBe('in_progress');
  });

  it('a different inputHash, agent or mutation on an existing key is a mismatch', async () => {
    await store.idempotency.claim(claimArgs);
    for (const other of [{ inputHash: 'hash-b' }, { agentId: 'agent-2' }, { mutation: 'cancelOrder' }]) {
      const result = await store.idempotency.claim({ ...claimArgs, ...other });
      expect(result.outcome).toBe('mismatch');
      expect(result.record).toMatchObject({ agentId: 'agent-1', mutation: 'refundOrder', inputHash: 'hash-a' });
    }
  });

  it('complete then get returns the settled record with its JSON result', async () => {
    await store.idempotency.claim(claimArgs);
    clock = at(1_500);
    const result = { refundId: 'gid://shopify/Refund/9', amount: '12.50', lines: [1, 2], nested: { ok: true } };
    await store.idempotency.complete('key-1', 'succeeded', result);
    expect(await store.idempotency.get('key-1')).toEqual({
      key: 'key-1',
      agentId: 'agent-1',
      mutation: 'refundOrder',
      inputHash: 'hash-a',
      state: 'succeeded',
      result,
      createdAt: T0,
      updatedAt: at(1_500),
      leaseUntil: null,
    });
    const again = await store.idempotency.claim(claimArgs);
    expect(again.outcome).toBe('existing');
    expect(again.record.state).toBe('succeeded');
    expect(await store.idempotency.get('missing')).toBeNull();
  });

  it('a settled key cannot be completed again; an unknown key cannot be completed at all', async () => {
    await store.idempotency.claim(claimArgs);
    await store.idempotency.complete('key-1', 'failed', { code: 'SHOPIFY_UNAVAILABLE' });
    await expect(store.idempotency.complete('key-1', 'succeeded', null)).rejects.toThrow('idempotency key "key-1" is already failed');
    await expect(store.idempotency.complete('nope', 'succeeded', null)).rejects.toThrow('idempotency key "nope" does not exist');
    expect((await store.idempotency.get('key-1'))?.result).toEqual({ code: 'SHOPIFY_UNAVAILABLE' });
  });

  it('complete(unknown) keeps the lease, so the key is reclaimable once it lapses', async () => {
    await store.idempotency.claim(claimArgs);
    await store.idempotency.complete('key-1', 'unknown', undefined);
    const record = await store.idempotency.get('key-1');
    expect(record).toMatchObject({ state: 'unknown', result: null, leaseUntil: at(30_000) });
    expect(await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 10_000 })).toBeNull();
    clock = at(30_001);
    expect(await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 10_000 })).toMatchObject({
      state: 'in_progress',
      leaseUntil: at(40_001),
    });
  });

  it('release ends an unsettled lease so the next caller reclaims at once; settled keys are untouched', async () => {
    await store.idempotency.claim(claimArgs);
    clock = at(1_000);
    await store.idempotency.complete('key-1', 'unknown', { sent: 1 });
    expect(await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 10_000 })).toBeNull();
    await store.idempotency.release('key-1');
    expect((await store.idempotency.get('key-1'))?.leaseUntil).toEqual(at(999));
    expect(await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 10_000 })).toMatchObject({
      state: 'in_progress',
      leaseUntil: at(11_000),
    });
    await store.idempotency.complete('key-1', 'succeeded', { ok: true });
    await store.idempotency.release('key-1');
    expect(await store.idempotency.get('key-1')).toMatchObject({ state: 'succeeded', leaseUntil: null });
  });

  it('a write fenced by a lease succeeds only while that lease holds the key: a stale owner cannot overwrite the taker', async () => {
    const owner = await store.idempotency.claim(claimArgs);
    const ownerLease = { leaseUntil: owner.record.leaseUntil! };
    expect(ownerLease.leaseUntil).toEqual(at(30_000));
    clock = at(1_000);
    await store.idempotency.complete('key-1', 'unknown', { sent: { step: 1 } }, ownerLease);
    clock = at(30_000); // at the instant of expiry the owner still holds it
    await store.idempotency.complete('key-1', 'unknown', { sent: { step: 2 } }, ownerLease);

    // Past its lease, even with no taker yet, the owner's fenced write is refused and changes nothing.
    clock = at(30_001);
    await expect(store.idempotency.complete('key-1', 'unknown', { sent: { step: 3 } }, ownerLease)).rejects.toThrow(LeaseLostError);
    expect(await store.idempotency.get('key-1')).toMatchObject({ state: 'unknown', result: { sent: { step: 2 } }, updatedAt: at(30_000) });

    // Another process takes the key over and checkpoints; the stale owner's checkpoint, settle and release all fail.
    const other = await openStore({ ...store.options, now: () => clock });
    try {
      const taken = (await other.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 30_000 }))!;
      const takerLease = { leaseUntil: taken.leaseUntil! };
      expect(takerLease.leaseUntil).toEqual(at(60_001));
      clock = at(31_000);
      await other.idempotency.complete('key-1', 'unknown', { sent: { step: 2, draft: 'taker' } }, takerLease);
      await expect(store.idempotency.complete('key-1', 'unknown', { sent: { step: 2, draft: 'stale' } }, ownerLease)).rejects.toThrow(
        'idempotency key "key-1" is no longer held by this attempt\'s lease',
      );
      await expect(store.idempotency.complete('key-1', 'succeeded', { outcome: 'stale' }, ownerLease)).rejects.toThrow(LeaseLostError);
      await store.idempotency.release('key-1', ownerLease);
      expect(await store.idempotency.get('key-1')).toMatchObject({
        state: 'unknown',
        result: { sent: { step: 2, draft: 'taker' } },
        leaseUntil: at(60_001),
        updatedAt: at(31_000),
      });

      // The taker's own fenced release ends its lease; its old lease value then fences nothing (not even itself).
      await other.idempotency.release('key-1', takerLease);
      expect((await store.idempotency.get('key-1'))?.leaseUntil).toEqual(at(30_999));
      await expect(other.idempotency.complete('key-1', 'succeeded', { outcome: 'late' }, takerLease)).rejects.toThrow(LeaseLostError);

      // A third attempt takes it over and settles it with its own lease.
      const third = (await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 30_000 }))!;
      await store.idempotency.complete('key-1', 'succeeded', { outcome: 'third' }, { leaseUntil: third.leaseUntil! });
      expect(await store.idempotency.get('key-1')).toMatchObject({ state: 'succeeded', result: { outcome: 'third' }, leaseUntil: null });
      await expect(other.idempotency.complete('key-1', 'unknown', { sent: {} }, takerLease)).rejects.toThrow(LeaseLostError);
    } finally {
      await other.close();
    }
  });

  it('the runner: an owner whose lease was taken over stops at its checkpoint; the taker keeps its record and lease', async () => {
    // Leases are compared with the real clock by the runner, so this store keeps real time.
    const shared = await database.open({});
    try {
      const ctx = runnerContext(shared);
      const owner = { entered: signal(), go: signal() };
      const taker = { checkpointed: signal(), go: signal() };
      const completed: string[] = [];
      const spec: ActionSpec<Req, DraftSent, DraftOutcome> = {
        action: 'createReplacementOrder',
        prepare: async () => ({ draft: null }),
        async send(_ctx, sent, checkpoint) {
          // The first send is the owner's; the second is the taker's, resending what was written ahead.
          const me = completed.length === 0 && !owner.entered.done ? 'owner' : 'taker';
          if (me === 'owner') {
            owner.entered.fire();
            await owner.go.wait;
          }
          await checkpoint({ ...sent, draft: `${me}-draft` });
          if (me === 'taker') {
            taker.checkpointed.fire();
            await taker.go.wait;
          }
          completed.push(`${me}-draft`);
          return { draft: `${me}-draft`, userErrors: [] };
        },
        reconcile: async () => null,
      };
      const req = { idempotencyKey: 'key-run' };
      const first = runExactlyOnce(ctx, spec, req, 'agent-1');
      const firstSettled = first.then(
        () => null,
        (error: unknown) => error,
      );
      await owner.entered.wait;
      // Same key and input: waits for the owner's lease (about 1 s) to lapse, takes the key over, resends, checkpoints.
      const second = runExactlyOnce(ctx, spec, req, 'agent-1');
      await taker.checkpointed.wait;
      const takerLease = (await shared.idempotency.get('key-run'))!.leaseUntil!;

      owner.go.fire();
      const stale = await firstSettled;
      expect(stale).toBeInstanceOf(IdempotencyTakenOverError);
      expect((stale as IdempotencyTakenOverError).extensions.code).toBe('IDEMPOTENCY_IN_PROGRESS');
      // The stale owner wrote nothing, completed nothing, and did not end the taker's lease.
      expect(completed).toEqual([]);
      expect(await shared.idempotency.get('key-run')).toMatchObject({
        state: 'unknown',
        result: { sent: { draft: 'taker-draft' } },
        leaseUntil: takerLease,
      });

      taker.go.fire();
      expect(await second).toEqual({ outcome: { draft: 'taker-draft', userErrors: [] }, replayed: false });
      expect(completed).toEqual(['taker-draft']);
      expect(await shared.idempotency.get('key-run')).toMatchObject({
        state: 'succeeded',
        result: { sent: { draft: 'taker-draft' }, outcome: { draft: 'taker-draft' } },
      });
    } finally {
      await shared.cleanup();
    }
  }, 20_000);

  it('waitForOutcome resolves when another store completes the key', async () => {
    await store.idempotency.claim(claimArgs);
    const other = await openStore(store.options);
    try {
      const waiting = store.idempotency.waitForOutcome('key-1', { timeoutMs: 5_000, pollMs: 10 });
      await sleep(50);
      await other.idempotency.complete('key-1', 'succeeded', { jobId: 'gid://shopify/Job/1' });
      const record = await waiting;
      expect(record?.state).toBe('succeeded');
      expect(record?.result).toEqual({ jobId: 'gid://shopify/Job/1' });
    } finally {
      await other.close();
    }
  });

  it('waitForOutcome returns null on timeout, and at once for a missing key', async () => {
    await store.idempotency.claim(claimArgs);
    expect(await store.idempotency.waitForOutcome('key-1', { timeoutMs: 60, pollMs: 10 })).toBeNull();
    expect(await store.idempotency.waitForOutcome('missing', { timeoutMs: 10_000 })).toBeNull();
    expect((await store.idempotency.get('key-1'))?.state).toBe('in_progress');
  });

  it('reclaim only after the lease expires, only with the same input, and only once among concurrent reclaimers', async () => {
    await store.idempotency.claim(claimArgs);
    clock = at(29_999);
    expect(await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 5_000 })).toBeNull();
    clock = at(30_000); // lease_until < now is strict: at the instant of expiry the owner still holds it
    expect(await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 5_000 })).toBeNull();
    clock = at(30_001);
    expect(await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-b', leaseMs: 5_000 })).toBeNull();
    expect(await store.idempotency.reclaim({ key: 'missing', inputHash: 'hash-a', leaseMs: 5_000 })).toBeNull();

    const other = await openStore({ ...store.options, now: () => clock });
    try {
      const attempts = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? store : other).idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 5_000 }),
        ),
      );
      const winners = attempts.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]).toEqual({
        key: 'key-1',
        agentId: 'agent-1',
        mutation: 'refundOrder',
        inputHash: 'hash-a',
        state: 'in_progress',
        result: null,
        createdAt: T0,
        updatedAt: at(30_001),
        leaseUntil: at(35_001),
      });
    } finally {
      await other.close();
    }
  });

  it('a settled key is never reclaimed', async () => {
    await store.idempotency.claim(claimArgs);
    await store.idempotency.complete('key-1', 'succeeded', { ok: true });
    clock = at(86_400_000);
    expect(await store.idempotency.reclaim({ key: 'key-1', inputHash: 'hash-a', leaseMs: 5_000 })).toBeNull();
  });

  it('purgeOlderThan removes old keys only', async () => {
    await store.idempotency.claim({ ...claimArgs, key: 'old-1' });
    await store.idempotency.claim({ ...claimArgs, key: 'old-2' });
    await store.idempotency.complete('old-2', 'succeeded', null);
    clock = at(25 * 3_600_000);
    await store.idempotency.claim({ ...claimArgs, key: 'new-1' });
    const cutoff = new Date(clock.getTime() - 24 * 3_600_000);
    expect(await store.idempotency.purgeOlderThan(cutoff)).toBe(2);
    expect(await store.idempotency.get('old-1')).toBeNull();
    expect(await store.idempotency.get('old-2')).toBeNull();
    expect((await store.idempotency.get('new-1'))?.state).toBe('in_progress');
    expect(await store.idempotency.purgeOlderThan(cutoff)).toBe(0);
    // A purged key is fresh again.
    expect((await store.idempotency.claim({ ...claimArgs, key: 'old-1' })).outcome).toBe('claimed');
  });

  it('rejects a lease that is not a positive integer', async () => {
    await expect(store.idempotency.claim({ ...claimArgs, leaseMs: 0 })).rejects.toThrow(
      'leaseMs must be a positive integer (milliseconds), got 0',
    );
  });
});
