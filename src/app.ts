/**
 * Composition root: turns a Config into running collaborators (the database, and for each served store its Shopify
 * client, budget, breaker and cache; the two demo stores when none is configured) and the server. main.ts, the local supergraph and end-to-end tests all build through here.
 */
import type { Redis } from 'ioredis';
import { startRefundRequestSweep } from './actions/refund-approval-expiry.js';
import { createAuthenticator } from './auth.js';
import { CachedCustomerSource } from './cache/customer-cache.js';
import { MemoryKv } from './cache/kv.js';
import { connectRedis, RedisKv } from './cache/redis-kv.js';
import type { Config, StoreConfig } from './config.js';
import type { AppDeps, ServedStore } from './context.js';
import type { StoreHandle } from './domain/stores.js';
import type { Logger } from './logger.js';
import { measureBatches } from './observability/batch.js';
import { createMetrics, metricsRoute, type Metrics } from './observability/metrics.js';
import { fieldTimings, observabilityPlugin } from './observability/plugin.js';
import { startTracing, type Tracing, type TracingOptions } from './observability/tracing.js';
import { createServer, type CreateServerOptions, type SubgraphServer } from './server.js';
import { CircuitBreaker } from './shopify/breaker.js';
import { LocalCostBudget } from './shopify/budget.js';
import { createShopifyClient, type ShopifyClient } from './shopify/client.js';
import { ShopifyCustomerSource, type CustomerSource } from './shopify/customers.js';
import { RedisCostBudget } from './shopify/redis-budget.js';
import { costSchema } from './shopify/schema.js';
import { createStoreDirectory } from './shopify/shop.js';
import { startDemoStores } from './demo-stores.js';
import { openStore, type Store, type StoreOptions } from './store/index.js';
import { webhookRoute } from './webhooks/route.js';
import { storeWebhooks, type StoreWebhooks } from './webhooks/runtime.js';

export interface App {
  deps: AppDeps;
  server: SubgraphServer;
  /** this app's Prometheus registry and metrics */
  metrics: Metrics;
  /** each served store's circuit breaker and cache (null when SHOPIFY_CACHE_TTL_S=0), in config order */
  stores: ReadonlyArray<StoreParts>;
  /** the built-in demo stores running in this process (none when stores are configured) */
  demoStores: DemoStore[];
  /** this app's OpenTelemetry tracer provider; null (nothing loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT is set */
  tracing: Tracing | null;
  /** Stops the server (draining), then the demo stores and the database, and last exports the remaining spans. */
  close(): Promise<void>;
}

/** What the app keeps of one served store besides what requests use (readiness, tests). */
export interface StoreParts {
  handle: StoreHandle;
  breaker: CircuitBreaker;
  /** the store's own cross-request customer cache; null when SHOPIFY_CACHE_TTL_S=0 */
  cache: CachedCustomerSource | null;
  /** whether its webhooks are verified (its cache TTL) and, with PUBLIC_URL, its subscription manager */
  webhooks: StoreWebhooks;
}

/** A built-in demo store: the Shopify simulator, started in-process when no store is configured. */
export interface DemoStore {
  handle: StoreHandle;
  url: string;
  token: string;
}

export interface BuildOptions extends Omit<CreateServerOptions, 'tracing'> {
  /** overrides the store options derived from config (tests: an isolated PostgreSQL schema) */
  storeOptions?: StoreOptions;
  /** tests: an in-memory span exporter instead of OTLP (tracing is still on only when config sets an endpoint) */
  tracing?: TracingOptions;
  /** tests: the clock the caches and the webhook health read (ms); default Date.now */
  clock?: () => number;
}

