/**
 * Composition root: turns a Config into running collaborators (store, Shopify client, demo store when there are
 * no credentials) and the server. main.ts, the local supergraph and end-to-end tests all build through here.
 */
import type { Redis } from 'ioredis';
import { createAuthenticator } from './auth.js';
import { CachedCustomerSource } from './cache/customer-cache.js';
import { MemoryKv } from './cache/kv.js';
import { connectRedis, RedisKv } from './cache/redis-kv.js';
import { ConfigError, type Config } from './config.js';
import type { AppDeps } from './context.js';
import { DEFAULT_STORE_HANDLE } from './domain/stores.js';
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
import { parseStoreDomain } from './shopify/transport.js';
import { createStoreDirectory } from './shopify/shop.js';
import { openStore, type Store, type StoreOptions } from './store/index.js';
import { webhookRoute } from './webhooks/route.js';

export interface App {
  deps: AppDeps;
  server: SubgraphServer;
  /** this app's Prometheus registry and metrics */
  metrics: Metrics;
  /** the Shopify circuit breaker (readiness, tests) */
  breaker: CircuitBreaker;
  /** the cross-request customer cache; null when SHOPIFY_CACHE_TTL_S=0 */
  cache: CachedCustomerSource | null;
  /** set when the built-in demo store runs in this process */
  demoStore: { url: string; token: string } | null;
  /** this app's OpenTelemetry tracer provider; null (nothing loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT is set */
  tracing: Tracing | null;
  /** Stops the server (draining), then the demo store and the database, and last exports the remaining spans. */
  close(): Promise<void>;
}

export interface BuildOptions extends Omit<CreateServerOptions, 'tracing'> {
  /** overrides the store options derived from config (tests: an isolated PostgreSQL schema) */
  storeOptions?: StoreOptions;
  /** tests: an in-memory span exporter instead of OTLP (tracing is still on only when config sets an endpoint) */
  tracing?: TracingOptions;
}

