import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/store/db.js';
import { DEFAULT_SQLITE_PATH, openStore } from '../../src/store/index.js';
import { migrateToLatest, migrations } from '../../src/store/migrations.js';
import { databases } from '../helpers/databases.js';
import { raceWorkers } from './fixtures/workers.js';

describe.each(databases)('migrations on $name', (database) => {
  it('apply every migration to a fresh database, then nothing on the next run', async () => {
    const options = database.freshOptions();
    try {
      const connection = await connect(options);
      try {
        expect(await migrateToLatest(connection)).toEqual(['0001_initial']);
        expect(await migrateToLatest(connection)).toEqual([]);
      } finally {
        await connection.db.destroy();
      }
      expect(Object.keys(migrations)).toEqual(['0001_initial']);
    } finally {
      await database.drop(options);
    }
  });

  it('re-opening a migrated database keeps its data', async () => {
    const store = await database.open();
    try {
      await store.links.upsert({ profileId: 'profile-1', customerId: 'gid://shopify/Customer/1', linkedBy: 'agent-1' });
      await store.close();

      const reopened = await openStore(store.options);
      try {
        expect(reopened.dialect).toBe(database.name);
        const links = await reopened.links.getMany(['profile-1']);
        expect(links.get('profile-1')?.customerId).toBe('gid://shopify/Customer/1');
        const connection = await connect(store.options);
        expect(await migrateToLatest(connection)).toEqual([]);
        await connection.db.destroy();
      } finally {
        await reopened.close();
      }
    } finally {
      await store.cleanup();
    }
  });

  it('ping resolves while open; close may be called twice', async () => {
    const store = await database.open();
    try {
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.cleanup();
      await expect(store.close()).resolves.toBeUndefined();
    }
  });

  it('two processes opening the same fresh database at once both succeed', async () => {
    const options = database.freshOptions();
    try {
      const replies = await raceWorkers([
        { kind: 'open', options },
        { kind: 'open', options },
        { kind: 'open', options },
      ]);
      expect(replies.map((r) => r.dialect)).toEqual([database.name, database.name, database.name]);
      const connection = await connect(options);
      expect(await migrateToLatest(connection)).toEqual([]);
      await connection.db.destroy();
    } finally {
      await database.drop(options);
    }
  });
});

describe('SQLite location', () => {
  it('creates the parent directories of sqlitePath', async () => {
    const root = mkdtempSync(join(tmpdir(), 'store-dir-'));
    try {
      const sqlitePath = join(root, 'a', 'b', 'store.sqlite');
      const store = await openStore({ sqlitePath });
      await store.close();
      expect(existsSync(sqlitePath)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('defaults to ./data/subgraph.sqlite in the working directory, creating ./data', async () => {
    expect(DEFAULT_SQLITE_PATH).toBe('./data/subgraph.sqlite');
    const cwd = mkdtempSync(join(tmpdir(), 'store-default-'));
    try {
      expect(existsSync(join(cwd, 'data'))).toBe(false);
      const replies = await raceWorkers([{ kind: 'open', options: {} }], { cwd });
      expect(replies.map((r) => r.dialect)).toEqual(['sqlite']);
      expect(existsSync(join(cwd, 'data', 'subgraph.sqlite'))).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('rejects pgSchema without a PostgreSQL URL', async () => {
    await expect(openStore({ sqlitePath: ':memory:', pgSchema: 'x' })).rejects.toThrow(
      'pgSchema is only meaningful with a postgres:// databaseUrl',
    );
  });
});

describe('PostgreSQL connection problems', () => {
  it('openStore rejects when the server is unreachable', async () => {
    await expect(openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects a schema name that is not a plain identifier', async () => {
    await expect(openStore({ databaseUrl: 'postgresql://postgres@127.0.0.1:5432/test', pgSchema: 'x; drop' })).rejects.toThrow(
      'pgSchema "x; drop" must match',
    );
  });
});
