/**
 * How many Shopify requests one incoming GraphQL request may have in flight (SHOPIFY_MAX_CONCURRENT_REQUESTS).
 *
 * Why: the cost budget is one first-come-first-served queue per store. Without a per-request cap, one request
 * that fans out into hundreds of Shopify calls puts all of them in that queue at once, and every other agent's
 * call waits behind the lot (issue 10: 609 calls, the breaker opened, others got SHOPIFY_UNAVAILABLE for ~24 s).
 * With the cap, a request holds at most N places in the queue; its next call joins at the back, after whatever
 * other agents queued meanwhile, so their calls interleave.
 *
 * Why passed explicitly, not through AsyncLocalStorage: on Node 20 an AsyncLocalStorage turns on promise hooks for
 * the whole process, which made executing a 1000-representation request about a quarter slower (more time blocking
 * the event loop). Each request's context carries its own {@link Limiter}: resolvers reach Shopify through
 * `ctx.deps.shopify`, a {@link limitedClient} for that request, and the customer loader hands the limiter to
 * `CustomerSource.load`. Code outside any request (webhooks, tests calling the client directly) is unlimited.
 *
 * The operation's trace (observability/tracing.ts) rides on the same object for the same reason: the limiter already
 * reaches every place that sends for the request (the loaders, the cache's loads, `ctx.deps.shopify`), so each
 * Shopify attempt's span finds its parent, the operation's span, without any async-context lookup.
 */
import type { ShopifyClient, ShopifyTrace } from './client.js';

/**
 * A counting semaphore: at most `limit` holders at once; waiters are served first come, first served. Also carries the
 * request's trace (none when tracing is off), which every call made under it is attributed to.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly limit: number,
    readonly trace?: ShopifyTrace,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number of at least 1, got ${limit}`);
  }

  /** Runs `fn` once a place is free, and frees it when `fn` settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      // The place passes straight to the next waiter, so nobody arriving meanwhile can jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * The client as one request sees it: every call it makes waits for a place under that request's limiter, and is traced
 * in that request's operation when tracing is on.
 */
export function limitedClient(client: ShopifyClient, limiter: Limiter): ShopifyClient {
  return {
    endpoint: client.endpoint,
    apiVersion: client.apiVersion,
    budget: client.budget,
    estimate: (document, variables) => client.estimate(document, variables),
    request: (document, variables, options) =>
      client.request(document, variables, { ...options, limiter, trace: options.trace ?? limiter.trace }),
  };
}
