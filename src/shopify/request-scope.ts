/**
 * How many Shopify requests one incoming GraphQL request may have in flight (SHOPIFY_MAX_CONCURRENT_REQUESTS).
 *
 * Why: the cost budget is one first-come-first-served queue per store. Without a per-request cap, one request
 * that fans out into hundreds of Shopify calls puts all of them in that queue at once, and every other agent's
 * call waits behind the lot (issue 10: 609 calls, the breaker opened, others got SHOPIFY_UNAVAILABLE for ~24 s).
 * With the cap, a request holds at most N places in the queue; its next call joins at the back, after whatever
 * other agents queued meanwhile, so their calls interleave.
 *
 * Why AsyncLocalStorage: the Shopify client sits several layers below the request (resolvers → DataLoaders →
 * customer cache → gateway → client) and is shared by all requests. The server runs each HTTP request inside
 * {@link withRequestScope}; every promise job, process.nextTick and timer created during it — DataLoader batch
 * functions included — carries the scope, so the client finds the right request's limiter without threading it
 * through every interface. Code outside any request (webhooks, tests calling the client directly) is unlimited.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A counting semaphore: at most `limit` holders at once; waiters are served first come, first served. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
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

const scope = new AsyncLocalStorage<Limiter>();

/** Runs `fn` (one incoming request) with its own limit of `maxConcurrent` Shopify requests in flight. */
export function withRequestScope<T>(maxConcurrent: number, fn: () => T): T {
  return scope.run(new Limiter(maxConcurrent), fn);
}

/** Runs one Shopify attempt under the current request's limit, or at once outside any request. */
export function underRequestLimit<T>(fn: () => Promise<T>): Promise<T> {
  const limiter = scope.getStore();
  return limiter ? limiter.run(fn) : fn();
}
