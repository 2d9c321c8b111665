/**
 * Idempotency keys for money-moving mutations: each key runs its mutation at most once, even when several
 * processes share one database. Atomicity comes from the primary key (INSERT … ON CONFLICT DO NOTHING) and
 * from conditional UPDATEs whose affected rows are checked, never from read-then-write in application code.
 *
 * Leases are compared with the application clock (StoreOptions.now): hosts sharing a database must keep
 * their clocks in sync (NTP), and leaseMs should be far larger than any skew.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely, Selectable, UpdateQueryBuilder, UpdateResult } from 'kysely';
import { requireText, toDate, toDateOrNull, type Database, type IdempotencyKeysTable } from './db.js';

/** unknown = the request was sent to Shopify but its outcome is not known (e.g. a timeout). */
export type IdempotencyState = 'in_progress' | 'succeeded' | 'failed' | 'unknown';

export interface IdempotencyRecord {
  key: string;
  agentId: string;
  mutation: string;
  inputHash: string;
  state: IdempotencyState;
  /** What the caller passed to complete(), round-tripped through JSON (Dates come back as strings); null until then. */
  result: unknown;
  createdAt: Date;
  updatedAt: Date;
  /** While in_progress (and after complete(…, 'unknown')): when the owner's claim lapses; null once settled. */
  leaseUntil: Date | null;
}

export interface ClaimArgs {
  key: string;
  agentId: string;
  mutation: string;
  inputHash: string;
  leaseMs: number;
}

/**
 * The lease an owner holds, as its claim or reclaim returned it. Each new owner's lease ends strictly later than the
 * last one's (a reclaim needs the old lease lapsed), so the value names one ownership: a write fenced by it succeeds
 * only while that owner still holds the key.
 */
export interface LeaseFence {
  leaseUntil: Date;
}

/**
 * A fenced write found the key no longer held by that lease: it lapsed, was released, or another attempt took the key
 * over (or settled it). The writer must stop and leave the key to whoever holds it now.
 */
export class LeaseLostError extends Error {
  constructor(key: string) {
    super(`idempotency key ${JSON.stringify(key)} is no longer held by this attempt's lease`);
    this.name = 'LeaseLostError';
  }
}

export type ClaimResult =
  | { outcome: 'claimed'; record: IdempotencyRecord }
  /** Same agent, mutation and input: a retry; the record says how far the first attempt got. */
  | { outcome: 'existing'; record: IdempotencyRecord }
  /** The key was used by another agent, mutation or input: report IDEMPOTENCY_KEY_REUSED. */
  | { outcome: 'mismatch'; record: IdempotencyRecord };

export interface IdempotencyRepository {
  /** Atomically claims a (global) key; exactly one of any number of concurrent callers gets 'claimed'. */
  claim(args: ClaimArgs): Promise<ClaimResult>;
  /**
   * Takes over an in_progress/unknown key whose lease has expired (same input only); null unless this caller won.
   * The previous attempt may have reached Shopify: reconcile with Shopify before sending again.
   */
  reclaim(args: { key: string; inputHash: string; leaseMs: number }): Promise<IdempotencyRecord | null>;
  /**
   * Settles a claimed key; throws when the key is missing or already succeeded/failed. With `fence`, only while that
   * lease still holds the key (unchanged and not lapsed); else throws LeaseLostError and writes nothing.
   */
  complete(key: string, state: 'succeeded' | 'failed' | 'unknown', result: unknown, fence?: LeaseFence): Promise<void>;
  /** The key's record, or null. */
  get(key: string): Promise<IdempotencyRecord | null>;
  /**
   * Ends the lease of an unsettled key now: its owner's attempt is over without a known outcome (Shopify's answer
   * was lost), so the next caller with the same input may reclaim it at once and reconcile instead of waiting out
   * the lease. No-op for settled keys, and, with `fence`, for a key that lease no longer holds (a taker's lease stays).
   */
  release(key: string, fence?: LeaseFence): Promise<void>;
  /** Polls (real time, not StoreOptions.now) until the key is not in_progress; null on timeout or for a missing key. */
  waitForOutcome(key: string, opts: { timeoutMs: number; pollMs?: number }): Promise<IdempotencyRecord | null>;
  /** Deletes keys created before the cutoff (they are kept 24 h); returns how many were deleted. */
  purgeOlderThan(cutoff: Date): Promise<number>;
}

const DEFAULT_POLL_MS = 100;

/** The database and the application clock every operation below works with. */
interface Keys {
  db: Kysely<Database>;
  now: () => number;
}

