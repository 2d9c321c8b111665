/**
 * What an answer from the Admin API means for the request that got it: the cost Shopify reports, and whether the
 * attempt succeeded, was throttled, is worth another try (and whether Shopify certainly did not run it), or is final.
 * ./client.ts decides what to do next from these; nothing here waits or sends.
 */
import type { ClientResponse } from '@shopify/admin-api-client';
import { ShopifyUnavailableError, type AppError } from '../errors.js';
import type { ThrottleStatus } from './budget.js';
import type { RequestEvent } from './client.js';

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

/** HTTP statuses worth another try: rate limited (429) or a transient server failure. */
const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

/** What one HTTP attempt came to, as the retry loop in ./client.ts decides on it. */
export type Attempt =
  | { kind: 'ok'; data: unknown; cost: CostExtension | null; fieldErrors: ShopifyFieldError[] }
  | { kind: 'throttled'; cost: CostExtension | null }
  /** notProcessed: Shopify certainly did not run it (429); health: whether it says Shopify is unwell (breaker) */
  | { kind: 'retryable'; reason: string; retryAfterMs?: number; notProcessed: boolean; unhealthy: boolean }
  | { kind: 'fatal'; error: AppError };

/** The attempt that got no answer within the timeout: worth another try, and a sign Shopify is unwell. */
export function timeoutAttempt(timeoutMs: number): Attempt {
  return { kind: 'retryable', reason: `no answer within ${timeoutMs} ms`, notProcessed: false, unhealthy: true };
}

/** What one answer means: data (maybe with field errors), THROTTLED, worth another try, or final. */
export function classify(response: ClientResponse<unknown>, cost: CostExtension | null): Attempt {
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
    if (code === 'INTERNAL_SERVER_ERROR')
      return { kind: 'retryable', reason: 'Shopify internal error', notProcessed: false, unhealthy: true };
    return {
      kind: 'fatal',
      error: new ShopifyUnavailableError(
        `Shopify refused the request${code ? ` (${code})` : ''}: ${first.message}`,
        code ? { shopifyCode: code } : {},
      ),
    };
  }
  if (status !== undefined && status >= 400) {
    return { kind: 'fatal', error: new ShopifyUnavailableError(`HTTP ${status}`) };
  }
  // No status: the request never completed (refused, reset). A status with no data: unreadable body.
  const reason = status === undefined ? `network error: ${errors?.message ?? 'no response'}` : `unreadable response (HTTP ${status})`;
  return { kind: 'retryable', reason, notProcessed: false, unhealthy: true };
}

/** How a failed attempt is reported in logs and metrics. */
export function outcomeOf(response: ClientResponse<unknown>): RequestEvent['outcome'] {
  const status = response.errors?.networkStatusCode;
  if (status === undefined) return 'network_error';
  if (status >= 400) return 'http_error';
  if (response.errors?.graphQLErrors?.length) return 'graphql_error';
  return 'malformed';
}

/** Shopify's cost report, when the answer carries a well-formed one. */
export function readCost(extensions: unknown): CostExtension | null {
  const cost = (extensions as { cost?: CostExtension } | undefined)?.cost;
  if (!cost || typeof cost.requestedQueryCost !== 'number' || !cost.throttleStatus) return null;
  return cost;
}

/** Exponential backoff with jitter: 100 ms, 200 ms, 400 ms … capped at 2 s, each between half and all of it. */
export function backoff(attempt: number): number {
  const cap = Math.min(2000, 100 * 2 ** (attempt - 1));
  return Math.round(cap / 2 + Math.random() * (cap / 2));
}
