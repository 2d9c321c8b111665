/**
 * How many orders a store's customers typically have, from the `numberOfOrders` its recent answers carried: what
 * ./customers.ts expects a batch's cards to need before it knows them, so it looks the emails up first (and sizes
 * each card's orders) only where that is likely to take fewer requests. A store whose customers mostly have 10 orders
 * or more gains nothing from the lookup; one where most have 1–3 halves its requests.
 */
import type { StoreEndpoint } from './transport.js';

/** Counts remembered per store: enough for a stable quantile, few enough to follow a change in the mix. */
const WINDOW = 256;
/** The quantile taken as "typical": a request's orders page is its largest customer's, so err high. */
const QUANTILE = 0.75;
/** Counts seen before the figure is trusted. */
const MIN_SEEN = 16;
/** Counts above the largest page anyone asks for are all the same to us. */
const CAP = 10;

/** The recent order counts of one store's customers. */
export class OrderCounts {
  private readonly recent: number[] = [];
  private next = 0;

  /** Remembers one customer's `numberOfOrders`. */
  add(numberOfOrders: number): void {
    const n = Math.min(CAP, Math.max(0, Math.floor(numberOfOrders)));
    if (!Number.isFinite(n)) return;
    if (this.recent.length < WINDOW) this.recent.push(n);
    else this.recent[this.next] = n;
    this.next = (this.next + 1) % WINDOW;
  }

  /** The 75th percentile of the recent counts, capped at `cap`; undefined until enough were seen. */
  typical(cap: number): number | undefined {
    if (this.recent.length < MIN_SEEN) return undefined;
    const histogram = new Array<number>(CAP + 1).fill(0);
    for (const n of this.recent) histogram[n]!++;
    let seen = 0;
    for (let n = 0; n <= CAP; n++) {
      seen += histogram[n]!;
      if (seen >= this.recent.length * QUANTILE) return Math.min(cap, Math.max(1, n));
    }
    return cap;
  }
}

/** One memory per store, found by its endpoint (a request's limited client shares its store's endpoint). */
const byStore = new WeakMap<StoreEndpoint, OrderCounts>();

/** The order counts of the store at `endpoint`. */
export function orderCountsOf(endpoint: StoreEndpoint): OrderCounts {
  let counts = byStore.get(endpoint);
  if (!counts) {
    counts = new OrderCounts();
    byStore.set(endpoint, counts);
  }
  return counts;
}
