/**
 * Webhook de-duplication: Shopify delivers at least once (and retries), so each event id is handled once.
 */
import type { Kysely } from 'kysely';
import { requireText, type Database } from './db.js';

export interface WebhookEventRepository {
  /** True the first time an event id is seen (atomically, across processes), false on every later call. */
  markSeen(eventId: string, topic: string): Promise<boolean>;
  /** Forgets events seen before the cutoff; returns how many were deleted. */
  purgeOlderThan(cutoff: Date): Promise<number>;
}

/** Builds the webhook-event repository over a migrated database. */
export function createWebhookEventRepository(db: Kysely<Database>, now: () => number): WebhookEventRepository {
  return {
    async markSeen(eventId, topic) {
      requireText('eventId', eventId);
      requireText('topic', topic);
      // The primary key decides: exactly one INSERT creates the row, the others return nothing.
      const inserted = await db
        .insertInto('webhook_events')
        .values({ event_id: eventId, topic, seen_at: now() })
        .onConflict((oc) => oc.column('event_id').doNothing())
        .returning('event_id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async purgeOlderThan(cutoff) {
      const result = await db.deleteFrom('webhook_events').where('seen_at', '<', cutoff.getTime()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
