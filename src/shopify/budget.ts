/**
 * A mirror of Shopify's leaky bucket for one store, so we wait for points instead of sending a request Shopify
 * would refuse as THROTTLED.
 *
 * Shopify's rule: a query starts only if the bucket holds its *requested* cost; once it ran, requested − actual
 * comes back. So a request holds its requested cost only while in flight, and the points it really uses are its
 * actual cost, usually far lower. We do the same: take() holds the requested cost, settle() gives back what Shopify
 * did not charge and takes Shopify's reported level, less what our other requests in flight may still take
 * (observeInto). Waiters queue first come first served and are woken by the restore rate or by a refund, whichever
 * frees enough points first.
 */
import { OutstandingHolds, type Hold } from './budget-holds.js';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Where the bucket state lives: this process (default) or shared between replicas (Redis). */
export interface CostBudget {
  /**
   * Takes `cost` points, waiting until the bucket holds them. Resolves to the milliseconds waited, or to null
   * (taking nothing) when they cannot be had before `deadline` (epoch ms).
   */
  take(cost: number, deadline: number): Promise<number | null>;
  /**
   * After every attempt that took `taken` points: Shopify's throttle status (null when the answer had none) and the
   * points Shopify charged (0 when it did not run the request, `taken` when we cannot know).
   */
  settle(taken: number, status: ThrottleStatus | null, charged: number): Promise<void> | void;
  /** The current estimate (for /metrics and logs). */
  snapshot(): ThrottleStatus | null;
}

/** The state both budgets keep: level, when it was computed, and the plan. */
export interface BucketState extends ThrottleStatus {
  at: number;
}

/** Level at `now`, restored at the plan's rate since `state.at`, capped at the bucket size. */
export function levelAt(state: BucketState, now: number): number {
  return Math.min(state.maximumAvailable, state.currentlyAvailable + ((now - state.at) / 1000) * state.restoreRate);
}

/** What else was out while the answered request was: the other requests' holds, and what was charged meanwhile. */
export interface Others {
  /** the holds of every other request still in flight (this process's, or every replica's) */
  held: number;
  /** the points charged by requests that settled after the answered one was granted */
  chargedSince: number;
}

/**
 * Applies Shopify's report S, the answer to our request R, to a state (or starts one from it). `others` is null when
 * R's hold is unknown here (nothing says what was charged while it was out): then only the previous rule applies.
 *
 * What we may hand out is Shopify's level minus what the requests still out may yet take: their requested cost, which
 * their holds cover (our estimates are at least Shopify's requested cost, and THROTTLED raises them to it). Shopify
 * computed S at some moment while R was out. Every other request of ours that Shopify took after that moment has
 * either not settled yet (we subtract its whole hold) or settled after R was granted (we subtract what it was
 * charged: its actual cost, all it held when the outcome is unknown, nothing when Shopify did not run it). One that
 * settled before R was granted was answered, so taken, before S was computed, and S counts it. So
 * S − held − chargedSince never counts a point Shopify does not have; time restored since S, and S being rounded
 * down, only make it lower. A request S did count is subtracted twice, which under-counts; its own settle then gives
 * back hold − actual, which lands exactly on Shopify's level had S not counted it. `chargedSince` is needed because
 * answers are not read in the order Shopify computed them (body sizes, sockets, replicas): a report computed before
 * another request was taken, read after that request's answer, would otherwise count its points as free.
 *
 * The previous rule, min(ours + refund, S), is safe as well (ours already left room for every hold) and keeps the
 * level when many are in flight; the level is the higher of the two. With nothing else out and nothing settled
 * meanwhile it is Shopify's own level, so the mirror catches up at such an answer (after a lost answer charged in
 * full, a stale report, a bucket that grew: its new size is in S) instead of only by the restore rate.
 * Points taken by something this budget does not see (a replica not sharing it) stay unknown: THROTTLED corrects.
 */
export function observeInto(
  state: BucketState | null,
  status: ThrottleStatus,
  refund: number,
  now: number,
  others: Others | null,
): BucketState {
  const reported = Math.min(status.currentlyAvailable, status.maximumAvailable);
  const fromShopify = others ? reported - others.held - others.chargedSince : -Infinity;
  const ours = state ? Math.min(levelAt(state, now) + Math.max(0, refund), reported) : fromShopify;
  return {
    maximumAvailable: status.maximumAvailable,
    restoreRate: status.restoreRate,
    currentlyAvailable: Math.max(fromShopify, ours),
    at: now,
  };
}

/** One attempt to take points: granted, or how long the restore rate alone would take to free them. */
export interface TryTake {
  granted: boolean;
  waitMs: number;
}

interface Waiter {
  cost: number;
  deadline: number;
  started: number;
  /** someone was in front, or the bucket was short: it did wait (a plain round trip to Redis is not a wait) */
  waited: boolean;
  done: boolean;
  resolve: (waited: number | null) => void;
  timer: NodeJS.Timeout;
}

/**
 * The waiting room both budgets share: a FIFO of takers served by one pump, so the head is not overtaken by
 * cheaper requests (no starvation) and nobody spins. Subclasses say how one take is tried and how often to retry.
 */
export abstract class QueuedBudget implements CostBudget {
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  private wake: (() => void) | null = null;

  constructor(protected readonly now: () => number = Date.now) {}

