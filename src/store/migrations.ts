/**
 * Schema migrations, defined in code (nothing is read from disk at runtime) and identical for SQLite and
 * PostgreSQL: only types both understand are used (text, bigint epoch ms), JSON is stored as text.
 * New migrations get a name that sorts after the last one; never edit one that has shipped.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Connection } from './db.js';

// Kysely<any>: a migration must keep working after today's table types change. The four table builders below are
// part of 0001 as shipped: a later change to a table is a new migration, never an edit here.
const initial: Migration = {
  async up(db: Kysely<any>) {
    await createShopifyLinks(db);
    await createIdempotencyKeys(db);
    await createAuditLog(db);
    await createWebhookEvents(db);
  },
  async down(db: Kysely<any>) {
    for (const table of ['webhook_events', 'audit_log', 'idempotency_keys', 'shopify_links']) {
      await db.schema.dropTable(table).execute();
    }
  },
};

async function createShopifyLinks(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shopify_links')
    .addColumn('profile_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('linked_by', 'text')
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    .execute();
  // Lets "which profile is linked to this Shopify customer" be answered without a scan.
  await db.schema.createIndex('shopify_links_customer_id').on('shopify_links').column('customer_id').execute();
}

async function createIdempotencyKeys(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('mutation', 'text', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_until', 'bigint')
    .execute();
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();
}

async function createAuditLog(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('customer_id', 'text')
    .addColumn('profile_id', 'text')
    .addColumn('amount', 'text')
    .addColumn('currency_code', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('shopify_ids', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('error_code', 'text')
    .addColumn('detail', 'text')
    .execute();
  // Serve listByOrders (newest per order), list (newest overall) and list by idempotency key.
  await db.schema
    .createIndex('audit_log_order_at')
    .on('audit_log')
    .columns(['order_id', 'at desc', 'id desc'])
    .where('order_id', 'is not', null)
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at desc', 'id desc']).execute();
  await db.schema
    .createIndex('audit_log_idempotency_key')
    .on('audit_log')
    .column('idempotency_key')
    .where('idempotency_key', 'is not', null)
    .execute();
}

async function createWebhookEvents(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_events_seen_at').on('webhook_events').column('seen_at').execute();
}

// Issue 13: links and audit entries belong to a store. Rows written before stores existed were all made against the
// single configured store, whose handle is 'default' (DEFAULT_STORE_HANDLE): an upgraded deployment keeps them there.
// The literal, not the import: what a shipped migration writes must not change if the constant ever does.
const storesBeforeStores = 'default';

const stores: Migration = {
  async up(db: Kysely<any>) {
    // Atomic on its own: Kysely wraps PostgreSQL migrations in a transaction and migrateToLatest wraps SQLite's in
    // BEGIN IMMEDIATE, but a half-rebuilt links table must be impossible whoever runs this, so a savepoint too.
    await withSavepoint(db, 'migration_0002_stores', async () => {
      await rebuildShopifyLinksPerStore(db);
      await addAuditStore(db);
    });
  },
};

/**
 * The primary key becomes (store, profile_id). SQLite cannot change a primary key in place, so the table is rebuilt
 * (create, copy, drop, rename: SQLite's documented procedure) — on PostgreSQL too, so both dialects end identical.
 */
