/**
 * A local mirror of Shopify's leaky bucket for one store, so we wait for points instead of sending a
 * request Shopify would refuse as THROTTLED. Shopify is the truth: every response's throttleStatus
 * overwrites our estimate; between responses we assume the published restore rate.
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
  /** Corrects the estimate with what Shopify reported. */
  observe(status: ThrottleStatus): Promise<void> | void;
  /** The current estimate (for /metrics and logs). */
  snapshot(): ThrottleStatus | null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The in-process bucket: right for one replica; use the Redis one when several share a store. */
export class LocalCostBudget implements CostBudget {
  private status: ThrottleStatus | null = null;
  private at = 0;

  constructor(private readonly now: () => number = Date.now) {}

  snapshot(): ThrottleStatus | null {
    if (!this.status) return null;
    return { ...this.status, currentlyAvailable: this.available() };
  }

  observe(status: ThrottleStatus): void {
    this.status = { ...status };
    this.at = this.now();
  }

  async take(cost: number, deadline: number): Promise<number | null> {
    let waited = 0;
    for (;;) {
      // Until Shopify has told us the bucket's size we cannot know better than to try.
      if (!this.status) return waited;
      const available = this.available();
      if (available >= cost || cost > this.status.maximumAvailable) {
        this.status.currentlyAvailable = available - Math.min(cost, available);
        this.at = this.now();
        return waited;
      }
      const wait = Math.ceil(((cost - available) / this.status.restoreRate) * 1000);
      if (this.now() + wait > deadline) return null;
      await sleep(wait);
      waited += wait;
    }
  }

  private available(): number {
    const s = this.status!;
    const restored = ((this.now() - this.at) / 1000) * s.restoreRate;
    return Math.min(s.maximumAvailable, s.currentlyAvailable + restored);
  }
}
