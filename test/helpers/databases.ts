/**
 * The databases every store test runs against: `describe.each(databases)(...)`.
 * Each open() gets a fresh, isolated database — a temp SQLite file, or a unique PostgreSQL schema — because
 * test files run in parallel. PostgreSQL being down is a test FAILURE (open() throws), never a skip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store, type StoreOptions } from '../../src/store/index.js';

/** PostgreSQL used by tests; CI and developer machines run one at this address. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type DatabaseName = 'sqlite' | 'postgres';

export interface TestStore extends Store {
  /** The options this store was opened with: openStore(options) gives a second, independent store on the same database. */
  options: StoreOptions;
  /** Closes the store and deletes its database (temp file / schema). Close any second store first. */
  cleanup(): Promise<void>;
}

export interface TestDatabase {
  name: DatabaseName;
  /** Options naming a fresh, empty database (nothing is created until a store is opened on them). */
  freshOptions(): StoreOptions;
  /** Opens a store on a fresh database; `extra` (e.g. a fake clock) is merged into the options. */
  open(extra?: Partial<StoreOptions>): Promise<TestStore>;
  /** Deletes the database the options name (temp file or schema); idempotent. */
  drop(options: StoreOptions): Promise<void>;
}

function freshSqliteOptions(): StoreOptions {
  return { sqlitePath: join(mkdtempSync(join(tmpdir(), 'store-test-')), 'db', 'test.sqlite') };
}

async function dropSqlite(options: StoreOptions): Promise<void> {
  if (options.sqlitePath !== undefined) rmSync(join(options.sqlitePath, '..', '..'), { recursive: true, force: true });
}

function freshPostgresOptions(): StoreOptions {
  return { databaseUrl: TEST_DATABASE_URL, pgSchema: `store_test_${process.pid}_${randomBytes(6).toString('hex')}` };
}

async function dropPostgres(options: StoreOptions): Promise<void> {
  if (options.pgSchema === undefined) return;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${options.pgSchema} cascade`);
  } finally {
    await client.end();
  }
}

function testDatabase(name: DatabaseName, freshOptions: () => StoreOptions, drop: (o: StoreOptions) => Promise<void>): TestDatabase {
  return {
    name,
    freshOptions,
    drop,
    async open(extra = {}) {
      const options = { ...freshOptions(), ...extra };
      let store: Store;
      try {
        store = await openStore(options);
      } catch (error) {
        await drop(options).catch(() => undefined);
        throw new Error(`could not open the ${name} test database (${describeTarget(options)}): ${String(error)}`, { cause: error });
      }
      return {
        ...store,
        options,
        async cleanup() {
          await store.close();
          await drop(options);
        },
      };
    },
  };
}

function describeTarget(options: StoreOptions): string {
  return options.databaseUrl !== undefined ? `${options.databaseUrl} schema ${options.pgSchema}` : String(options.sqlitePath);
}

/** SQLite (temp file per open) and PostgreSQL (schema per open), in that order. */
export const databases: readonly TestDatabase[] = [
  testDatabase('sqlite', freshSqliteOptions, dropSqlite),
  testDatabase('postgres', freshPostgresOptions, dropPostgres),
];