/** Builds everything the subgraph needs from validated config; nothing listens yet. */
export async function buildApp(config: Config, logger: Logger, options: BuildOptions = {}): Promise<App> {
  const closers: Closers = [];
  try {
    // First opened, so last closed: spans of requests drained at shutdown are still exported.
    const tracing = await tracingIfConfigured(config, logger, options.tracing, closers);
    const { stores, demoStores } = await servedStores(config, logger, closers);
    // The cut schema that packing prices requests against (~20 ms to build): at boot, not in the first request.
    costSchema();
    const store = await openStore(options.storeOptions ?? { databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
    closers.push(() => store.close());
    if (config.auth.mode === 'none') {
      logger.warn('AUTH_MODE=none: agent tokens are not checked and every caller has every scope');
    }
    const wiring: Wiring = {
      config,
      logger,
      metrics: createMetrics(),
      redis: await redisIfConfigured(config, logger, closers),
      clock: options.clock,
    };
    const built = stores.map((s) => storeRuntime(wiring, s));
    const deps = appDeps(wiring, store, built);
    const server = createServer(deps, {
      ...options,
      routes: [metricsRoute(wiring.metrics), ...(options.routes ?? []), ...webhookRoutes(wiring, deps, built)],
      readiness: [...(options.readiness ?? []), ...readinessChecks(built, wiring.redis)],
      storeStatus: () => Object.fromEntries(built.map((b) => [b.parts.handle, { circuit: b.parts.breaker.state }])),
      plugins: [observabilityPlugin(wiring.metrics, logger), ...(options.plugins ?? [])],
      fieldTimings: fieldTimings(wiring.metrics, logger),
      tracing,
    });
    await server.start();
    // Periodic upkeep of the database: refund requests nobody decided in time expire, each audited once (idempotency
    // keys are purged by the actions themselves, idempotency.ts maybePurge).
    const stopSweep = startRefundRequestSweep(deps);
    closers.push(async () => stopSweep());
    for (const b of built) {
      b.parts.webhooks.start();
      closers.push(() => b.parts.webhooks.stop());
    }
    return {
      deps,
      server,
      metrics: wiring.metrics,
      stores: built.map((b) => b.parts),
      demoStores,
      tracing,
      async close() {
        await server.stop();
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

/** What is shut down with the app, in reverse order of opening. */
type Closers = Array<() => Promise<void>>;

/** What every collaborator below is built from. */
interface Wiring {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** the shared Redis when REDIS_URL is set: budgets and caches then span replicas */
  redis: Redis | null;
  clock: (() => number) | undefined;
}

/** The configured stores, or, when there are none, the two built-in demo stores (demo-stores.ts), started here. */
async function servedStores(config: Config, logger: Logger, closers: Closers): Promise<{ stores: StoreConfig[]; demoStores: DemoStore[] }> {
  if (config.stores.length > 0) return { stores: config.stores, demoStores: [] };
  const { seed, customers } = config.demo;
  const demo = await startDemoStores({
    seed,
    customers,
    apiVersion: config.apiVersion,
    webhookSecret: config.webhookSecret ?? null,
    autoLink: config.autoLink,
  });
  for (const d of demo) closers.push(() => d.simulator.close());
  const demoStores = demo.map((d) => ({ handle: d.handle, url: d.simulator.url, token: d.simulator.token }));
  logger.warn(
    { demoStores: demoStores.map(({ handle, url }) => ({ handle, url })), customers, seed },
    'No Shopify credentials (SHOPIFY_STORE_DOMAIN, SHOPIFY_ADMIN_ACCESS_TOKEN, SHOPIFY_STORES_FILE): serving the two built-in demo stores (Shopify simulators)',
  );
  return { stores: demo.map((d) => d.config), demoStores };
}

/** OpenTelemetry tracing when OTEL_EXPORTER_OTLP_ENDPOINT is set (flushed and stopped with the app); null otherwise. */
async function tracingIfConfigured(
  config: Config,
  logger: Logger,
  options: TracingOptions | undefined,
  closers: Closers,
): Promise<Tracing | null> {
  const tracing = await startTracing(config.tracing, logger, options);
  if (!tracing) return null;
  closers.push(() => tracing.shutdown());
  // The origin only: a collector URL may carry credentials in its user info or query.
  logger.info(
    { tracing: { collector: new URL(config.tracing.endpoint!).origin, service: config.tracing.serviceName } },
    'OpenTelemetry tracing on',
  );
  return tracing;
}

/** The Redis connection when REDIS_URL is set, closed with the app; null otherwise. */
async function redisIfConfigured(config: Config, logger: Logger, closers: Closers): Promise<Redis | null> {
  if (!config.redisUrl) return null;
  const redis = await connectRedis(config.redisUrl, logger);
  closers.push(async () => void (await redis.quit().catch(() => redis.disconnect())));
  return redis;
}

/** One served store, built: what requests use (ServedStore) and what the app keeps (StoreParts). */
interface BuiltStore {
  served: ServedStore;
  parts: StoreParts;
  /** the store's webhook secret; null when its webhooks cannot be verified (and are refused) */
  webhookSecret: string | null;
}

/**
 * One store's runtime: its own Shopify client with its own cost budget (shared through Redis between replicas, keyed
 * by the store's domain: Shopify's bucket is per shop) and circuit breaker, and its own cache namespace; every metric
 * it feeds names it.
 */
function storeRuntime({ config, logger, metrics, redis, clock }: Wiring, store: StoreConfig): BuiltStore {
  const { handle } = store;
  const domain = store.endpoint.storeDomain;
  const storeKey = `${config.redisKeyPrefix}${domain}:`;
  const storeLogger = logger.child({ store: handle });
  metrics.watchBreaker(handle);
  const breaker = new CircuitBreaker({
    ...config.breaker,
    onChange: (state) => {
      metrics.breaker(handle, state);
      storeLogger.warn({ breaker: state }, `Shopify circuit ${state.replace('_', '-')} (store ${handle})`);
    },
  });
  const budget = redis ? new RedisCostBudget(redis, `${storeKey}budget`, storeLogger) : new LocalCostBudget();
  metrics.watchBudget(handle, () => budget.snapshot());
  const client = createShopifyClient({
    endpoint: { ...store.endpoint, handle },
    accessToken: store.accessToken,
    apiVersion: store.apiVersion,
    timeoutMs: config.timeoutMs,
    maxWaitMs: config.maxWaitMs,
    logger: storeLogger,
    budget,
    breaker,
    onRequest: (event) => metrics.shopifyRequest(handle, event),
    onWait: (ms, reason) => metrics.shopifyWait(handle, ms, reason),
  });
  const shopify = new ShopifyCustomerSource(client);
  const webhooks = storeWebhooksOf({ config, logger: storeLogger, metrics, clock }, store, () => served.shopify);
  const cache =
    config.cacheTtlSeconds <= 0
      ? null
      : new CachedCustomerSource(shopify, {
          kv: redis ? new RedisKv(redis, `${storeKey}cache:`) : new MemoryKv(config.cacheMaxEntries),
          ttlMs: webhooks.ttlMs,
          logger: storeLogger,
          onLookup: (result, count) => metrics.cache(handle, result, count),
          now: clock,
        });
  const customers: CustomerSource = cache ?? shopify;
  const served: ServedStore = {
    model: { handle, name: store.name, domain },
    actions: store.actions,
    autoLink: store.autoLink,
    shopify: client,
    customers: measureBatches(customers, (size) => metrics.batch(handle, size)),
    async invalidate(ids) {
      metrics.cacheInvalidations.inc({ store: handle, source: 'action' });
      // Shopify answers our cancel or refund with webhooks: one that never comes ends the long TTL (health.ts).
      webhooks.health.expect(ids.orderIds ?? []);
      await cache?.invalidate(ids);
    },
  };
  return { served, parts: { handle, breaker, cache, webhooks }, webhookSecret: store.webhookSecret };
}

/** A store's webhook runtime (webhooks/runtime.ts), reported in /metrics. */
function storeWebhooksOf(
  { config, logger, metrics, clock }: Pick<Wiring, 'config' | 'logger' | 'metrics' | 'clock'>,
  store: StoreConfig,
  client: () => ShopifyClient,
): StoreWebhooks {
  const webhooks = storeWebhooks({
    webhooks: config.webhooks,
    shortTtlSeconds: config.cacheTtlSeconds,
    hasSecret: store.webhookSecret !== null,
    client,
    logger,
    onCheck: (result) => metrics.subscriptionChecks.inc({ store: store.handle, outcome: result.outcome }),
    now: clock,
  });
  metrics.watchWebhooks(store.handle, () => {
    const verified = webhooks.health.verified();
    return { verified, ttlSeconds: config.cacheTtlSeconds <= 0 ? 0 : webhooks.ttlMs() / 1000 };
  });
  return webhooks;
}

/** The request handlers' collaborators (see context.ts). */
function appDeps({ config, logger, metrics }: Wiring, store: Store, built: readonly BuiltStore[]): AppDeps {
  const served = built.map((b) => b.served);
  return {
    config,
    store,
    stores: createStoreDirectory(served.map((s) => ({ ...s.model, shopify: s.shopify }))),
    served,
    authenticate: createAuthenticator(config.auth),
    logger,
    onEmailsIgnored: (count) => metrics.profileEmailsIgnored.inc(count),
  };
}

/**
 * The webhook endpoint, when a served store has a webhook secret (its stores-file entry, or SHOPIFY_WEBHOOK_SECRET):
 * deliveries are routed by X-Shopify-Shop-Domain to that store, verified with its secret, and invalidate that store's
 * cache only.
 */
function webhookRoutes({ logger, metrics }: Wiring, deps: AppDeps, built: readonly BuiltStore[]) {
  const shops = built.flatMap((b) =>
    b.webhookSecret ? [{ store: b.parts.handle, domain: b.served.model.domain, secret: b.webhookSecret }] : [],
  );
  if (shops.length === 0) return [];
  const caches = new Map(built.map((b) => [b.parts.handle, b.parts.cache]));
  const healths = new Map(built.map((b) => [b.parts.handle, b.parts.webhooks.health]));
  return [
    webhookRoute({
      shops,
      events: deps.store.webhookEvents,
      invalidate: async (store, what) => {
        metrics.cacheInvalidations.inc({ store, source: 'webhook' });
        await caches.get(store)?.invalidate(what);
      },
      logger,
      onSigned: (store, orderIds) => healths.get(store)?.delivered(orderIds),
      onDelivery: (store, topic, result) => metrics.webhooks.inc({ store: store ?? 'none', topic, result }),
    }),
  ];
}

/**
 * Not ready while every store's Shopify circuit is open (a replica that can reach no store serves nothing), or while
 * Redis (when used) does not answer. One store down leaves the replica ready for the others: every replica shares
 * that store's state, so taking them all out would turn one store's outage into the whole desk's. /readyz reports
 * each store's circuit.
 */
function readinessChecks(built: readonly BuiltStore[], redis: Redis | null): NonNullable<CreateServerOptions['readiness']> {
  return [
    () => {
      if (built.every((b) => b.parts.breaker.state === 'open')) {
        throw new Error(
          built.length === 1
            ? 'the Shopify circuit is open after repeated failures'
            : "every store's Shopify circuit is open after repeated failures",
        );
      }
    },
    ...(redis ? [async () => void (await redis.ping())] : []),
  ];
}
