import { createAdminApiClient, type ClientResponse } from '@shopify/admin-api-client';
import type { Logger } from '../logger.js';
import { AppError, ShopifyOutcomeUnknownError, ShopifyThrottledError, ShopifyUnavailableError } from '../errors.js';
import type { CircuitBreaker } from './breaker.js';
import { LocalCostBudget, type CostBudget, type ThrottleStatus } from './budget.js';
import type { Limiter } from './request-scope.js';
import { endpointFetch, type StoreEndpoint } from './transport.js';

/** What Shopify reports about a request's cost (`extensions.cost`). */
export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/** A GraphQL error from Shopify that came along with data (a field failed, the rest answered). */
export interface ShopifyFieldError {
  message: string;
  path?: ReadonlyArray<string | number>;
  code?: string;
}

export interface ShopifyResponse<T> {
  data: T;
  cost: CostExtension | null;
  fieldErrors: ShopifyFieldError[];
}

export interface RequestOptions {
  /** For logs, metrics and the simulator's per-operation stats. */
  operationName: string;
  /** Our estimate of the requested cost, so we wait for the bucket instead of being refused. */
  estimatedCost?: number;
  /**
   * Mutations are sent once: a lost answer may mean it happened. Set for mutations that carry Shopify's
   * @idempotent key, which makes a resend return the first result instead of acting again.
   */
  mutation?: { replaySafe: boolean };
  /** the incoming request's cap on Shopify calls in flight (see request-scope.ts); none = unlimited */
  limiter?: Limiter;
}

/** One Shopify request as seen by logs and metrics. */
export interface RequestEvent {
  operation: string;
  outcome: 'ok' | 'throttled' | 'http_error' | 'network_error' | 'timeout' | 'graphql_error' | 'malformed' | 'breaker_open';
  status?: number;
  attempt: number;
  durationMs: number;
  requestedCost?: number;
  actualCost?: number | null;
  available?: number;
}

export interface ShopifyClientOptions {
  endpoint: StoreEndpoint;
  accessToken: string;
  apiVersion: string;
  /** per attempt */
  timeoutMs: number;
  /** total time one call may spend waiting for budget and retrying */
  maxWaitMs: number;
  logger: Logger;
  budget?: CostBudget;
  /** fails fast while Shopify keeps failing; none = always try */
  breaker?: CircuitBreaker;
  fetch?: typeof fetch;
  /** called once per HTTP attempt (metrics) */
  onRequest?: (event: RequestEvent) => void;
  /** called once per wait: for budget before sending, after THROTTLED, or backing off after a failure (metrics) */
  onWait?: (ms: number, reason: 'budget' | 'throttled' | 'backoff') => void;
}

