/**
 * Prometheus metrics, one registry per app (never prom-client's global one: tests build several apps in one
 * process, and two replicas in one test must not share counters). Label values are closed sets (operation names,
 * outcomes, field coordinates, configured store handles): never ids, emails or anything a caller controls. Every
 * Shopify-side metric carries the `store` it belongs to (its configured handle).
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
    labelNames: ['store', 'operation', 'outcome'] as const,
    registers: [registry],
  });
  const shopifyDuration = new Histogram({
    name: 'shopify_request_duration_seconds',
    help: 'Duration of one Shopify attempt',
    labelNames: ['store', 'operation'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const shopifyCost = new Counter({
    name: 'shopify_cost_points_total',
    help: 'Shopify query cost points: requested (reserved before running) and actual (charged)',
    labelNames: ['store', 'kind'] as const,
    registers: [registry],
  });
  const waits = new Counter({
    name: 'shopify_waits_total',
    help: 'Waits before a Shopify attempt: budget (bucket too low), throttled (after THROTTLED), backoff (after a failure)',
    labelNames: ['store', 'reason'] as const,
    registers: [registry],
  });
  const waitSeconds = new Counter({
    name: 'shopify_wait_seconds_total',
    help: 'Time spent in those waits',
    labelNames: ['store', 'reason'] as const,
    registers: [registry],
  });
  return {
    /** Feeds one Shopify attempt in `store` (its client's onRequest). */
    shopifyRequest(store: string, event: RequestEvent): void {
      const { operation, outcome } = event;
      shopifyRequests.inc({ store, operation, outcome });
      if (outcome !== 'breaker_open') shopifyDuration.observe({ store, operation }, event.durationMs / 1000);
      if (event.requestedCost != null) shopifyCost.inc({ store, kind: 'requested' }, event.requestedCost);
      if (event.actualCost != null) shopifyCost.inc({ store, kind: 'actual' }, event.actualCost);
    },
    /** Feeds one wait before a Shopify attempt in `store` (its client's onWait). */
    shopifyWait(store: string, ms: number, reason: string): void {
      waits.inc({ store, reason });
      waitSeconds.inc({ store, reason }, ms / 1000);
    },
  };
}

/** How profile reads reach Shopify: loader batch sizes, the customer cache, and emails left out of look-ups. */
function readMetrics(registry: Registry) {
  const batchSize = new Histogram({
    name: 'shopify_customer_batch_size',
    help: 'Profiles (distinct lookup targets) per customer loader batch, per store',
    labelNames: ['store'] as const,
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'shopify_cache_lookups_total',
    help: 'Customer cache lookups by result: hit (stored), coalesced (joined a Shopify load in flight), miss',
    labelNames: ['store', 'result'] as const,
    registers: [registry],
  });
  const cacheInvalidations = new Counter({
    name: 'shopify_cache_invalidations_total',
    help: 'Cache invalidations, by store and source (action, webhook)',
    labelNames: ['store', 'source'] as const,
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
    batch(store: string, size: number): void {
      batchSize.observe({ store }, size);
    },
    cache(store: string, result: 'hit' | 'miss' | 'coalesced', count = 1): void {
      if (count > 0) cacheLookups.inc({ store, result }, count);
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
    help: "Each store's circuit breaker in front of Shopify: 0 closed, 1 half-open, 2 open",
    labelNames: ['store'] as const,
    registers: [registry],
  });
  const breakerTransitions = new Counter({
    name: 'shopify_breaker_transitions_total',
    help: 'Circuit breaker state changes, by store and new state',
    labelNames: ['store', 'state'] as const,
    registers: [registry],
  });
  return {
    /** A store's breaker changed state (every store's is reported closed from the start: watchStore). */
    breaker(store: string, state: BreakerState): void {
      breakerState.set({ store }, BREAKER_VALUE[state]);
      breakerTransitions.inc({ store, state });
    },
    /** Starts reporting a store: its breaker closed until it says otherwise. */
    watchBreaker(store: string): void {
      breakerState.set({ store }, 0);
    },
  };
}

function webhookMetrics(registry: Registry) {
  const webhooks = new Counter({
    name: 'shopify_webhooks_total',
    help: 'Shopify webhook deliveries, by store (none when the shop is not served), topic and result (processed, duplicate, ignored, unauthorized, invalid, failed)',
    labelNames: ['store', 'topic', 'result'] as const,
    registers: [registry],
  });
  const subscriptionChecks = new Counter({
    name: 'shopify_webhook_subscription_checks_total',
    help: 'Checks of the webhook subscriptions at Shopify (PUBLIC_URL), by store and outcome (ok, created, incomplete, failed)',
    labelNames: ['store', 'outcome'] as const,
    registers: [registry],
  });
  const sources = new Map<string, () => { verified: boolean; ttlSeconds: number }>();
  const read = (set: (store: string, state: { verified: boolean; ttlSeconds: number }) => void) => {
    for (const [store, state] of sources) set(store, state());
  };
  new Gauge({
    name: 'shopify_webhooks_verified',
    help: "1 while a store's webhooks are verified as arriving (the long cache TTL applies), else 0; per process",
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      read((store, s) => this.set({ store }, s.verified ? 1 : 0));
    },
  });
  new Gauge({
    name: 'shopify_cache_ttl_seconds',
    help: "The cache TTL each store's entries get now: SHOPIFY_CACHE_TTL_WEBHOOKS_S while its webhooks are verified, else SHOPIFY_CACHE_TTL_S",
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      read((store, s) => this.set({ store }, s.ttlSeconds));
    },
  });
  return {
    webhooks,
    subscriptionChecks,
    /** Reports the store's webhook verification and cache TTL at every scrape. */
    watchWebhooks(store: string, state: () => { verified: boolean; ttlSeconds: number }): void {
      sources.set(store, state);
    },
  };
}

/** Each store's budget estimate, read at scrape time from what watchBudget was given (nothing until then). */
function budgetMetrics(registry: Registry) {
  const sources = new Map<string, () => ThrottleStatus | null>();
  new Gauge({
    name: 'shopify_budget_available_points',
    help: "Points each store's Shopify cost bucket is estimated to hold now",
    labelNames: ['store'] as const,
    registers: [registry],
    collect() {
      for (const [store, snapshot] of sources) {
        const s = snapshot();
        if (s) this.set({ store }, s.currentlyAvailable);
      }
    },
  });
  return {
    /** Reports the store's budget estimate at every scrape. */
    watchBudget(store: string, snapshot: () => ThrottleStatus | null): void {
      sources.set(store, snapshot);
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
