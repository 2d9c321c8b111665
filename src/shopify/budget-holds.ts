/**
 * The holds one process has in flight, so an answer's settle can say which requests are still out (their points are
 * not in Shopify's report yet, or are) and what was charged since the answered request left (see observeInto in
 * ./budget.ts for why both matter).
 *
 * The CostBudget interface pairs a settle with its take only by cost (take(cost) … settle(taken = cost)), and the
 * client must keep working unchanged, so holds are paired by cost here. Among several outstanding holds of the same
 * cost the settle cannot tell which request answered, so it pairs conservatively:
 *  - it uses the OLDEST mark of that cost (the most charges since: the most subtracted), and the remaining holds keep
 *    the older marks, the newest one being dropped, so every later settle of that cost again uses a mark no newer
 *    than its own request's;
 *  - it removes the oldest hold (its id, its expiry): the holds left are the newest, so none expires before the
 *    request it stands for could.
 * Holds of one cost have one charge (min(cost, bucket size)) unless the bucket size changed in between; then the
 * oldest's charge is refunded, which is off by at most the difference for a request Shopify refuses anyway.
 */

/**
 * A hold outlives any request that could still be in flight after this long: the client's attempt timeout is at most
 * 120 s (SHOPIFY_TIMEOUT_MS), plus reading the answer. A replica that died mid-request (or code that never settled)
 * stops counting after this.
 */
export const HOLD_TTL_MS = 130_000;

export interface Hold {
  /** the cost take() was called with: what settle() will be called with */
  taken: number;
  /** the points held (the cost, at most the bucket size) */
  charge: number;
  /** the running total of charges settled when this hold was granted */
  mark: number;
  /** when granted (this process's clock), for expiry */
  at: number;
  /** the hold's name where it is shared (Redis); '' in-process */
  id: string;
}

/** The outstanding holds of one process, in the order they were granted. */
export class OutstandingHolds {
  private holds: Hold[] = [];

  constructor(private readonly ttlMs: number = HOLD_TTL_MS) {}

  add(hold: Hold): void {
    this.holds.push(hold);
  }

  /** Pairs a settle of `taken` with a hold (see the file comment); null when none of that cost is out. */
  settle(taken: number): Hold | null {
    const same = this.holds.filter((h) => h.taken === taken);
    if (same.length === 0) return null;
    const marks = same.map((h) => h.mark);
    const paired = { ...same[0]!, mark: marks[0]! };
    this.holds.splice(this.holds.indexOf(same[0]!), 1);
    // The holds left take the marks before theirs: the newest mark goes, never an older one.
    same.slice(1).forEach((h, i) => (h.mark = marks[i]!));
    return paired;
  }

  /** Forgets holds older than the TTL; returns how many. */
  prune(now: number): number {
    const before = this.holds.length;
    this.holds = this.holds.filter((h) => now - h.at < this.ttlMs);
    return before - this.holds.length;
  }

  /** The points held in all. */
  get held(): number {
    return this.holds.reduce((sum, h) => sum + h.charge, 0);
  }

  get size(): number {
    return this.holds.length;
  }
}
