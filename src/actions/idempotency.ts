/**
 * The exactly-once runner shared by the agent actions (cancelOrder, refundOrder, createDiscount, …).
 *
 *   1. Look the key up. Unknown key: prepare (read Shopify, check the order), then claim the key atomically.
 *      Checking before claiming means a rejected input never burns its key; looking the key up first means a
 *      retry of a finished action replays its result instead of failing the checks against the changed order.
 *   2. The claimer writes ahead what it is about to send (state `unknown`, e.g. the generated discount code), sends
 *      the mutation once, and settles the key with the outcome (`succeeded`, or `failed` for Shopify userErrors).
 *      An action of two calls checkpoints between them (what the first made), rewriting what was written ahead.
 *   3. Anyone else with the same key and input waits (bounded) for the outcome and replays it; another input or
 *      mutation under the key is IDEMPOTENCY_KEY_REUSED.
 *   4. A key left `in_progress`/`unknown` (lost answer, crash) is taken over once its lease lapses: the new owner
 *      asks Shopify whether the action happened (reconcile) before sending the written-ahead request again.
 *
 * The stored result never holds the order: payloads re-fetch it, so a replay shows the order as it is now.
 * Keys are kept 24 h (purged opportunistically, see maybePurge / purgeExpiredKeys).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActingContext, RequestContext } from '../context.js';
import {
  BadInputError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  IdempotencyTakenOverError,
  InternalError,
  restoreError,
  type StoredError,
} from '../errors.js';
import { LeaseLostError, type AuditAction, type IdempotencyRecord, type LeaseFence, type Store } from '../store/index.js';
import { requestHash } from './request-hash.js';

/** How long keys are kept. */
export const KEY_TTL_MS = 24 * 60 * 60 * 1000;
/** How often (at most) one process purges expired keys as a side effect of an action. */
export const PURGE_EVERY_MS = 60_000;
/** How long a second request with the same key waits for the first one's outcome. */
export const WAIT_FOR_OUTCOME_MS = 5_000;
const POLL_MS = 50;

/** A user error as the payloads show it. */
export interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

/** What a mutation ended with, as stored under its key. */
export interface Outcome {
  userErrors: UserError[];
}

/** How one action plugs into the runner. `Sent` and `O` are stored as JSON, so they must survive a round trip. */
export interface ActionSpec<Req, Sent, O extends Outcome> {
  action: AuditAction;
  /**
   * Reads Shopify, checks the request against it (throws BadInputError) and returns what to send. Runs before the
   * claim; what it returns is written ahead, so a later attempt can check for it and resend it unchanged.
   */
  prepare(ctx: ActingContext, req: Req): Promise<Sent>;
  /**
   * Sends the mutation (once). An action that needs two Shopify calls may `checkpoint` what the first one made (e.g.
   * a draft order's id) before the second: it replaces the written-ahead `sent`, so an attempt that takes the key over
   * after a crash between the two reconciles with it. The three single-call actions ignore it.
   */
  send(ctx: ActingContext, sent: Sent, checkpoint: Checkpoint<Sent>): Promise<O>;
  /** After a lost answer: the outcome if Shopify shows the action happened, else null (it is then sent again). */
  reconcile(ctx: ActingContext, req: Req, sent: Sent): Promise<O | null>;
}

/**
 * Rewrites the written-ahead `sent` of the key being sent (still `unknown`, its lease kept) and resolves once it is
 * stored; throws when it could not be (this attempt's lease lapsed or another attempt took the key over or settled
 * it), so the caller stops before its next call and never writes over what the key's holder checkpointed.
 */
export type Checkpoint<Sent> = (next: Sent) => Promise<void>;

/** The result of a run: the outcome, and whether it was replayed from an earlier attempt. */
export interface RunResult<O> {
  outcome: O;
  replayed: boolean;
}

interface StoredResult<Sent, O> {
  sent?: Sent;
  outcome?: O;
  /** a request refused while recovering a key; replayed as the same error */
  error?: StoredError;
}

export { hashInput, requestHash } from './request-hash.js';

/**
 * How long a claim protects its owner. It must outlast one Shopify call (budget wait + one attempt) twice over
 * (a recovery reads, then sends), so an owner that is still working is never taken over.
 */
export function leaseMsFor(config: { timeoutMs: number; maxWaitMs: number }): number {
  return 2 * (config.timeoutMs + config.maxWaitMs) + 1_000;
}

const lastPurge = new WeakMap<Store, number>();

/** Deletes keys older than 24 h; returns how many. app.ts may call it on an interval; actions also call maybePurge. */
export function purgeExpiredKeys(store: Store, now = Date.now()): Promise<number> {
  return store.idempotency.purgeOlderThan(new Date(now - KEY_TTL_MS));
}

