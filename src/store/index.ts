/**
 * The persistence layer: openStore() connects (SQLite file by default, PostgreSQL for postgres:// URLs),
 * migrates, and hands out one repository per concern.
 */
import { sql } from 'kysely';
import { createAuditRepository, type AuditRepository } from './audit.js';
import { connect, type Dialect, type StoreOptions } from './db.js';
import { createIdempotencyRepository, type IdempotencyRepository } from './idempotency.js';
import { createLinkRepository, type LinkRepository } from './links.js';
import { migrateToLatest } from './migrations.js';
import { createRefundRequestRepository, type RefundRequestRepository } from './refund-requests.js';
import { createWebhookEventRepository, type WebhookEventRepository } from './webhook-events.js';

export { DEFAULT_SQLITE_PATH, isPostgresUrl, type Dialect, type StoreOptions } from './db.js';
export type { LinkMethod, LinkRepository, ShopifyLinkRecord } from './links.js';
export type { ClaimArgs, ClaimResult, IdempotencyRecord, IdempotencyRepository, IdempotencyState } from './idempotency.js';
export { LeaseLostError, type LeaseFence } from './idempotency.js';
export type { AuditAction, AuditEntry, AuditFilter, AuditOutcome, AuditRepository, NewAuditEntry } from './audit.js';
export type { WebhookEventRepository } from './webhook-events.js';
export type { Decider, NewRefundRequest, RefundRequestRecord, RefundRequestRepository, RefundRequestState } from './refund-requests.js';

export interface Store {
  dialect: Dialect;
  links: LinkRepository;
  idempotency: IdempotencyRepository;
  audit: AuditRepository;
  webhookEvents: WebhookEventRepository;
  refundRequests: RefundRequestRepository;
  /** Resolves when the database answers a trivial query; throws when it is unreachable (for /readyz). */
  ping(): Promise<void>;
  /** Closes the connection(s); safe to call more than once. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** Connects to the database the options name, brings its schema up to date, and returns the repositories. */
export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const connection = await connect(opts);
  const { db, dialect } = connection;
  try {
    await migrateToLatest(connection);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const clock = opts.now;
  const now = clock === undefined ? Date.now : () => clock().getTime();
  return {
    dialect,
    links: createLinkRepository(db, now),
    idempotency: createIdempotencyRepository(db, now),
    audit: createAuditRepository(db, now),
    webhookEvents: createWebhookEventRepository(db, now),
    refundRequests: createRefundRequestRepository(db, now),
    async ping() {
      await sql`select 1`.execute(db);
    },
    close() {
      // Idempotent: shutdown paths (SIGTERM handler, test cleanup) may both call it; pg throws on a second end().
      closing ??= db.destroy();
      return closing;
    },
  };
}
