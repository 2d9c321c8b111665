/**
 * A local mirror of Shopify's leaky bucket for one store, so we wait for points instead of sending a
 * request Shopify would refuse as THROTTLED.
 *
 * Model (shared with the Redis budget, ./redis-budget.ts): the level may go below zero. A caller that finds too
 * few points takes them anyway and sleeps until the restore rate has paid the debt; the next caller sees the debt
 * and waits behind it. That makes waiting first-come first-served with one computation per request, instead of
 * every waiter waking and racing for the same points. Shopify corrects us after every response: the points a
 * request did not use are given back, and Shopify's own level caps ours (it also counts what we cannot see).
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Where the bucket state lives: this process (default) or shared between replicas (Redis). */
export interface CostBudget {
  /**
   * Takes `cost` points, waiting until the bucket is expected to hold them. Resolves to the milliseconds
   * waited, or to null (taking nothing) when the wait would end after `deadline` (epoch ms).
   */
  take(cost: number, deadline: number): Promise<number | null>;
  /**
   * Corrects the estimate with what Shopify reported: `refund` points that a request took from us but did not
   * use (taken − actual cost; all of it when Shopify did not run the request) come back, then Shopify's level caps ours.
   */
  observe(status: ThrottleStatus, refund?: number): Promise<void> | void;
  /** The current estimate (for /metrics and logs). */
  snapshot(): ThrottleStatus | null;
}

/** The state both budgets keep: level (may be negative), when it was computed, and the plan. */
export interface BucketState extends ThrottleStatus {
  at: number;
}

/** Level at `now`, restored at the plan's rate since `state.at`, capped at the bucket size. */
export function levelAt(state: BucketState, now: number): number {
  return Math.min(state.maximumAvailable, state.currentlyAvailable + ((now - state.at) / 1000) * state.restoreRate);
}

/**
 * One take against a state: milliseconds to wait (0 = now) and the new state, or null when the wait would exceed
 * `maxWaitMs`. A cost above the bucket size is charged as the full bucket: Shopify decides what to do with it.
 */
export function takeFrom(state: BucketState, cost: number, now: number, maxWaitMs: number): { waitMs: number; next: BucketState } | null {
  const level = levelAt(state, now);
  const charge = Math.min(cost, state.maximumAvailable);
  const waitMs = level >= charge ? 0 : Math.ceil(((charge - level) / state.restoreRate) * 1000);
  if (waitMs > maxWaitMs) return null;
  return { waitMs, next: { ...state, currentlyAvailable: level - charge, at: now } };
}

/** Applies a Shopify report to a state (or starts one from it). */
export function observeInto(state: BucketState | null, status: ThrottleStatus, refund: number, now: number): BucketState {
  if (!state) return { ...status, at: now };
  const level = Math.min(levelAt(state, now) + Math.max(0, refund), status.currentlyAvailable, status.maximumAvailable);
  return { maximumAvailable: status.maximumAvailable, restoreRate: status.restoreRate, currentlyAvailable: level, at: now };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The in-process bucket: right for one replica; use the Redis one when several share a store. */
export class LocalCostBudget implements CostBudget {
  private state: BucketState | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  snapshot(): ThrottleStatus | null {
    if (!this.state) return null;
    const { maximumAvailable, restoreRate } = this.state;
    return { maximumAvailable, restoreRate, currentlyAvailable: Math.max(0, Math.floor(levelAt(this.state, this.now()))) };
  }

  observe(status: ThrottleStatus, refund = 0): void {
    this.state = observeInto(this.state, status, refund, this.now());
  }

  async take(cost: number, deadline: number): Promise<number | null> {
    // Until Shopify has told us the bucket's size we cannot know better than to try.
    if (!this.state) return 0;
    const now = this.now();
    const taken = takeFrom(this.state, cost, now, deadline - now);
    if (!taken) return null;
    this.state = taken.next;
    if (taken.waitMs > 0) await sleep(taken.waitMs);
    return taken.waitMs;
  }
}
