import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/store/db.js';
import { DEFAULT_SQLITE_PATH, openStore, type ShopifyLinkRecord } from '../../src/store/index.js';
import { migrateToLatest, migrations } from '../../src/store/migrations.js';
import { databases } from '../helpers/databases.js';
import { BEFORE_STORES, OLD_AUDIT, OLD_LINKS, seedBeforeStores } from './fixtures/previous-schema.js';
import { raceWorkers } from './fixtures/workers.js';

describe.each(databases)('migrations on $name', (database) => {
  it('apply every migration to a fresh database, then nothing on the next run', async () => {
    const options = database.freshOptions();
    try {
      const connection = await connect(options);
      try {
        expect(await migrateToLatest(connection)).toEqual(['0001_initial', '0002_stores', '0003_refund_requests']);
        expect(await migrateToLatest(connection)).toEqual([]);
      } finally {
        await connection.db.destroy();
      }
      expect(Object.keys(migrations)).toEqual(['0001_initial', '0002_stores', '0003_refund_requests']);
    } finally {
      await database.drop(options);
    }
  });

  it('re-opening a migrated database keeps its data', async () => {
    const store = await database.open();
    try {
      await store.links.upsert({ store: 'us', profileId: 'profile-1', customerId: 'gid://shopify/Customer/1', linkedBy: 'agent-1' });
      await store.close();

      const reopened = await openStore(store.options);
      try {
        expect(reopened.dialect).toBe(database.name);
        const links = await reopened.links.getMany('us', ['profile-1']);
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

  it('upgrading a database from before stores keeps its links and audit entries under the default store', async () => {
    const options = database.freshOptions();
    try {
      const old = await seedBeforeStores(options);
      try {
        expect(await migrateToLatest(old)).toEqual(['0002_stores', '0003_refund_requests']);
      } finally {
        await old.db.destroy();
      }
      const store = await openStore({ ...options, now: () => new Date('2026-03-05T12:00:00.000Z') });
      try {
        const profile1: ShopifyLinkRecord = {
          store: 'default',
          profileId: 'profile-1',
          customerId: 'gid://shopify/Customer/1001',
          method: 'MANUAL',
          linkedBy: 'agent-7',
          linkedAt: new Date(1_772_359_200_123),
        };
        const profile2: ShopifyLinkRecord = {
          store: 'default',
          profileId: 'profile-2',
          customerId: 'gid://shopify/Customer/2002',
          method: 'MANUAL',
          linkedBy: null,
          linkedAt: new Date(1_772_359_260_000),
        };
        expect(await store.links.getMany('default', ['profile-1', 'profile-2'])).toEqual(
          new Map([
            ['profile-1', profile1],
            ['profile-2', profile2],
          ]),
        );
        expect(await store.links.getMany('us', ['profile-1', 'profile-2'])).toEqual(new Map());

        const refund = {
          id: '019ca8f0-0000-7000-8000-000000000001',
          at: new Date(1_772_359_200_000),
          store: 'default',
          agentId: 'agent-7',
          action: 'refundOrder',
          outcome: 'succeeded',
          orderId: 'gid://shopify/Order/1',
          customerId: 'gid://shopify/Customer/1001',
          profileId: 'profile-1',
          amount: '12.50',
          currencyCode: 'EUR',
          idempotencyKey: 'key-1',
          shopifyIds: { refundId: 'gid://shopify/Refund/77' },
          errorCode: null,
          detail: null,
        };
        const denied = {
          id: '019ca8f0-0000-7000-8000-000000000002',
          at: new Date(1_772_359_300_000),
          store: 'default',
          agentId: null,
          action: 'unlinkShopifyCustomer',
          outcome: 'denied',
          orderId: null,
          customerId: null,
          profileId: null,
          amount: null,
          currencyCode: null,
          idempotencyKey: null,
          shopifyIds: {},
          errorCode: 'UNAUTHENTICATED',
          detail: null,
        };
        expect(await store.audit.list()).toEqual([denied, refund]);
        expect(await store.audit.list({ store: 'default' })).toEqual([denied, refund]);
        expect(await store.audit.list({ store: null })).toEqual([]);
        expect(await store.audit.listByOrders(['gid://shopify/Order/1'], 5, 'default')).toEqual(
          new Map([['gid://shopify/Order/1', [refund]]]),
        );

        // The new key is (store, profile): a second store's link sits beside the old one; relinking in default replaces it.
        const us = await store.links.upsert({
          store: 'us',
          profileId: 'profile-1',
          customerId: 'gid://shopify/Customer/9',
          linkedBy: 'agent-1',
        });
        const relinked = await store.links.upsert({
          store: 'default',
          profileId: 'profile-1',
          customerId: 'gid://shopify/Customer/3003',
          linkedBy: 'agent-1',
        });
        expect(await store.links.getManyAllStores(['profile-1', 'profile-2'])).toEqual(
          new Map([
            ['profile-1', [relinked, us]],
            ['profile-2', [profile2]],
          ]),
        );
        // The rebuild's working table is gone (the rebuilt table took the old name).
        const connection = await connect(options);
        try {
          await expect(sql`select count(*) from shopify_links_per_store`.execute(connection.db)).rejects.toThrow(/shopify_links_per_store/);
        } finally {
          await connection.db.destroy();
        }
      } finally {
        await store.close();
      }
    } finally {
      await database.drop(options);
    }
  });

  it('a failed upgrade from before stores changes nothing, and a retry succeeds', async () => {
    const options = database.freshOptions();
    try {
      const old = await seedBeforeStores(options);
      const db = old.db as unknown as Kysely<any>;
      try {
        // A leftover table under the rebuild's working name makes 0002 fail after it has started.
        await db.schema.createTable('shopify_links_per_store').addColumn('x', 'text').execute();
        await expect(migrateToLatest(old)).rejects.toThrow(
          /^database migration 0002_stores failed: .*shopify_links_per_store.* already exists/,
        );

        const links = await db.selectFrom('shopify_links').selectAll().orderBy('profile_id').execute();
        expect(links.map((row) => ({ ...row, linked_at: Number(row.linked_at) }))).toEqual([...OLD_LINKS]);
        const audit = await db.selectFrom('audit_log').selectAll().orderBy('id').execute();
        expect(audit.map((row) => ({ ...row, at: Number(row.at) }))).toEqual([...OLD_AUDIT]);
        const applied = await db.selectFrom('kysely_migration').select('name').execute();
        expect(applied.map((row) => row.name)).toEqual([BEFORE_STORES]);

        await db.schema.dropTable('shopify_links_per_store').execute();
        expect(await migrateToLatest(old)).toEqual(['0002_stores', '0003_refund_requests']);
        const upgraded = await db.selectFrom('shopify_links').select(['store', 'profile_id']).orderBy('profile_id').execute();
        expect(upgraded).toEqual([
          { store: 'default', profile_id: 'profile-1' },
          { store: 'default', profile_id: 'profile-2' },
        ]);
      } finally {
        await old.db.destroy();
      }
    } finally {
      await database.drop(options);
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