/** Builds the idempotency repository over a migrated database. */
export function createIdempotencyRepository(db: Kysely<Database>, now: () => number): IdempotencyRepository {
  const keys: Keys = { db, now };
  return {
    get: (key) => getKey(keys, key),
    claim: (args) => claimKey(keys, args),
    reclaim: (args) => reclaimKey(keys, args),
    complete: (key, state, result, fence) => completeKey(keys, key, state, result, fence),
    release: (key, fence) => releaseKey(keys, key, fence),
    waitForOutcome: (key, opts) => waitForOutcome(keys, key, opts),
    purgeOlderThan: async (cutoff) => {
      const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', cutoff.getTime()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

async function getKey({ db }: Keys, key: string): Promise<IdempotencyRecord | null> {
  const row = await db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();
  return row === undefined ? null : toRecord(row);
}

async function claimKey(keys: Keys, { key, agentId, mutation, inputHash, leaseMs }: ClaimArgs): Promise<ClaimResult> {
  requireText('key', key);
  requireText('agentId', agentId);
  requireText('mutation', mutation);
  requireText('inputHash', inputHash);
  requireLeaseMs(leaseMs);
  // A second round is only needed if a purge deleted the row between our INSERT and SELECT (a key
  // older than 24 h): then the key is fresh again and we try to claim it once more.
  for (let attempt = 0; attempt < 3; attempt++) {
    const at = keys.now();
    const inserted = await keys.db
      .insertInto('idempotency_keys')
      .values({
        key,
        agent_id: agentId,
        mutation,
        input_hash: inputHash,
        state: 'in_progress',
        result: null,
        created_at: at,
        updated_at: at,
        lease_until: at + leaseMs,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted !== undefined) return { outcome: 'claimed', record: toRecord(inserted) };
    const record = await getKey(keys, key);
    if (record === null) continue;
    const same = record.agentId === agentId && record.mutation === mutation && record.inputHash === inputHash;
    return { outcome: same ? 'existing' : 'mismatch', record };
  }
  throw new Error(`idempotency key ${JSON.stringify(key)} could neither be claimed nor read`);
}

async function reclaimKey(
  { db, now }: Keys,
  { key, inputHash, leaseMs }: { key: string; inputHash: string; leaseMs: number },
): Promise<IdempotencyRecord | null> {
  requireLeaseMs(leaseMs);
  const at = now();
  // One conditional UPDATE: among concurrent reclaimers only the first matches (the rest see a
  // fresh lease), so exactly one gets a row back.
  const row = await db
    .updateTable('idempotency_keys')
    .set({ state: 'in_progress', updated_at: at, lease_until: at + leaseMs })
    .where('key', '=', key)
    .where('input_hash', '=', inputHash)
    .where('state', 'in', ['in_progress', 'unknown'])
    .where('lease_until', 'is not', null)
    .where('lease_until', '<', at)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? null : toRecord(row);
}

async function completeKey(
  keys: Keys,
  key: string,
  state: 'succeeded' | 'failed' | 'unknown',
  result: unknown,
  fence: LeaseFence | undefined,
): Promise<void> {
  if (state !== 'succeeded' && state !== 'failed' && state !== 'unknown') {
    throw new TypeError(`state must be succeeded, failed or unknown, got ${JSON.stringify(state)}`);
  }
  const at = keys.now();
  let update = keys.db
    .updateTable('idempotency_keys')
    // 'unknown' keeps its lease so the key becomes reclaimable (for reconciliation) once it lapses;
    // a settled key has no lease.
    .set(
      state === 'unknown'
        ? { state, result: toJson(result), updated_at: at }
        : { state, result: toJson(result), updated_at: at, lease_until: null },
    )
    .where('key', '=', key)
    // A settled outcome is final: never let a late or duplicate completion rewrite it.
    .where('state', 'in', ['in_progress', 'unknown']);
  if (fence) update = heldBy(update, fence, at);
  const updated = await update.executeTakeFirst();
  if (updated.numUpdatedRows > 0n) return;
  if (fence) throw new LeaseLostError(key);
  const existing = await getKey(keys, key);
  throw new Error(
    existing === null
      ? `idempotency key ${JSON.stringify(key)} does not exist`
      : `idempotency key ${JSON.stringify(key)} is already ${existing.state}`,
  );
}

async function releaseKey({ db, now }: Keys, key: string, fence: LeaseFence | undefined): Promise<void> {
  const at = now();
  const update = db
    .updateTable('idempotency_keys')
    .set({ lease_until: at - 1, updated_at: at })
    .where('key', '=', key)
    .where('state', 'in', ['in_progress', 'unknown']);
  await (fence ? heldBy(update, fence, at) : update).execute();
}

/**
 * Narrows an UPDATE to a key still held by `fence` at `at`: its lease unchanged (no one took it over: a taker's lease
 * ends later) and not lapsed. Not lapsed also matters after a release, which moves the lease into the past: an older
 * owner's lease value can never match it then.
 */
function heldBy(update: KeyUpdate, fence: LeaseFence, at: number): KeyUpdate {
  return update.where('lease_until', '=', fence.leaseUntil.getTime()).where('lease_until', '>=', at);
}

type KeyUpdate = UpdateQueryBuilder<Database, 'idempotency_keys', 'idempotency_keys', UpdateResult>;

async function waitForOutcome(
  keys: Keys,
  key: string,
  { timeoutMs, pollMs = DEFAULT_POLL_MS }: { timeoutMs: number; pollMs?: number },
): Promise<IdempotencyRecord | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await getKey(keys, key);
    if (record === null || record.state !== 'in_progress') return record;
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await sleep(Math.min(pollMs, left));
  }
}

function toRecord(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  return {
    key: row.key,
    agentId: row.agent_id,
    mutation: row.mutation,
    inputHash: row.input_hash,
    state: row.state as IdempotencyState,
    result: row.result === null ? null : JSON.parse(row.result),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    leaseUntil: toDateOrNull(row.lease_until),
  };
}

function toJson(value: unknown): string {
  // undefined (or a function) has no JSON form; store null so the column is always parseable.
  return JSON.stringify(value) ?? 'null';
}

function requireLeaseMs(leaseMs: number): void {
  if (!Number.isInteger(leaseMs) || leaseMs <= 0) {
    throw new RangeError(`leaseMs must be a positive integer (milliseconds), got ${String(leaseMs)}`);
  }
}
