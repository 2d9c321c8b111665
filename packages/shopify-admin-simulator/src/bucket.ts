/**
 * Shopify's leaky bucket, one per access token: it holds up to `maximumAvailable` points and refills at
 * `restoreRate` points per second. A query runs only if the bucket holds its requested cost; that cost is taken,
 * and (requested − actual) is given back once the query has run.
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface BucketOptions {
  /** Standard plan: 2000 */
  maximumAvailable?: number;
  /** Standard plan: 100 points per second */
  restoreRate?: number;
  /** injectable clock (ms) for tests */
  now?: () => number;
}

interface Level {
  available: number;
  at: number;
}

export class Bucket {
  maximumAvailable: number;
  restoreRate: number;
  private readonly now: () => number;
  private readonly levels = new Map<string, Level>();

  constructor(options: BucketOptions = {}) {
    this.maximumAvailable = options.maximumAvailable ?? 2000;
    this.restoreRate = options.restoreRate ?? 100;
    this.now = options.now ?? (() => performance.now());
  }

  /** Changes the plan; every bucket keeps its level (capped at the new maximum). */
  configure(options: { maximumAvailable?: number; restoreRate?: number }): void {
    for (const token of this.levels.keys()) this.level(token);
    if (options.maximumAvailable != null) this.maximumAvailable = options.maximumAvailable;
    if (options.restoreRate != null) this.restoreRate = options.restoreRate;
    for (const l of this.levels.values()) l.available = Math.min(l.available, this.maximumAvailable);
  }

  /** Every bucket full again. */
  refill(): void {
    this.levels.clear();
  }

  status(token: string): ThrottleStatus {
    return this.report(this.level(token));
  }

  /** Takes `cost` if the bucket holds it. */
  take(token: string, cost: number): { ok: boolean; status: ThrottleStatus } {
    const l = this.level(token);
    if (l.available < cost) return { ok: false, status: this.report(l) };
    l.available -= cost;
    return { ok: true, status: this.report(l) };
  }

  /** Returns points (requested − actual) after a query ran. */
  giveBack(token: string, points: number): ThrottleStatus {
    const l = this.level(token);
    l.available = Math.min(this.maximumAvailable, l.available + points);
    return this.report(l);
  }

  private level(token: string): Level {
    const t = this.now();
    let l = this.levels.get(token);
    if (!l) {
      l = { available: this.maximumAvailable, at: t };
      this.levels.set(token, l);
      return l;
    }
    l.available = Math.min(this.maximumAvailable, l.available + ((t - l.at) / 1000) * this.restoreRate);
    l.at = t;
    return l;
  }

  private report(l: Level): ThrottleStatus {
    // Shopify reports whole points
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(l.available), restoreRate: this.restoreRate };
  }
}
