import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { databases, type TestStore } from '../helpers/databases.js';

describe.each(databases)('webhook events on $name', (database) => {
  let store: TestStore;
  let clock: Date;
  beforeEach(async () => {
    clock = new Date('2026-03-01T00:00:00.000Z');
    store = await database.open({ now: () => clock });
  });
  afterEach(() => store.cleanup());

  it('10 concurrent markSeen of one id: exactly one true', async () => {
    const seen = await Promise.all(Array.from({ length: 10 }, () => store.webhookEvents.markSeen('event-1', 'orders/updated')));
    expect(seen.filter(Boolean)).toHaveLength(1);
    expect(seen.filter((s) => !s)).toHaveLength(9);
    expect(await store.webhookEvents.markSeen('event-1', 'orders/updated')).toBe(false);
    expect(await store.webhookEvents.markSeen('event-2', 'orders/updated')).toBe(true);
  });

  it('10 concurrent markSeen through two stores on the same database: exactly one true', async () => {
    const other = await openStore(store.options);
    try {
      const seen = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? store : other).webhookEvents.markSeen('event-9', 'refunds/create')),
      );
      expect(seen.filter(Boolean)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('purgeOlderThan forgets old events only', async () => {
    await store.webhookEvents.markSeen('old', 'orders/updated');
    clock = new Date('2026-03-03T00:00:00.000Z');
    await store.webhookEvents.markSeen('new', 'orders/updated');
    expect(await store.webhookEvents.purgeOlderThan(new Date('2026-03-02T00:00:00.000Z'))).toBe(1);
    expect(await store.webhookEvents.markSeen('old', 'orders/updated')).toBe(true);
    expect(await store.webhookEvents.markSeen('new', 'orders/updated')).toBe(false);
  });
});