  /** Tries to take `cost` once, atomically. */
  protected abstract tryTake(cost: number): Promise<TryTake> | TryTake;
  /** Gives back points taken for a waiter that gave up meanwhile. */
  protected abstract giveBack(cost: number): Promise<void> | void;
  /** True when a wait this long cannot be shortened by refunds (nothing in flight): fail now, not at the deadline. */
  protected abstract hopeless(waitMs: number, remainingMs: number): boolean;
  /** Longest sleep between tries (refunds by other processes wake nobody here). */
  protected abstract readonly pollMs: number;

  abstract settle(taken: number, status: ThrottleStatus | null, charged: number): Promise<void> | void;
  abstract snapshot(): ThrottleStatus | null;

  take(cost: number, deadline: number): Promise<number | null> {
    return new Promise((resolve) => {
      const started = this.now();
      const waiter: Waiter = {
        cost,
        deadline,
        started,
        waited: this.waiters.length > 0,
        done: false,
        resolve,
        timer: setTimeout(() => this.finish(waiter, null), Math.max(0, deadline - started)),
      };
      this.waiters.push(waiter);
      void this.pump();
    });
  }

  /** Wakes the pump early: points came back. */
  protected notify(): void {
    this.wake?.();
  }

  private finish(waiter: Waiter, waited: number | null): void {
    if (waiter.done) return;
    waiter.done = true;
    clearTimeout(waiter.timer);
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
    waiter.resolve(waited);
    this.notify();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const head = this.waiters[0]!;
        const attempt = await this.tryTake(head.cost);
        if (attempt.granted) {
          if (head.done)
            await this.giveBack(head.cost); // it gave up while we asked
          else this.finish(head, head.waited ? this.now() - head.started : 0);
          continue;
        }
        if (head.done) continue;
        const remaining = head.deadline - this.now();
        if (this.hopeless(attempt.waitMs, remaining)) {
          this.finish(head, null);
          continue;
        }
        head.waited = true;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(1, Math.min(attempt.waitMs, this.pollMs, remaining)));
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** Until the first answer tells us the bucket's size, one request goes alone to learn it (at most this long). */
export const PROBE_MS = 2_000;

/** The in-process bucket: right for one replica; use the Redis one when several share a store. */
export class LocalCostBudget extends QueuedBudget {
  private state: BucketState | null = null;
  private readonly holds = new OutstandingHolds();
  /** every point charged by a settled hold so far: a hold's mark against it says what was charged since */
  private charged = 0;
  private probeAt = -Infinity;
  protected readonly pollMs = 60_000;

  snapshot(): ThrottleStatus | null {
    if (!this.state) return null;
    const { maximumAvailable, restoreRate } = this.state;
    return { maximumAvailable, restoreRate, currentlyAvailable: Math.max(0, Math.floor(levelAt(this.state, this.now()))) };
  }

  protected tryTake(cost: number): TryTake {
    const now = this.now();
    this.holds.prune(now);
    if (!this.state) {
      // Many first requests at once would mostly come back THROTTLED: one goes, the rest wait for its answer.
      if (now - this.probeAt < PROBE_MS) return { granted: false, waitMs: PROBE_MS - (now - this.probeAt) };
      this.probeAt = now;
      this.hold(cost, cost, now);
      return { granted: true, waitMs: 0 };
    }
    // More than the bucket holds is charged as a full bucket: the plan may have grown since we last heard (a store
    // upgrade), so Shopify decides; the client gives up if Shopify confirms the bucket is too small.
    const charge = Math.min(cost, this.state.maximumAvailable);
    const level = levelAt(this.state, now);
    if (level < charge) return { granted: false, waitMs: Math.ceil(((charge - level) / this.state.restoreRate) * 1000) };
    this.state = { ...this.state, currentlyAvailable: level - charge, at: now };
    this.hold(cost, charge, now);
    return { granted: true, waitMs: 0 };
  }

  protected giveBack(cost: number): void {
    this.settle(cost, null, 0);
  }

  protected hopeless(waitMs: number, remainingMs: number): boolean {
    return this.holds.size === 0 && this.state !== null && waitMs > remainingMs;
  }

  settle(taken: number, status: ThrottleStatus | null, charged: number): void {
    const now = this.now();
    this.holds.prune(now);
    // A settle with no hold of its cost (a caller's first report, or one for a hold taken elsewhere) refunds nothing.
    const hold = this.holds.settle(taken);
    const chargedSince = hold ? this.charged - hold.mark : 0;
    if (hold) this.charged += charged;
    const refund = hold ? Math.max(0, hold.charge - charged) : 0;
    if (!this.state && !status) this.probeAt = -Infinity; // the probe learned nothing: let the next one try
    if (status) {
      // A first report needs no hold: it starts the state (less whatever we already hold).
      const others = hold || !this.state ? { held: this.holds.held, chargedSince } : null;
      this.state = observeInto(this.state, status, refund, now, others);
    } else if (this.state && refund > 0) {
      this.state = { ...this.state, currentlyAvailable: levelAt(this.state, now) + refund, at: now };
    }
    this.notify();
  }

  private hold(taken: number, charge: number, now: number): void {
    const hold: Hold = { taken, charge, mark: this.charged, at: now, id: '' };
    this.holds.add(hold);
  }
}