export interface ShopifyClient {
  readonly endpoint: StoreEndpoint;
  readonly apiVersion: string;
  readonly budget: CostBudget;
  request<T, V extends Record<string, unknown> = Record<string, unknown>>(
    document: string,
    variables: V,
    options: RequestOptions,
  ): Promise<ShopifyResponse<T>>;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Attempt =
  | { kind: 'ok'; data: unknown; cost: CostExtension | null; fieldErrors: ShopifyFieldError[] }
  | { kind: 'throttled'; cost: CostExtension | null }
  /** notProcessed: Shopify certainly did not run it (429); health: whether it says Shopify is unwell (breaker) */
  | { kind: 'retryable'; reason: string; retryAfterMs?: number; notProcessed: boolean; unhealthy: boolean }
  | { kind: 'fatal'; error: AppError };

/** Creates the Shopify Admin client: budget-aware waits, bounded retries for queries, one send for mutations. */
export function createShopifyClient(opts: ShopifyClientOptions): ShopifyClient {
  const budget = opts.budget ?? new LocalCostBudget();
  const admin = createAdminApiClient({
    storeDomain: opts.endpoint.storeDomain,
    apiVersion: opts.apiVersion,
    accessToken: opts.accessToken,
    // Our own retry loop below knows about THROTTLED and mutations; the client's own retries do not.
    retries: 0,
    customFetchApi: endpointFetch(opts.endpoint, opts.fetch ?? fetch),
  });

  function report(event: RequestEvent): void {
    opts.onRequest?.(event);
    const level = event.outcome === 'ok' ? 'info' : 'warn';
    opts.logger[level]({ shopify: event }, 'shopify request');
  }

  async function attemptOnce(document: string, variables: Record<string, unknown>, operation: string, attempt: number, taken: number): Promise<Attempt> {
    const started = performance.now();
    const signal = AbortSignal.timeout(opts.timeoutMs);
    let response: ClientResponse<unknown>;
    try {
      response = await admin.request(document, { variables, signal });
    } catch (error) {
      // request() returns errors as values; a throw here is a bug in the client or our fetch.
      response = { errors: { message: error instanceof Error ? error.message : String(error) } };
    }
    const durationMs = Math.round(performance.now() - started);
    // An error status leaves the body unread; drop it so the connection goes back to the pool.
    await response.errors?.response?.body?.cancel().catch(() => undefined);
    const cost = readCost(response.extensions);
    let result = classify(response, cost);
    // The abort shows up as a network error or an unreadable body; name it for what it is.
    const timedOut = result.kind !== 'ok' && signal.aborted;
    if (timedOut) result = timeoutAttempt(opts.timeoutMs);
    // What we took but Shopify did not charge comes back: all of it when Shopify did not run the request, none of it
    // when we cannot know (no answer).
    const charged = result.kind === 'throttled' || (result.kind === 'retryable' && result.notProcessed) ? 0
      : cost ? cost.actualQueryCost ?? cost.requestedQueryCost : taken;
    await budget.settle(taken, cost?.throttleStatus ?? null, charged);
    report({
      operation, attempt, durationMs,
      outcome: timedOut ? 'timeout' : result.kind === 'ok' ? 'ok' : result.kind === 'throttled' ? 'throttled' : outcomeOf(response),
      status: response.errors?.networkStatusCode,
      requestedCost: cost?.requestedQueryCost, actualCost: cost?.actualQueryCost, available: cost?.throttleStatus.currentlyAvailable,
    });
    if (opts.breaker) {
      if (result.kind === 'ok') opts.breaker.success();
      else if (result.kind === 'retryable' && result.unhealthy) opts.breaker.failure();
      else opts.breaker.neutral();
    }
    return result;
  }

  return {
    endpoint: opts.endpoint,
    apiVersion: opts.apiVersion,
    budget,
    async request<T, V extends Record<string, unknown>>(document: string, variables: V, options: RequestOptions) {
      // Set when the first attempt gets its place under the request's limit: waiting behind the same request's own
      // calls is not waiting for Shopify's budget, and must not turn a large request's later calls into THROTTLED.
      let deadline = 0;
      const operation = options.operationName;
      const isMutation = options.mutation !== undefined;
      let cost = options.estimatedCost ?? (isMutation ? 10 : 1);
      let waitReason: 'budget' | 'throttled' = 'budget';
      for (let attempt = 1; ; attempt++) {
        // The budget wait is inside the limit too: a request's calls hold at most N places in the budget's queue,
        // so other requests' calls get their turn in between (see request-scope.ts).
        const attemptUnderLimit = async () => {
          if (attempt === 1) deadline = Date.now() + opts.maxWaitMs;
          try {
            opts.breaker?.admit();
          } catch (error) {
            report({ operation, attempt, durationMs: 0, outcome: 'breaker_open' });
            throw error;
          }
          // After THROTTLED the budget holds Shopify's level, so this wait is (requested − available) / restoreRate.
          const waited = await budget.take(cost, deadline);
          if (waited === null) {
            throw new ShopifyThrottledError(`${operation} needs ${cost} points and the budget would not hold them within ${opts.maxWaitMs} ms`);
          }
          if (waited > 0) opts.onWait?.(waited, waitReason);
          return attemptOnce(document, variables, operation, attempt, cost);
        };
        const result = await (options.limiter ? options.limiter.run(attemptUnderLimit) : attemptUnderLimit());
        if (result.kind === 'ok') return { data: result.data as T, cost: result.cost, fieldErrors: result.fieldErrors };
        if (result.kind === 'fatal') throw result.error;

        if (result.kind === 'throttled') {
          // Shopify did not run it, so even a mutation may go again; wait for what Shopify says it costs.
          cost = Math.max(cost, result.cost?.requestedQueryCost ?? 0);
          waitReason = 'throttled';
          const status = result.cost?.throttleStatus;
          if (status && cost > status.maximumAvailable) {
            // No wait helps: the bucket can never hold this request.
            throw new ShopifyThrottledError(`${operation} needs ${cost} points, more than the store's bucket holds (${status.maximumAvailable})`);
          }
          if (Date.now() >= deadline) throw new ShopifyThrottledError(`still throttled after ${opts.maxWaitMs} ms of waiting`);
          if (!result.cost) {
            if (Date.now() + 1000 > deadline) throw new ShopifyThrottledError(`still throttled after ${opts.maxWaitMs} ms of waiting`);
            opts.onWait?.(1000, 'throttled');
            await sleep(1000);
          }
          continue;
        }

        if (isMutation && !options.mutation!.replaySafe) {
          // Without Shopify's idempotency key a mutation is sent once (issue #5): a 429 is known not to have run.
          if (result.notProcessed) throw new ShopifyThrottledError(`${operation} was refused by Shopify's rate limit (${result.reason}); nothing was changed`);
          throw new ShopifyOutcomeUnknownError(operation, result.reason);
        }
        const wait = result.retryAfterMs ?? backoff(attempt);
        if (Date.now() + wait > deadline) {
          if (result.notProcessed) throw new ShopifyThrottledError(`${result.reason} from Shopify, retry after ${Math.ceil(wait / 1000)} s is beyond the ${opts.maxWaitMs} ms budget`);
          if (isMutation) throw new ShopifyOutcomeUnknownError(operation, result.reason);
          throw new ShopifyUnavailableError(result.reason);
        }
        waitReason = 'budget';
        opts.onWait?.(wait, 'backoff');
        await sleep(wait);
      }
    },
  };
}

function timeoutAttempt(timeoutMs: number): Attempt {
  return { kind: 'retryable', reason: `no answer within ${timeoutMs} ms`, notProcessed: false, unhealthy: true };
}

function classify(response: ClientResponse<unknown>, cost: CostExtension | null): Attempt {
  const errors = response.errors;
  const graphQLErrors = errors?.graphQLErrors ?? [];
  if (graphQLErrors.some((e) => e.extensions?.code === 'THROTTLED')) return { kind: 'throttled', cost };
  if (response.data !== undefined && response.data !== null) {
    const fieldErrors = graphQLErrors.map((e) => ({ message: e.message, path: e.path, code: e.extensions?.code }));
    return { kind: 'ok', data: response.data, cost, fieldErrors };
  }
  const status = errors?.networkStatusCode;
  if (status === 401 || status === 403) {
    return { kind: 'fatal', error: new ShopifyUnavailableError(`the store refused the access token (HTTP ${status})`) };
  }
  if (status !== undefined && RETRYABLE_STATUS.has(status)) {
    const retryAfter = Number(errors?.response?.headers.get('Retry-After'));
    return {
      kind: 'retryable',
      reason: `HTTP ${status}`,
      // Shopify sends Retry-After in seconds.
      retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
      notProcessed: status === 429,
      unhealthy: status !== 429,
    };
  }
  if (graphQLErrors.length > 0) {
    const first = graphQLErrors[0]!;
    const code = first.extensions?.code;
    // Shopify reports its own transient failures as INTERNAL_SERVER_ERROR in a 200 answer: worth another try.
    if (code === 'INTERNAL_SERVER_ERROR') return { kind: 'retryable', reason: 'Shopify internal error', notProcessed: false, unhealthy: true };
    return { kind: 'fatal', error: new ShopifyUnavailableError(`Shopify refused the request${code ? ` (${code})` : ''}: ${first.message}`, code ? { shopifyCode: code } : {}) };
  }
  if (status !== undefined && status >= 400) {
    return { kind: 'fatal', error: new ShopifyUnavailableError(`HTTP ${status}`) };
  }
  // No status: the request never completed (refused, reset). A status with no data: unreadable body.
  const reason = status === undefined ? `network error: ${errors?.message ?? 'no response'}` : `unreadable response (HTTP ${status})`;
  return { kind: 'retryable', reason, notProcessed: false, unhealthy: true };
}

function outcomeOf(response: ClientResponse<unknown>): RequestEvent['outcome'] {
  const status = response.errors?.networkStatusCode;
  if (status === undefined) return 'network_error';
  if (status >= 400) return 'http_error';
  if (response.errors?.graphQLErrors?.length) return 'graphql_error';
  return 'malformed';
}

function readCost(extensions: unknown): CostExtension | null {
  const cost = (extensions as { cost?: CostExtension } | undefined)?.cost;
  if (!cost || typeof cost.requestedQueryCost !== 'number' || !cost.throttleStatus) return null;
  return cost;
}

/** Exponential backoff with jitter: 100 ms, 200 ms, 400 ms … capped at 2 s, each between half and all of it. */
function backoff(attempt: number): number {
  const cap = Math.min(2000, 100 * 2 ** (attempt - 1));
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}