/** Purges expired keys at most once a minute per store, in the background (a failure is only logged). */
export function maybePurge(ctx: RequestContext): void {
  const store = ctx.deps.store;
  const now = Date.now();
  if (now - (lastPurge.get(store) ?? 0) < PURGE_EVERY_MS) return;
  lastPurge.set(store, now);
  purgeExpiredKeys(store, now).then(
    (n) => n > 0 && ctx.logger.info({ purged: n }, 'purged expired idempotency keys'),
    (error) => ctx.logger.warn({ err: { message: (error as Error).message } }, 'could not purge idempotency keys'),
  );
}

/** Runs an action exactly once per idempotency key (see the file comment). */
export function runExactlyOnce<Req extends { idempotencyKey: string }, Sent, O extends Outcome>(
  ctx: ActingContext,
  spec: ActionSpec<Req, Sent, O>,
  req: Req,
  agentId: string,
): Promise<RunResult<O>> {
  return new ExactlyOnceRun(ctx, spec, req, agentId).run();
}

/** One request's run under its key: each step of the file comment is one method. */
class ExactlyOnceRun<Req extends { idempotencyKey: string }, Sent, O extends Outcome> {
  private readonly repo: Store['idempotency'];
  private readonly key: string;
  private readonly inputHash: string;
  private readonly leaseMs: number;
  /** The lease this run holds the key by, once it claimed or took it over: every write while sending is fenced by it. */
  private lease: LeaseFence | null = null;

  constructor(
    private readonly ctx: ActingContext,
    private readonly spec: ActionSpec<Req, Sent, O>,
    private readonly req: Req,
    private readonly agentId: string,
  ) {
    this.repo = ctx.deps.store.idempotency;
    this.key = req.idempotencyKey;
    this.inputHash = requestHash(req, ctx.acting.handle);
    this.leaseMs = leaseMsFor(ctx.deps.config);
  }

  /** Step 1: a known key is waited for (or replayed); an unknown one is prepared, then claimed and sent. */
  async run(): Promise<RunResult<O>> {
    const existing = await this.repo.get(this.key);
    if (existing) return this.wait(existing);

    let sent: Sent;
    try {
      sent = await this.spec.prepare(this.ctx, this.req);
    } catch (error) {
      // A concurrent attempt with this key may have acted meanwhile (so the order no longer passes the checks):
      // then this is a retry and gets that attempt's result, not the checks' verdict.
      const raced = error instanceof BadInputError ? await this.repo.get(this.key) : null;
      if (raced) return this.wait(raced);
      throw error;
    }
    const { key, agentId, inputHash, leaseMs } = this;
    const claim = await this.repo.claim({ key, agentId, mutation: this.spec.action, inputHash, leaseMs });
    maybePurge(this.ctx);
    if (claim.outcome !== 'claimed') return this.wait(claim.record);
    this.hold(claim.record);
    return { outcome: await this.sendOnce(sent), replayed: false };
  }

  /** Keeps the lease a claim or takeover gave this run. */
  private hold(record: IdempotencyRecord): void {
    if (!record.leaseUntil) throw new InternalError('a claimed idempotency key has no lease');
    this.lease = { leaseUntil: record.leaseUntil };
  }

  /** Step 2: writes ahead what is about to be sent, sends it once and settles the key with the outcome. */
  private async sendOnce(sent: Sent): Promise<O> {
    const fence = this.lease ?? undefined;
    // Fenced: a run that lost its lease (e.g. a slow reconcile) stops here rather than overwrite the holder's record.
    await this.writeAhead(sent, fence);
    let latest = sent;
    const checkpoint: Checkpoint<Sent> = async (next) => {
      await this.writeAhead(next, fence);
      latest = next;
    };
    let outcome: O;
    try {
      outcome = await this.spec.send(this.ctx, sent, checkpoint);
    } catch (error) {
      if (error instanceof IdempotencyTakenOverError) throw error;
      if (error instanceof IdempotencyKeyReusedError) return this.refuse(error, fence);
      // The key stays `unknown`; our attempt is over, so the next caller with this key may take it over at once and
      // reconcile with Shopify before sending again (instead of waiting out our lease). Fenced: never a taker's lease.
      await this.repo.release(this.key, fence).catch(() => undefined);
      throw error;
    }
    return this.settle(latest, outcome);
  }

