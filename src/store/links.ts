/**
 * Manual links from a support-desk CustomerProfile to a Shopify customer. At most one link per profile;
 * linking again replaces the previous customer.
 */
import type { Kysely, Selectable } from 'kysely';
import { requireText, toDate, type Database, type ShopifyLinksTable } from './db.js';

export type LinkMethod = 'MANUAL';

export interface ShopifyLinkRecord {
  profileId: string;
  /** Shopify customer GID, e.g. gid://shopify/Customer/123 */
  customerId: string;
  method: LinkMethod;
  linkedBy: string | null;
  linkedAt: Date;
}

export interface LinkRepository {
  /** Links for a batch of profiles, in one query; profiles without a link are absent from the map. */
  getMany(profileIds: readonly string[]): Promise<Map<string, ShopifyLinkRecord>>;
  /** Creates the profile's link, replacing any existing one; returns the stored link. */
  upsert(link: { profileId: string; customerId: string; linkedBy: string | null }): Promise<ShopifyLinkRecord>;
  /** Deletes the profile's link; returns what was removed, or null when there was none. */
  remove(profileId: string): Promise<ShopifyLinkRecord | null>;
}

// Far above any router batch, below SQLite's 32766 bound-parameter limit: one query in practice.
const MAX_IDS_PER_QUERY = 10_000;

/** Builds the link repository over a migrated database. */
export function createLinkRepository(db: Kysely<Database>, now: () => number): LinkRepository {
  return {
    async getMany(profileIds) {
      const found = new Map<string, ShopifyLinkRecord>();
      const unique = [...new Set(profileIds)];
      for (let i = 0; i < unique.length; i += MAX_IDS_PER_QUERY) {
        const rows = await db
          .selectFrom('shopify_links')
          .selectAll()
          .where('profile_id', 'in', unique.slice(i, i + MAX_IDS_PER_QUERY))
          .execute();
        for (const row of rows) found.set(row.profile_id, toRecord(row));
      }
      return found;
    },

    async upsert({ profileId, customerId, linkedBy }) {
      requireText('profileId', profileId);
      requireText('customerId', customerId);
      const linkedAt = now();
      const row = await db
        .insertInto('shopify_links')
        .values({ profile_id: profileId, customer_id: customerId, method: 'MANUAL', linked_by: linkedBy, linked_at: linkedAt })
        .onConflict((oc) =>
          oc.column('profile_id').doUpdateSet({ customer_id: customerId, method: 'MANUAL', linked_by: linkedBy, linked_at: linkedAt }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },

    async remove(profileId) {
      const row = await db.deleteFrom('shopify_links').where('profile_id', '=', profileId).returningAll().executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
  };
}

function toRecord(row: Selectable<ShopifyLinksTable>): ShopifyLinkRecord {
  return {
    profileId: row.profile_id,
    customerId: row.customer_id,
    method: row.method as LinkMethod,
    linkedBy: row.linked_by,
    linkedAt: toDate(row.linked_at),
  };
}
