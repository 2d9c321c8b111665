/**
 * Prometheus metrics, one registry per app (never prom-client's global one: tests build several apps in one
 * process, and two replicas in one test must not share counters). Label values are closed sets (operation names,
 * outcomes, field coordinates): never ids, emails or anything a caller controls.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../http.js';
import type { BreakerState } from '../shopify/breaker.js';
import type { ThrottleStatus } from '../shopify/budget.js';
import type { RequestEvent } from '../shopify/client.js';

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** Creates the app's registry and every metric the subgraph reports (registered in this order, group by group). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ...shopifyMetrics(registry),
    ...readMetrics(registry),
    ...graphqlMetrics(registry),
    ...breakerMetrics(registry),
    ...webhookMetrics(registry),
    ...budgetMetrics(registry),
  };
}

/** Shopify attempts, their duration and cost, and the waits before them (fed by the client's hooks). */
function shopifyMetrics(registry: Registry) {
  const shopifyRequests = new Counter({
    name: 'shopify_requests_total',
    help: 'Shopify Admin API attempts, by operation and outcome (ok, throttled, http_error, network_error, timeout, malformed, breaker_open, …)',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const shopifyDuration = new Histogram({
    name: 'shopify_request_duration_seconds',
    help: 'Duration of one Shopify attempt',
    labelNames: ['operation'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const shopifyCost = new Counter({
    name: 'shopify_cost_points_total',
    help: 'Shopify query cost points: requested (reserved before running) and actual (charged)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const waits = new Counter({
    name: 'shopify_waits_total',
    help: 'Waits before a Shopify attempt: budget (bucket too low), throttled (after THROTTLED), backoff (after a failure)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const waitSeconds = new Counter({
    name: 'shopify_wait_seconds_total',
    help: 'Time spent in those waits',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    /** Feeds one Shopify attempt (client onRequest). */
    shopifyRequest(event: RequestEvent): void {
      shopifyRequests.inc({ operation: event.operation, outcome: event.outcome });
      if (event.outcome !== 'breaker_open') shopifyDuration.observe({ operation: event.operation }, event.durationMs / 1000);
      if (event.requestedCost != null) shopifyCost.inc({ kind: 'requested' }, event.requestedCost);
      if (event.actualCost != null) shopifyCost.inc({ kind: 'actual' }, event.actualCost);
    },
    /** Feeds one wait (client onWait). */
    shopifyWait(ms: number, reason: string): void {
      waits.inc({ reason });
      waitSeconds.inc({ reason }, ms / 1000);
    },
  };
}

/** How profile reads reach Shopify: loader batch sizes, the customer cache, and emails left out of look-ups. */
function readMetrics(registry: Registry) {
  const batchSize = new Histogram({
    name: 'shopify_customer_batch_size',
    help: 'Profiles (distinct lookup targets) per customer loader batch',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'shopify_cache_lookups_total',
    help: 'Customer cache lookups by result: hit (stored), coalesced (joined a Shopify load in flight), miss',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const cacheInvalidations = new Counter({
    name: 'shopify_cache_invalidations_total',
    help: 'Cache invalidations, by source (action, webhook)',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const profileEmailsIgnored = new Counter({
    name: 'shopify_profile_emails_ignored_total',
    help: 'Profile emails not looked up in Shopify: not a plain address, repeated, or beyond SHOPIFY_MAX_EMAILS_PER_PROFILE',
    registers: [registry],
  });
  return {
    cacheInvalidations,
    profileEmailsIgnored,
    batch(size: number): void {
      batchSize.observe(size);
    },
    cache(result: 'hit' | 'miss' | 'coalesced', count = 1): void {
      if (count > 0) cacheLookups.inc({ result }, count);
    },
  };
}

/** Operations served and the time spent in this subgraph's resolvers. */
function graphqlMetrics(registry: Registry) {
  const resolverDuration = new Histogram({
    name: 'graphql_resolver_duration_seconds',
    help: "Duration of resolvers of this subgraph's fields (Type.field)",
    labelNames: ['field'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const operations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL operations served, by type and whether the response carried errors',
    labelNames: ['type', 'result'] as const,
    registers: [registry],
  });
  return {
    resolver(field: string, seconds: number): void {
      resolverDuration.observe({ field }, seconds);
    },
    operation(type: string, ok: boolean): void {
      operations.inc({ type, result: ok ? 'ok' : 'errors' });
    },
  };
}

/** The circuit breaker's state (a gauge, closed at start) and its transitions. */
function breakerMetrics(registry: Registry) {
  const breakerState = new Gauge({
    name: 'shopify_breaker_state',
    help: 'Circuit breaker in front of Shopify: 0 closed, 1 half-open, 2 open',
    registers: [registry],
  });
  breakerState.set(0);
  const breakerTransitions = new Counter({
    name: 'shopify_breaker_transitions_total',
    help: 'Circuit breaker state changes, by new state',
    labelNames: ['state'] as const,
    registers: [registry],
  });
  return {
    breaker(state: BreakerState): void {
      breakerState.set(BREAKER_VALUE[state]);
      breakerTransitions.inc({ state });
    },
  };
}

function webhookMetrics(registry: Registry) {
  const webhooks = new Counter({
    name: 'shopify_webhooks_total',
    help: 'Shopify webhook deliveries, by topic and result (processed, duplicate, ignored, unauthorized, invalid, failed)',
    labelNames: ['topic', 'result'] as const,
    registers: [registry],
  });
  return { webhooks };
}

/** The budget's estimate, read at scrape time from whatever watchBudget was given (nothing until then). */
function budgetMetrics(registry: Registry) {
  let budgetSource: (() => ThrottleStatus | null) | null = null;
  new Gauge({
    name: 'shopify_budget_available_points',
    help: 'Points the Shopify cost bucket is estimated to hold now',
    registers: [registry],
    collect() {
      const s = budgetSource?.();
      if (s) this.set(s.currentlyAvailable);
    },
  });
  return {
    /** Reports the budget's estimate at every scrape. */
    watchBudget(snapshot: () => ThrottleStatus | null): void {
      budgetSource = snapshot;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** GET /metrics in Prometheus text format. */
export function metricsRoute(metrics: Metrics): Route {
  return {
    method: 'GET',
    path: '/metrics',
    async handle(_req: IncomingMessage, res: ServerResponse) {
      const body = await metrics.registry.metrics();
      res.statusCode = 200;
      res.setHeader('content-type', metrics.registry.contentType);
      res.end(body);
    },
  };
}