  /** Writes `sent` ahead under the key while this run's lease holds it; IdempotencyTakenOverError once it does not. */
  private async writeAhead(sent: Sent, fence: LeaseFence | undefined): Promise<void> {
    try {
      await this.repo.complete(this.key, 'unknown', { sent } satisfies StoredResult<Sent, O>, fence);
    } catch (error) {
      if (!(error instanceof LeaseLostError)) throw error;
      this.ctx.logger.warn({ action: this.spec.action }, 'idempotency key lease lost; leaving the key to its holder');
      throw new IdempotencyTakenOverError();
    }
  }

  /**
   * The send found that this key already names another request (e.g. a refund request written under the key before
   * it was purged): nothing was sent, so the key is settled as that refusal and every retry replays it.
   */
  private async refuse(error: IdempotencyKeyReusedError, fence: LeaseFence | undefined): Promise<never> {
    const refused: StoredResult<Sent, O> = { error: error.toStored() };
    await this.repo.complete(this.key, 'failed', refused, fence).catch(() => undefined);
    throw error;
  }

  private async settle(sent: Sent, outcome: O): Promise<O> {
    try {
      await this.repo.complete(this.key, outcome.userErrors.length > 0 ? 'failed' : 'succeeded', { sent, outcome } satisfies StoredResult<
        Sent,
        O
      >);
    } catch (error) {
      // Our lease lapsed and another attempt settled the key: Shopify's outcome is the same either way.
      this.ctx.logger.warn(
        { action: this.spec.action, err: { message: (error as Error).message } },
        'idempotency key was settled by another attempt',
      );
    }
    return outcome;
  }

  /** Step 3: the same input under the key waits (bounded) for its outcome, taking the key over if its lease lapses. */
  private async wait(first: IdempotencyRecord): Promise<RunResult<O>> {
    if (first.agentId !== this.agentId || first.mutation !== this.spec.action || first.inputHash !== this.inputHash) {
      throw new IdempotencyKeyReusedError();
    }
    const deadline = Date.now() + WAIT_FOR_OUTCOME_MS;
    let record: IdempotencyRecord | null = first;
    for (;;) {
      if (record === null) {
        throw new IdempotencyInProgressError('The key expired while this request waited for it; send the request again');
      }
      if (record.state === 'succeeded' || record.state === 'failed') return { outcome: replay<Sent, O>(record), replayed: true };
      if (record.leaseUntil !== null && record.leaseUntil.getTime() < Date.now()) {
        const mine = await this.repo.reclaim({ key: this.key, inputHash: this.inputHash, leaseMs: this.leaseMs });
        if (mine) {
          this.hold(mine);
          return { outcome: await this.recover(mine), replayed: false };
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw stillRunning(record);
      await sleep(Math.min(POLL_MS, left));
      record = await this.repo.get(this.key);
    }
  }

  /** Step 4: a taken-over key asks Shopify whether its written-ahead request happened before sending it again. */
  private async recover(record: IdempotencyRecord): Promise<O> {
    const stored = (record.result ?? {}) as StoredResult<Sent, O>;
    if (stored.sent !== undefined) {
      const done = await this.spec.reconcile(this.ctx, this.req, stored.sent);
      return done ? this.settle(stored.sent, done) : this.sendOnce(stored.sent);
    }
    // The previous owner stopped before sending anything: start over.
    return this.sendOnce(await this.prepareOrRefuse());
  }

  /** prepare() for a taken-over key: a refused input settles the key as that refusal, so retries replay it. */
  private async prepareOrRefuse(): Promise<Sent> {
    try {
      return await this.spec.prepare(this.ctx, this.req);
    } catch (error) {
      if (error instanceof BadInputError) {
        const refused: StoredResult<Sent, O> = { error: error.toStored() };
        await this.repo.complete(this.key, 'failed', refused, this.lease ?? undefined).catch(() => undefined);
      }
      throw error;
    }
  }
}

/** IDEMPOTENCY_IN_PROGRESS for a waiter that ran out of time, with when to retry (the holder's lease end). */
function stillRunning(record: IdempotencyRecord): IdempotencyInProgressError {
  const retryIn = record.leaseUntil ? Math.max(1, Math.ceil((record.leaseUntil.getTime() - Date.now()) / 1000)) : 1;
  return new IdempotencyInProgressError(
    `An earlier request with this idempotency key is still running or its outcome is being confirmed; retry in about ${retryIn} s with the same key`,
    retryIn,
  );
}

function replay<Sent, O>(record: IdempotencyRecord): O {
  const stored = (record.result ?? {}) as StoredResult<Sent, O>;
  if (stored.error) throw restoreError(stored.error);
  if (stored.outcome === undefined) throw new InternalError('The stored result of this idempotency key is unreadable');
  return stored.outcome;
}
