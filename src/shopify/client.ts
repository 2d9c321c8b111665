/**
 * The Shopify Admin client every gateway sends through: waits for the cost budget, passes the circuit breaker, retries
 * queries (and replay-safe mutations) within a deadline, sends other mutations once. What an answer means: ./answer.ts.
 */
import { createAdminApiClient, type ClientResponse } from '@shopify/admin-api-client';
import type { Logger } from '../logger.js';
import { ShopifyOutcomeUnknownError, ShopifyThrottledError, ShopifyUnavailableError } from '../errors.js';
import {
  backoff,
  classify,
  outcomeOf,
  readCost,
  timeoutAttempt,
  type Attempt,
  type CostExtension,
  type ShopifyFieldError,
} from './answer.js';
import type { CircuitBreaker } from './breaker.js';
import { LocalCostBudget, type CostBudget } from './budget.js';
import { CostEstimator } from './cost-learning.js';
import type { Limiter } from './request-scope.js';
import { endpointFetch, type StoreEndpoint } from './transport.js';

// Callers name these through the client, which hands them out.
export type { CostExtension, ShopifyFieldError } from './answer.js';

export interface ShopifyResponse<T> {
  data: T;
  cost: CostExtension | null;
  fieldErrors: ShopifyFieldError[];
}

export interface RequestOptions {
  /** For logs, metrics and the simulator's per-operation stats. */
  operationName: string;
  /** Our estimate of the requested cost, so we wait for the bucket instead of being refused (see ShopifyClient.estimate). */
  estimatedCost?: number;
  /**
   * Mutations are sent once: a lost answer may mean it happened. Set for mutations that carry Shopify's
   * @idempotent key, which makes a resend return the first result instead of acting again.
   */
  mutation?: { replaySafe: boolean };
  /** the incoming request's cap on Shopify calls in flight (see request-scope.ts); none = unlimited */
  limiter?: Limiter;
  /** the incoming operation's trace, handed down explicitly like the limiter (see request-scope.ts); none = untraced */
  trace?: ShopifyTrace;
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

/**
 * Where one incoming operation's Shopify attempts are traced: observability/tracing.ts implements it over
 * OpenTelemetry, so this folder names no tracing library. Absent when tracing is off, which costs one `?.` per attempt.
 */
export interface ShopifyTrace {
  /** Starts the span of one attempt (waiting for the breaker and the budget included); end it exactly once. */
  attempt(start: AttemptStart): AttemptSpan;
}

/** What is known of an attempt before it is sent. */
export interface AttemptStart {
  operation: string;
  mutation: boolean;
  attempt: number;
  /** the points this attempt takes from the budget: our estimate, or Shopify's requested cost after THROTTLED */
  estimatedCost: number;
  storeDomain: string;
}

/** One attempt's span; the first end (or abandon) counts, later calls are ignored. */
export interface AttemptSpan {
  /** The attempt was sent (or refused by the breaker): the event the metrics get, and the time it waited for budget. */
  end(event: RequestEvent, budgetWaitMs: number): void;
  /** The attempt was never sent: the budget would not hold it within the deadline, or waiting for it failed. */
  abandon(error: unknown): void;
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
  /** what this store charges, learned from its answers (./cost-learning.ts); default a new one: one per store */
  estimator?: CostEstimator;
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
  /**
   * The requested cost this store will charge for `document` with `variables`, as learned from its answers
   * (./cost-learning.ts): what requests wait for and what packing prices groups with. Throws for a document the cost
   * schema does not cover, as costOf does.
   */
  estimate(document: string, variables: Record<string, unknown>): number;
  request<T, V extends Record<string, unknown> = Record<string, unknown>>(
    document: string,
    variables: V,
    options: RequestOptions,
  ): Promise<ShopifyResponse<T>>;
}

/** The requested cost a MAX_COST_EXCEEDED refusal names in its error (`extensions.cost`), for an answer without `extensions.cost`. */
function refusedCost(response: ClientResponse<unknown>): number | undefined {
  const refusal = response.errors?.graphQLErrors?.find((e) => e.extensions?.code === 'MAX_COST_EXCEEDED');
  const cost = refusal?.extensions?.cost;
  return typeof cost === 'number' ? cost : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Creates the Shopify Admin client: budget-aware waits, bounded retries for queries, one send for mutations. */
export function createShopifyClient(opts: ShopifyClientOptions): ShopifyClient {
  return new AdminClient(opts);
}

/** One request() call as it goes through its attempts. */
interface Call {
  document: string;
  variables: Record<string, unknown>;
  options: RequestOptions;
  operation: string;
  isMutation: boolean;
  /** what the next attempt takes from the budget: our estimate, raised to what Shopify says after THROTTLED */
  cost: number;
  waitReason: 'budget' | 'throttled';
  /**
   * Set when the first attempt gets its place under the request's limit: waiting behind the same request's own
   * calls is not waiting for Shopify's budget, and must not turn a large request's later calls into THROTTLED.
   */
  deadline: number;
}

class AdminClient implements ShopifyClient {
  readonly endpoint: StoreEndpoint;
  readonly apiVersion: string;
  readonly budget: CostBudget;
  private readonly estimator: CostEstimator;
  private readonly admin: ReturnType<typeof createAdminApiClient>;
  /** An own property, not a method: wrappers that spread a client (`{ ...client, request }`) keep it. */
  readonly estimate: ShopifyClient['estimate'] = (document, variables) => this.estimator.estimate(document, variables);

  constructor(private readonly opts: ShopifyClientOptions) {
    this.endpoint = opts.endpoint;
    this.apiVersion = opts.apiVersion;
    this.budget = opts.budget ?? new LocalCostBudget();
    this.estimator = opts.estimator ?? new CostEstimator();
    this.admin = createAdminApiClient({
      storeDomain: opts.endpoint.storeDomain,
      apiVersion: opts.apiVersion,
      accessToken: opts.accessToken,
      // Our own retry loop below knows about THROTTLED and mutations; the client's own retries do not.
      retries: 0,
      customFetchApi: endpointFetch(opts.endpoint, opts.fetch ?? fetch),
    });
  }

  async request<T, V extends Record<string, unknown>>(
    document: string,
    variables: V,
    options: RequestOptions,
  ): Promise<ShopifyResponse<T>> {
    const isMutation = options.mutation !== undefined;
    const call: Call = {
      document,
      variables,
      options,
      operation: options.operationName,
      isMutation,
      cost: options.estimatedCost ?? (isMutation ? 10 : 1),
      waitReason: 'budget',
      deadline: 0,
    };
    for (let attempt = 1; ; attempt++) {
      // The budget wait is inside the limit too: a request's calls hold at most N places in the budget's queue,
      // so other requests' calls get their turn in between (see request-scope.ts).
      const attemptUnderLimit = () => this.attemptWithBudget(call, attempt);
      const result = await (options.limiter ? options.limiter.run(attemptUnderLimit) : attemptUnderLimit());
      if (result.kind === 'ok') return { data: result.data as T, cost: result.cost, fieldErrors: result.fieldErrors };
      if (result.kind === 'fatal') throw result.error;
      if (result.kind === 'throttled') await this.waitAfterThrottled(call, result);
      else await this.waitAfterFailure(call, result, attempt);
    }
  }

  /** Passes the breaker, waits for the budget to hold the call's cost, then sends it once. */
  private async attemptWithBudget(call: Call, attempt: number): Promise<Attempt> {
    const { operation, cost } = call;
    if (attempt === 1) call.deadline = Date.now() + this.opts.maxWaitMs;
    const span = call.options.trace?.attempt({
      operation,
      mutation: call.isMutation,
      attempt,
      estimatedCost: cost,
      storeDomain: this.endpoint.storeDomain,
    });
    try {
      this.admit(operation, attempt, span);
      // After THROTTLED the budget holds Shopify's level, so this wait is (requested − available) / restoreRate.
      const waited = await this.budget.take(cost, call.deadline);
      if (waited === null) {
        throw new ShopifyThrottledError(
          `${operation} needs ${cost} points and the budget would not hold them within ${this.opts.maxWaitMs} ms`,
        );
      }
      if (waited > 0) this.opts.onWait?.(waited, call.waitReason);
      return await this.attemptOnce(call.document, call.variables, operation, attempt, cost, { span, waited });
    } catch (error) {
      // Only attempts that never reached report() end here; the span ignores a second end.
      span?.abandon(error);
      throw error;
    }
  }

  /** Throws while the circuit is open, after reporting the refused attempt. */
  private admit(operation: string, attempt: number, span: AttemptSpan | undefined): void {
    try {
      this.opts.breaker?.admit();
    } catch (error) {
      this.report({ operation, attempt, durationMs: 0, outcome: 'breaker_open' }, span, 0);
      throw error;
    }
  }

  /** After THROTTLED: Shopify did not run it, so even a mutation may go again once the bucket can hold it. */
  private async waitAfterThrottled(call: Call, result: Extract<Attempt, { kind: 'throttled' }>): Promise<void> {
    // Wait for what Shopify says it costs.
    call.cost = Math.max(call.cost, result.cost?.requestedQueryCost ?? 0);
    call.waitReason = 'throttled';
    const status = result.cost?.throttleStatus;
    if (status && call.cost > status.maximumAvailable) {
      // No wait helps: the bucket can never hold this request.
      throw new ShopifyThrottledError(
        `${call.operation} needs ${call.cost} points, more than the store's bucket holds (${status.maximumAvailable})`,
      );
    }
    if (Date.now() >= call.deadline) throw new ShopifyThrottledError(`still throttled after ${this.opts.maxWaitMs} ms of waiting`);
    if (!result.cost) {
      if (Date.now() + 1000 > call.deadline) throw new ShopifyThrottledError(`still throttled after ${this.opts.maxWaitMs} ms of waiting`);
      this.opts.onWait?.(1000, 'throttled');
      await sleep(1000);
    }
  }

  /** After a retryable failure: backs off and lets a query (or a replay-safe mutation) go again, within the deadline. */
  private async waitAfterFailure(call: Call, result: Extract<Attempt, { kind: 'retryable' }>, attempt: number): Promise<void> {
    const { operation, isMutation } = call;
    if (isMutation && !call.options.mutation!.replaySafe) {
      // Without Shopify's idempotency key a mutation is sent once (issue #5): a 429 is known not to have run.
      if (result.notProcessed)
        throw new ShopifyThrottledError(`${operation} was refused by Shopify's rate limit (${result.reason}); nothing was changed`);
      throw new ShopifyOutcomeUnknownError(operation, result.reason);
    }
    const wait = result.retryAfterMs ?? backoff(attempt);
    if (Date.now() + wait > call.deadline) {
      if (result.notProcessed)
        throw new ShopifyThrottledError(
          `${result.reason} from Shopify, retry after ${Math.ceil(wait / 1000)} s is beyond the ${this.opts.maxWaitMs} ms budget`,
        );
      if (isMutation) throw new ShopifyOutcomeUnknownError(operation, result.reason);
      throw new ShopifyUnavailableError(result.reason);
    }
    call.waitReason = 'budget';
    this.opts.onWait?.(wait, 'backoff');
    await sleep(wait);
  }

  /** One HTTP attempt: sends, classifies the answer, settles the budget, reports, and tells the breaker. */
  private async attemptOnce(
    document: string,
    variables: Record<string, unknown>,
    operation: string,
    attempt: number,
    taken: number,
    trace: { span: AttemptSpan | undefined; waited: number },
  ): Promise<Attempt> {
    const started = performance.now();
    const signal = AbortSignal.timeout(this.opts.timeoutMs);
    let response: ClientResponse<unknown>;
    try {
      response = await this.admin.request(document, { variables, signal });
    } catch (error) {
      // request() returns errors as values; a throw here is a bug in the client or our fetch.
      response = { errors: { message: error instanceof Error ? error.message : String(error) } };
    }
    const durationMs = Math.round(performance.now() - started);
    // An error status leaves the body unread; drop it so the connection goes back to the pool.
    await response.errors?.response?.body?.cancel().catch(() => undefined);
    const cost = readCost(response.extensions);
    // Every answer that says what Shopify requested teaches the estimate: THROTTLED and MAX_COST_EXCEEDED ones too.
    const requested = cost?.requestedQueryCost ?? refusedCost(response);
    if (requested !== undefined) this.estimator.observe(document, variables, requested);
    let result = classify(response, cost);
    // The abort shows up as a network error or an unreadable body; name it for what it is.
    const timedOut = result.kind !== 'ok' && signal.aborted;
    if (timedOut) result = timeoutAttempt(this.opts.timeoutMs);
    // What we took but Shopify did not charge comes back: all of it when Shopify did not run the request, none of it
    // when we cannot know (no answer).
    const charged =
      result.kind === 'throttled' || (result.kind === 'retryable' && result.notProcessed)
        ? 0
        : cost
          ? (cost.actualQueryCost ?? cost.requestedQueryCost)
          : taken;
    await this.budget.settle(taken, cost?.throttleStatus ?? null, charged);
    this.report(
      {
        operation,
        attempt,
        durationMs,
        outcome: timedOut ? 'timeout' : result.kind === 'ok' ? 'ok' : result.kind === 'throttled' ? 'throttled' : outcomeOf(response),
        status: response.errors?.networkStatusCode,
        requestedCost: cost?.requestedQueryCost,
        actualCost: cost?.actualQueryCost,
        available: cost?.throttleStatus.currentlyAvailable,
      },
      trace.span,
      trace.waited,
    );
    this.tellBreaker(result);
    return result;
  }

  private tellBreaker(result: Attempt): void {
    const breaker = this.opts.breaker;
    if (!breaker) return;
    if (result.kind === 'ok') breaker.success();
    else if (result.kind === 'retryable' && result.unhealthy) breaker.failure();
    else breaker.neutral();
  }

  /** Feeds one attempt to the metrics, the log and (when traced) its span. */
  private report(event: RequestEvent, span: AttemptSpan | undefined, budgetWaitMs: number): void {
    span?.end(event, budgetWaitMs);
    this.opts.onRequest?.(event);
    const level = event.outcome === 'ok' ? 'info' : 'warn';
    this.opts.logger[level]({ shopify: event }, 'shopify request');
  }
}
