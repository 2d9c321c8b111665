/**
 * Manual links from a support-desk CustomerProfile to a Shopify customer, per store: a profile can be linked to one
 * customer in each store; linking again in the same store replaces that store's customer and leaves the others alone.
 */
import type { Kysely, Selectable } from 'kysely';
import type { LinkMethod, ShopifyLinkRecord } from '../domain/links.js';
import { STORE_HANDLE_PATTERN, type StoreHandle } from '../domain/stores.js';
import { requireText, toDate, type Database, type ShopifyLinksTable } from './db.js';

export type { LinkMethod, ShopifyLinkRecord } from '../domain/links.js';

export interface LinkRepository {
  /** One store's links for a batch of profiles, in one query; profiles without a link in that store are absent. */
  getMany(store: StoreHandle, profileIds: readonly string[]): Promise<Map<string, ShopifyLinkRecord>>;
  /**
   * Every store's links for a batch of profiles, in one query: each linked profile maps to its links ordered by store
   * handle in code-unit order (callers wanting config order reorder); profiles linked in no store are absent.
   */
  getManyAllStores(profileIds: readonly string[]): Promise<Map<string, ShopifyLinkRecord[]>>;
  /** Creates the profile's link in the store, replacing that store's existing one; returns the stored link. */
  upsert(link: { store: StoreHandle; profileId: string; customerId: string; linkedBy: string | null }): Promise<ShopifyLinkRecord>;
  /** Deletes the profile's link in the store (other stores' links stay); returns what was removed, or null. */
  remove(store: StoreHandle, profileId: string): Promise<ShopifyLinkRecord | null>;
}

// Far above any router batch, below SQLite's 32766 bound-parameter limit: one query in practice.
const MAX_IDS_PER_QUERY = 10_000;

/** Builds the link repository over a migrated database. */
export function createLinkRepository(db: Kysely<Database>, now: () => number): LinkRepository {
  /** Rows for the profiles, optionally in one store, in chunks of MAX_IDS_PER_QUERY ids. */
  async function rowsFor(store: StoreHandle | undefined, profileIds: readonly string[]): Promise<Selectable<ShopifyLinksTable>[]> {
    const unique = [...new Set(profileIds)];
    const rows: Selectable<ShopifyLinksTable>[] = [];
    for (let i = 0; i < unique.length; i += MAX_IDS_PER_QUERY) {
      let query = db
        .selectFrom('shopify_links')
        .selectAll()
        .where('profile_id', 'in', unique.slice(i, i + MAX_IDS_PER_QUERY));
      if (store !== undefined) query = query.where('store', '=', store);
      rows.push(...(await query.execute()));
    }
    return rows;
  }

  return {
    async getMany(store, profileIds) {
      requireStoreHandle(store);
      const found = new Map<string, ShopifyLinkRecord>();
      for (const row of await rowsFor(store, profileIds)) found.set(row.profile_id, toRecord(row));
      return found;
    },

    async getManyAllStores(profileIds) {
      const found = new Map<string, ShopifyLinkRecord[]>();
      for (const row of await rowsFor(undefined, profileIds)) {
        const links = found.get(row.profile_id);
        if (links) links.push(toRecord(row));
        else found.set(row.profile_id, [toRecord(row)]);
      }
      // Sorted here, not by ORDER BY: PostgreSQL's collation may order dashes differently from SQLite's byte order.
      for (const links of found.values()) links.sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : 0));
      return found;
    },

    async upsert({ store, profileId, customerId, linkedBy }) {
      requireStoreHandle(store);
      requireText('profileId', profileId);
      requireText('customerId', customerId);
      const linkedAt = now();
      const row = await db
        .insertInto('shopify_links')
        .values({ store, profile_id: profileId, customer_id: customerId, method: 'MANUAL', linked_by: linkedBy, linked_at: linkedAt })
        .onConflict((oc) =>
          oc
            .columns(['store', 'profile_id'])
            .doUpdateSet({ customer_id: customerId, method: 'MANUAL', linked_by: linkedBy, linked_at: linkedAt }),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRecord(row);
    },

    async remove(store, profileId) {
      requireStoreHandle(store);
      const row = await db
        .deleteFrom('shopify_links')
        .where('store', '=', store)
        .where('profile_id', '=', profileId)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },
  };
}

/** Throws a TypeError unless the value is a store handle: a link always belongs to a known store. */
export function requireStoreHandle(value: unknown): asserts value is StoreHandle {
  if (typeof value !== 'string' || !STORE_HANDLE_PATTERN.test(value)) {
    // The value itself is not echoed: it may be anything a caller passed, of any length.
    throw new TypeError(`store must be a store handle matching ${String(STORE_HANDLE_PATTERN)}`);
  }
}

function toRecord(row: Selectable<ShopifyLinksTable>): ShopifyLinkRecord {
  return {
    store: row.store,
    profileId: row.profile_id,
    customerId: row.customer_id,
    method: row.method as LinkMethod,
    linkedBy: row.linked_by,
    linkedAt: toDate(row.linked_at),
  };
}