async function rebuildShopifyLinksPerStore(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shopify_links_per_store')
    .addColumn('store', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('linked_by', 'text')
    .addColumn('linked_at', 'bigint', (c) => c.notNull())
    // Named apart from the old table's shopify_links_pkey: PostgreSQL constraint indexes share the schema's namespace.
    .addPrimaryKeyConstraint('shopify_links_store_profile_pkey', ['store', 'profile_id'])
    .execute();
  await sql`insert into shopify_links_per_store (store, profile_id, customer_id, method, linked_by, linked_at)
    select ${sql.lit(storesBeforeStores)}, profile_id, customer_id, method, linked_by, linked_at from shopify_links`.execute(db);
  await db.schema.dropTable('shopify_links').execute();
  await db.schema.alterTable('shopify_links_per_store').renameTo('shopify_links').execute();
  // Customer GIDs are unique within a store only: "which profile is linked to this customer" is asked per store.
  await db.schema.createIndex('shopify_links_store_customer_id').on('shopify_links').columns(['store', 'customer_id']).execute();
}

/** Nullable: an attempt refused before its store was known (see AuditEntry.store) has none. */
async function addAuditStore(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('store', 'text').execute();
  await db.updateTable('audit_log').set({ store: storesBeforeStores }).execute();
  // Serves list({ store }) newest first; listByOrders keeps using audit_log_order_at and filters the store.
  await db.schema.createIndex('audit_log_store_at').on('audit_log').columns(['store', 'at desc', 'id desc']).execute();
}

// Issue 15: refunds above the requester's limit wait here for an approver. One table, no change to the others.
const refundRequests: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('refund_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_key', 'text', (c) => c.notNull())
      .addColumn('ask', 'text', (c) => c.notNull())
      .addColumn('amount', 'text', (c) => c.notNull())
      .addColumn('limit_amount', 'text', (c) => c.notNull())
      .addColumn('currency_code', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'bigint')
      .addColumn('decision_key', 'text')
      // An approval in flight: what it sends (resent unchanged by whoever finishes it) and when its approver's hold ends.
      .addColumn('approval_sent', 'text')
      .addColumn('approving_until', 'bigint')
      .addColumn('rejection_reason', 'text')
      .addColumn('refund_id', 'text')
      .addColumn('refund_amount', 'text')
      .addColumn('refund_currency_code', 'text')
      .addColumn('error_code', 'text')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // ShopifyOrder.refundRequests: one store's orders, newest first.
    await db.schema
      .createIndex('refund_requests_store_order')
      .on('refund_requests')
      .columns(['store', 'order_id', 'requested_at desc', 'id desc'])
      .execute();
    // The expiry sweep: pending rows by expiry.
    await db.schema.createIndex('refund_requests_status_expires').on('refund_requests').columns(['status', 'expires_at']).execute();
  },
};

/** Runs the steps all-or-nothing, inside or outside an enclosing transaction (both dialects nest savepoints). */
async function withSavepoint(db: Kysely<any>, name: string, run: () => Promise<void>): Promise<void> {
  await sql`savepoint ${sql.id(name)}`.execute(db);
  try {
    await run();
  } catch (error) {
    await sql`rollback to savepoint ${sql.id(name)}`.execute(db);
    await sql`release savepoint ${sql.id(name)}`.execute(db);
    throw error;
  }
  await sql`release savepoint ${sql.id(name)}`.execute(db);
}

/** Every migration, by name; names sort in the order they must run. */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': initial,
  '0002_stores': stores,
  '0003_refund_requests': refundRequests,
});

const provider: MigrationProvider = { getMigrations: async () => ({ ...migrations }) };

/** Brings the database to the latest migration; returns the names applied by this call (empty when up to date). */
export async function migrateToLatest({ db, dialect, schema }: Connection): Promise<string[]> {
  // Pin the bookkeeping tables to our schema: without it Kysely's existence check matches a
  // kysely_migration table in ANY schema of the database (e.g. another test's) and then skips creating ours.
  const migrator = new Migrator({ db, provider, ...(schema !== undefined ? { migrationTableSchema: schema } : {}) });
  const run = async (): Promise<string[]> => {
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName;
      const what = failed !== undefined ? `database migration ${failed}` : 'database migration';
      throw new Error(`${what} failed: ${String(error)}`, { cause: error });
    }
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (dialect === 'postgres') return run(); // Kysely serialises concurrent migrators with an advisory lock.
  return runExclusiveSqlite(db, run);
}

/**
 * Kysely takes no lock on SQLite (it assumes one connection), so two processes opening a fresh file at once
 * would both create the tables. BEGIN IMMEDIATE takes the file's write lock first (waiting up to busy_timeout);
 * the better-sqlite3 dialect has one connection, so the migrator's statements all run inside this transaction.
 */
async function runExclusiveSqlite<T>(db: Connection['db'], run: () => Promise<T>): Promise<T> {
  await sql`begin immediate`.execute(db);
  try {
    const result = await run();
    await sql`commit`.execute(db);
    return result;
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}
