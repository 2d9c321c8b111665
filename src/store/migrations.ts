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

/** Every migration, by name; names sort in the order they must run. */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': initial,
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
