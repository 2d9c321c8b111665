/**
 * Connection to the database: a SQLite file by default, PostgreSQL when a postgres:// URL is given.
 * Timestamps are stored as epoch milliseconds (SQLite INTEGER / PostgreSQL BIGINT) in both dialects, so a
 * Date round-trips exactly and the same migrations, queries and comparisons work unchanged on both.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type ColumnType } from 'kysely';
import pg from 'pg';

/** Where the SQLite file lives when no path and no PostgreSQL URL are given (relative to the working directory). */
export const DEFAULT_SQLITE_PATH = './data/subgraph.sqlite';

/** How long a SQLite writer waits for another connection's write lock before failing with SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** Fail fast (ping, openStore) instead of hanging when PostgreSQL does not answer. */
const PG_CONNECT_TIMEOUT_MS = 5_000;

const PG_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export type Dialect = 'sqlite' | 'postgres';

export interface StoreOptions {
  /** postgres:// or postgresql:// URL; anything else (or nothing) means SQLite. */
  databaseUrl?: string;
  /** SQLite file path; defaults to DEFAULT_SQLITE_PATH. Its parent directory is created if missing. */
  sqlitePath?: string;
  /** PostgreSQL only: schema to create if missing and use through search_path (isolates tests). */
  pgSchema?: string;
  /** Clock used for every timestamp and lease comparison; defaults to the system clock (tests pass a fake). */
  now?: () => Date;
}

/** Epoch ms: written as a number; read back as a number (SQLite) or a string (pg returns BIGINT as text). */
export type Millis = ColumnType<number | string, number, number>;
export type NullableMillis = ColumnType<number | string | null, number | null, number | null>;

/** Primary key (store, profile_id): one link per profile in each store. */
export interface ShopifyLinksTable {
  /** store handle */
  store: string;
  profile_id: string;
  customer_id: string;
  method: string;
  linked_by: string | null;
  linked_at: Millis;
}

export interface IdempotencyKeysTable {
  key: string;
  agent_id: string;
  mutation: string;
  input_hash: string;
  state: string;
  /** JSON text */
  result: string | null;
  created_at: Millis;
  updated_at: Millis;
  lease_until: NullableMillis;
}

export interface AuditLogTable {
  id: string;
  at: Millis;
  /** store handle; null only for an attempt refused before its store was known */
  store: string | null;
  agent_id: string | null;
  action: string;
  outcome: string;
  order_id: string | null;
  customer_id: string | null;
  profile_id: string | null;
  amount: string | null;
  currency_code: string | null;
  idempotency_key: string | null;
  /** JSON text: Record<string, string> */
  shopify_ids: string;
  error_code: string | null;
  detail: string | null;
}

export interface WebhookEventsTable {
  event_id: string;
  topic: string;
  seen_at: Millis;
}

/**
 * Refunds above the requester's limit, held for an approver (store/refund-requests.ts). Money columns are decimal
 * strings in the shop's currency (`currency_code`); `status` is pending, approving, approved, rejected, expired or
 * failed (EXPIRED is also computed on read for a pending row past `expires_at`).
 */
export interface RefundRequestsTable {
  /** derived from the store and the requester's idempotency key, so a retried insert finds its row */
  id: string;
  store: string;
  order_id: string;
  customer_id: string | null;
  requested_by: string;
  requested_key: string;
  /** JSON text: RefundAsk (line items, shipping, note, toStoreCredit, notifyCustomer) */
  ask: string;
  amount: string;
  limit_amount: string;
  currency_code: string;
  requested_at: Millis;
  expires_at: Millis;
  status: string;
  decided_by: string | null;
  decided_at: NullableMillis;
  /** the approver's (or rejecter's) idempotency key: their retry resumes their own decision */
  decision_key: string | null;
  /** JSON text: what the approval sends Shopify (refundCreate's input and @idempotent key), written at the move to approving */
  approval_sent: string | null;
  /** while approving: when the approver's hold ends; past it any approver may take the approval over and resend */
  approving_until: NullableMillis;
  rejection_reason: string | null;
  refund_id: string | null;
  refund_amount: string | null;
  refund_currency_code: string | null;
  error_code: string | null;
  updated_at: Millis;
}

export interface Database {
  shopify_links: ShopifyLinksTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
  webhook_events: WebhookEventsTable;
  refund_requests: RefundRequestsTable;
}

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL: the schema unqualified names resolve to (where the migration tables must live). */
  schema: string | undefined;
}

/** True when the URL selects PostgreSQL. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** Converts a stored epoch-ms value (number or BIGINT text) to a Date. */
export function toDate(value: number | string): Date {
  return new Date(Number(value));
}

/** Converts a nullable stored epoch-ms value to a Date or null. */
export function toDateOrNull(value: number | string | null): Date | null {
  return value === null ? null : toDate(value);
}

/** Throws a TypeError naming the argument unless the value is a non-empty string. */
export function requireText(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
}

/** Opens a Kysely instance for the options (no migrations); the caller owns `db.destroy()`. */
export async function connect(opts: StoreOptions): Promise<Connection> {
  return isPostgresUrl(opts.databaseUrl) ? connectPostgres(opts.databaseUrl, opts.pgSchema) : connectSqlite(opts);
}

function connectSqlite(opts: StoreOptions): Connection {
  if (opts.pgSchema !== undefined) throw new Error('pgSchema is only meaningful with a postgres:// databaseUrl');
  const path = opts.sqlitePath ?? DEFAULT_SQLITE_PATH;
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const database = new SQLite(path);
  // WAL lets readers proceed while one connection writes; busy_timeout makes a second process wait for
  // the write lock instead of failing at once, which is what makes cross-process claims safe.
  // busy_timeout first, so every later statement (these pragmas included) waits for another process's lock.
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  withBusyRetry(() => database.pragma('journal_mode = WAL'));
  withBusyRetry(() => database.pragma('synchronous = NORMAL'));
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), dialect: 'sqlite', schema: undefined };
}

/**
 * Switching a fresh file to WAL needs an exclusive lock, and SQLite may answer SQLITE_BUSY at once instead of calling
 * the busy handler while another process opens the same new file: retry for up to the busy timeout.
 */
function withBusyRetry(run: () => unknown): void {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      run();
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') || Date.now() > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

async function connectPostgres(url: string, pgSchema: string | undefined): Promise<Connection> {
  if (pgSchema !== undefined && !PG_SCHEMA_NAME.test(pgSchema)) {
    // The name goes into a connection option and DDL unquoted, so only plain identifiers are accepted.
    throw new Error(`pgSchema "${pgSchema}" must match ${PG_SCHEMA_NAME}`);
  }
  if (pgSchema !== undefined) await createSchemaIfMissing(url, pgSchema);
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    ...(pgSchema !== undefined ? { options: `-c search_path=${pgSchema}` } : {}),
  });
  // An idle client whose server went away emits 'error' on the pool; unhandled, that would crash the
  // process. The pool already discards the client and ping() reports the outage, so nothing else to do.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
    const schema = rows[0]?.schema ?? undefined;
    if (schema === undefined) throw new Error('PostgreSQL search_path names no existing schema');
    return { db, dialect: 'postgres', schema };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

async function createSchemaIfMissing(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    await client.query(`create schema if not exists ${schema}`);
  } catch (error) {
    // Two connections racing on `create schema if not exists` can still hit the unique index; the schema exists.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await client.end();
  }
}
