/**
 * Exactly-once across processes: several processes (each with its own connection or pool) racing on one
 * idempotency key and one webhook event id on the same database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { databases, type TestStore } from '../helpers/databases.js';
import { raceWorkers } from './fixtures/workers.js';

describe.each(databases)('several stores on one $name database', (database) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await database.open();
  });
  afterEach(() => store.cleanup());

  it('two stores in this process claiming one key concurrently: exactly one claimed', async () => {
    const other = await openStore(store.options);
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? store : other).idempotency.claim({
            key: 'shared-key',
            agentId: 'agent-1',
            mutation: 'cancelOrder',
            inputHash: 'h',
            leaseMs: 60_000,
          }),
        ),
      );
      expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'existing')).toHaveLength(19);
    } finally {
      await other.close();
    }
  });

  it('three child processes claiming one key and marking one event concurrently: exactly one wins each', async () => {
    const task = {
      kind: 'race',
      options: store.options,
      idempotencyKey: 'cross-process',
      claims: 10,
      eventId: 'evt-1',
      markSeen: 5,
    } as const;
    const replies = await raceWorkers([task, task, task]);
    const outcomes = replies.flatMap((r) => r.claimOutcomes);
    expect(outcomes).toHaveLength(30);
    expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'existing')).toHaveLength(29);
    const seen = replies.flatMap((r) => r.seen);
    expect(seen).toHaveLength(15);
    expect(seen.filter(Boolean)).toHaveLength(1);
    expect((await store.idempotency.get('cross-process'))?.state).toBe('in_progress');
    expect(await store.webhookEvents.markSeen('evt-1', 'orders/updated')).toBe(false);
  });
});
