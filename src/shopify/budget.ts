/**
 * A mirror of Shopify's leaky bucket for one store, so we wait for points instead of sending a request Shopify
 * would refuse as THROTTLED.
 *
 * Shopify's rule: a query starts only if the bucket holds its *requested* cost; once it ran, requested − actual
 * comes back. So a request holds its requested cost only while in flight, and the points it really uses are its
 * actual cost, usually far lower. We do the same: take() holds the requested cost, settle() gives back what Shopify
 * did not charge and lets Shopify's own level cap ours (it also counts what we cannot see). Waiters queue first come
 * first served and are woken by the restore rate or by a refund, whichever frees enough points first.
 */

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

/** Applies a Shopify report to a state (or starts one from it): our refund, capped by Shopify's level. */
export function observeInto(state: BucketState | null, status: ThrottleStatus, refund: number, now: number): BucketState {
  if (!state) return { ...status, at: now };
  const level = Math.min(levelAt(state, now) + Math.max(0, refund), status.currentlyAvailable, status.maximumAvailable);
  return { maximumAvailable: status.maximumAvailable, restoreRate: status.restoreRate, currentlyAvailable: level, at: now };
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
  private inFlight = 0;
  private probeAt = -Infinity;
  protected readonly pollMs = 60_000;

  snapshot(): ThrottleStatus | null {
    if (!this.state) return null;
    const { maximumAvailable, restoreRate } = this.state;
    return { maximumAvailable, restoreRate, currentlyAvailable: Math.max(0, Math.floor(levelAt(this.state, this.now()))) };
  }

  protected tryTake(cost: number): TryTake {
    const now = this.now();
    if (!this.state) {
      // Many first requests at once would mostly come back THROTTLED: one goes, the rest wait for its answer.
      if (now - this.probeAt < PROBE_MS) return { granted: false, waitMs: PROBE_MS - (now - this.probeAt) };
      this.probeAt = now;
      this.inFlight += cost;
      return { granted: true, waitMs: 0 };
    }
    // More than the bucket holds is charged as a full bucket: the plan may have grown since we last heard (a store
    // upgrade), so Shopify decides; the client gives up if Shopify confirms the bucket is too small.
    const charge = Math.min(cost, this.state.maximumAvailable);
    const level = levelAt(this.state, now);
    if (level < charge) return { granted: false, waitMs: Math.ceil(((charge - level) / this.state.restoreRate) * 1000) };
    this.state = { ...this.state, currentlyAvailable: level - charge, at: now };
    this.inFlight += charge;
    return { granted: true, waitMs: 0 };
  }

  protected giveBack(cost: number): void {
    this.settle(cost, null, 0);
  }

  protected hopeless(waitMs: number, remainingMs: number): boolean {
    return this.inFlight <= 0 && this.state !== null && waitMs > remainingMs;
  }

  settle(taken: number, status: ThrottleStatus | null, charged: number): void {
    const charge = this.state ? Math.min(taken, this.state.maximumAvailable) : taken;
    this.inFlight = Math.max(0, this.inFlight - charge);
    const now = this.now();
    if (!this.state && !status) this.probeAt = -Infinity; // the probe learned nothing: let the next one try
    if (status) this.state = observeInto(this.state, status, charge - charged, now);
    else if (this.state && charged < charge) {
      this.state = { ...this.state, currentlyAvailable: levelAt(this.state, now) + (charge - charged), at: now };
    }
    this.notify();
  }
}