/** Builds everything the subgraph needs from validated config; nothing listens yet. */
export async function buildApp(config: Config, logger: Logger, options: BuildOptions = {}): Promise<App> {
  assertServable(config);
  const closers: Closers = [];
  try {
    // First opened, so last closed: spans of requests drained at shutdown are still exported.
    const tracing = await tracingIfConfigured(config, logger, options.tracing, closers);
    const { shopify, demoStore } = await shopifyCredentials(config, logger, closers);
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
      // Keys name the store: one Redis can serve several stores (and test runs) without their buckets mixing.
      storeKey: `${config.redisKeyPrefix}${shopify.endpoint.storeDomain}:`,
    };
    const { client, breaker } = shopifyClient(wiring, shopify);
    const { customers, cache } = customerSource(wiring, client);
    const deps = appDeps(wiring, { store, client, customers, cache, domain: shopify.endpoint.storeDomain });
    const server = createServer(deps, {
      ...options,
      routes: [metricsRoute(wiring.metrics), ...(options.routes ?? []), ...webhookRoutes(wiring, deps, cache)],
      readiness: [...(options.readiness ?? []), ...readinessChecks(breaker, wiring.redis)],
      plugins: [observabilityPlugin(wiring.metrics, logger), ...(options.plugins ?? [])],
      fieldTimings: fieldTimings(wiring.metrics, logger),
      tracing,
    });
    await server.start();
    return {
      deps,
      server,
      metrics: wiring.metrics,
      breaker,
      cache,
      demoStore,
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

/**
 * What this version serves of a valid configuration: one store, auto-linking `first` or `off`. The stores file can
 * already describe several stores and the `unique` policy; refusing them at start, every problem listed, is better
 * than serving the first store only or linking by another rule than the one configured.
 */
function assertServable(config: Config): void {
  const problems: string[] = [];
  if (config.stores.length > 1) {
    problems.push(
      `SHOPIFY_STORES_FILE stores: lists ${config.stores.length} stores; this version serves one store per process (several at once are not available yet)`,
    );
  }
  config.stores.forEach((store, i) => {
    if (store.autoLink === 'unique') {
      problems.push(`SHOPIFY_STORES_FILE stores[${i}].autoLink: "unique" is not available yet; use "first" or "off"`);
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
}

/** What is shut down with the app, in reverse order of opening. */
type Closers = Array<() => Promise<void>>;

/** What every collaborator below is built from. */
interface Wiring {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** the shared Redis when REDIS_URL is set: budget and cache then span replicas */
  redis: Redis | null;
  /** prefix of this store's Redis keys */
  storeKey: string;
}

/** The configured store's credentials, or the built-in demo store's when there are none (started here). */
async function shopifyCredentials(
  config: Config,
  logger: Logger,
  closers: Closers,
): Promise<{ shopify: NonNullable<Config['shopify']>; demoStore: App['demoStore'] }> {
  if (config.shopify) return { shopify: config.shopify, demoStore: null };
  const { startSimulator } = await import('shopify-admin-simulator');
  const sim = await startSimulator({ port: 0, seed: config.demo.seed, customers: config.demo.customers });
  closers.push(() => sim.close());
  logger.warn(
    { demoStore: sim.url, customers: config.demo.customers, seed: config.demo.seed },
    'No Shopify credentials (SHOPIFY_STORE_DOMAIN, SHOPIFY_ADMIN_ACCESS_TOKEN): serving the built-in demo store (Shopify simulator)',
  );
  return {
    shopify: { endpoint: parseStoreDomain(sim.storeDomain), accessToken: sim.token, apiVersion: config.apiVersion },
    demoStore: { url: sim.url, token: sim.token },
  };
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

/** The Shopify client with its cost budget (shared through Redis when there is one) and circuit breaker. */
function shopifyClient({ config, logger, metrics, redis, storeKey }: Wiring, shopify: NonNullable<Config['shopify']>) {
  const breaker = new CircuitBreaker({
    ...config.breaker,
    onChange: (state) => {
      metrics.breaker(state);
      logger.warn({ breaker: state }, `Shopify circuit ${state.replace('_', '-')}`);
    },
  });
  const budget = redis ? new RedisCostBudget(redis, `${storeKey}budget`, logger) : new LocalCostBudget();
  metrics.watchBudget(() => budget.snapshot());
  const client = createShopifyClient({
    endpoint: shopify.endpoint,
    accessToken: shopify.accessToken,
    apiVersion: shopify.apiVersion,
    timeoutMs: config.timeoutMs,
    maxWaitMs: config.maxWaitMs,
    logger,
    budget,
    breaker,
    onRequest: (event) => metrics.shopifyRequest(event),
    onWait: (ms, reason) => metrics.shopifyWait(ms, reason),
  });
  return { client, breaker };
}

/** Customer data from Shopify, behind the cross-request cache unless SHOPIFY_CACHE_TTL_S=0. */
function customerSource({ config, logger, metrics, redis, storeKey }: Wiring, client: ShopifyClient) {
  const shopify = new ShopifyCustomerSource(client);
  if (config.cacheTtlSeconds <= 0) return { customers: shopify as CustomerSource, cache: null };
  const cache = new CachedCustomerSource(shopify, {
    kv: redis ? new RedisKv(redis, `${storeKey}cache:`) : new MemoryKv(config.cacheMaxEntries),
    ttlMs: config.cacheTtlSeconds * 1000,
    logger,
    onLookup: (result, count) => metrics.cache(result, count),
  });
  return { customers: cache as CustomerSource, cache };
}

/** The request handlers' collaborators (see context.ts). */
function appDeps(
  { config, logger, metrics }: Wiring,
  parts: { store: Store; client: ShopifyClient; customers: CustomerSource; cache: CachedCustomerSource | null; domain: string },
): AppDeps {
  // One store per process for now (assertServable): the configured one, or the built-in demo store.
  const served = config.stores[0];
  const storeHandle = served?.handle ?? DEFAULT_STORE_HANDLE;
  return {
    config,
    store: parts.store,
    storeHandle,
    stores: createStoreDirectory([
      { handle: storeHandle, name: served?.name ?? 'Demo store', domain: parts.domain, shopify: parts.client },
    ]),
    shopify: parts.client,
    customers: measureBatches(parts.customers, (size) => metrics.batch(size)),
    authenticate: createAuthenticator(config.auth),
    logger,
    async invalidate(ids) {
      metrics.cacheInvalidations.inc({ source: 'action' });
      await parts.cache?.invalidate(ids);
    },
    onEmailsIgnored: (count) => metrics.profileEmailsIgnored.inc(count),
  };
}

/**
 * The webhook endpoint, when a served store has a webhook secret (its stores-file entry, or SHOPIFY_WEBHOOK_SECRET):
 * deliveries are routed by X-Shopify-Shop-Domain to that store, verified with its secret, and invalidate the cache.
 */
function webhookRoutes({ config, logger, metrics }: Wiring, deps: AppDeps, cache: CachedCustomerSource | null) {
  const shops = deps.stores.stores.flatMap((served) => {
    // The demo store has no stores-file entry: SHOPIFY_WEBHOOK_SECRET is its secret.
    const secret = config.stores.length > 0 ? config.stores.find((s) => s.handle === served.handle)?.webhookSecret : config.webhookSecret;
    return secret ? [{ store: served.handle, domain: served.domain, secret }] : [];
  });
  if (shops.length === 0) return [];
  return [
    webhookRoute({
      shops,
      events: deps.store.webhookEvents,
      invalidate: async (what) => {
        metrics.cacheInvalidations.inc({ source: 'webhook' });
        await cache?.invalidate(what);
      },
      logger,
      onDelivery: (topic, result) => metrics.webhooks.inc({ topic, result }),
    }),
  ];
}

/** Not ready while the Shopify circuit is open, or while Redis (when used) does not answer. */
function readinessChecks(breaker: CircuitBreaker, redis: Redis | null): NonNullable<CreateServerOptions['readiness']> {
  return [
    () => {
      if (breaker.state === 'open') throw new Error('the Shopify circuit is open after repeated failures');
    },
    ...(redis ? [async () => void (await redis.ping())] : []),
  ];
}
