/**
 * Composition root: turns a Config into running collaborators (store, Shopify client, demo store when there are
 * no credentials) and the server. main.ts, the local supergraph and end-to-end tests all build through here.
 */
import type { Redis } from 'ioredis';
import { createAuthenticator } from './auth.js';
import { CachedCustomerSource } from './cache/customer-cache.js';
import { MemoryKv } from './cache/kv.js';
import { connectRedis, RedisKv } from './cache/redis-kv.js';
import type { Config } from './config.js';
import type { AppDeps } from './context.js';
import type { Logger } from './logger.js';
import { measureBatches } from './observability/batch.js';
import { createMetrics, metricsRoute, type Metrics } from './observability/metrics.js';
import { observabilityPlugin } from './observability/plugin.js';
import { createServer, type CreateServerOptions, type SubgraphServer } from './server.js';
import { CircuitBreaker } from './shopify/breaker.js';
import { LocalCostBudget } from './shopify/budget.js';
import { createShopifyClient } from './shopify/client.js';
import { ShopifyCustomerSource, type CustomerSource } from './shopify/customers.js';
import { RedisCostBudget } from './shopify/redis-budget.js';
import { loadAdminSchema } from './shopify/schema.js';
import { parseStoreDomain } from './shopify/transport.js';
import { openStore, type StoreOptions } from './store/index.js';
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
  /** Stops the server (draining), then the demo store and the database. */
  close(): Promise<void>;
}

export interface BuildOptions extends CreateServerOptions {
  /** overrides the store options derived from config (tests: an isolated PostgreSQL schema) */
  storeOptions?: StoreOptions;
}

/** Builds everything the subgraph needs from validated config; nothing listens yet. */
export async function buildApp(config: Config, logger: Logger, options: BuildOptions = {}): Promise<App> {
  const closers: Array<() => Promise<void>> = [];
  try {
    let shopify = config.shopify;
    let demoStore: App['demoStore'] = null;
    if (!shopify) {
      const { startSimulator } = await import('shopify-admin-simulator');
      const sim = await startSimulator({ port: 0, seed: config.demo.seed, customers: config.demo.customers });
      closers.push(() => sim.close());
      shopify = { endpoint: parseStoreDomain(sim.storeDomain), accessToken: sim.token, apiVersion: config.apiVersion };
      demoStore = { url: sim.url, token: sim.token };
      logger.warn(
        { demoStore: sim.url, customers: config.demo.customers, seed: config.demo.seed },
        'No Shopify credentials (SHOPIFY_STORE_DOMAIN, SHOPIFY_ADMIN_ACCESS_TOKEN): serving the built-in demo store (Shopify simulator)',
      );
    }
    // Built once at boot so the first profile request does not pay ~250 ms to build the 3,500-type Admin schema
    // that packing prices requests against.
    loadAdminSchema();
    const store = await openStore(options.storeOptions ?? { databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
    closers.push(() => store.close());
    if (config.auth.mode === 'none') {
      logger.warn('AUTH_MODE=none: agent tokens are not checked and every caller has every scope');
    }
    const metrics = createMetrics();
    let redis: Redis | null = null;
    if (config.redisUrl) {
      const connected = await connectRedis(config.redisUrl, logger);
      redis = connected;
      closers.push(async () => void (await connected.quit().catch(() => connected.disconnect())));
    }
    // Keys name the store: one Redis can serve several stores (and test runs) without their buckets mixing.
    const storeKey = `${config.redisKeyPrefix}${shopify.endpoint.storeDomain}:`;
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
    let customers: CustomerSource = new ShopifyCustomerSource(client);
    let cache: CachedCustomerSource | null = null;
    if (config.cacheTtlSeconds > 0) {
      cache = new CachedCustomerSource(customers, {
        kv: redis ? new RedisKv(redis, `${storeKey}cache:`) : new MemoryKv(config.cacheMaxEntries),
        ttlMs: config.cacheTtlSeconds * 1000,
        logger,
        onLookup: (result, count) => metrics.cache(result, count),
      });
      customers = cache;
    }
    const deps: AppDeps = {
      config,
      store,
      shopify: client,
      customers: measureBatches(customers, (size) => metrics.batch(size)),
      authenticate: createAuthenticator(config.auth),
      logger,
      async invalidate(ids) {
        metrics.cacheInvalidations.inc({ source: 'action' });
        await cache?.invalidate(ids);
      },
      onEmailsIgnored: (count) => metrics.profileEmailsIgnored.inc(count),
    };
    const routes = [metricsRoute(metrics), ...(options.routes ?? [])];
    if (config.webhookSecret) {
      routes.push(webhookRoute({
        secret: config.webhookSecret,
        events: store.webhookEvents,
        invalidate: async (what) => {
          metrics.cacheInvalidations.inc({ source: 'webhook' });
          await cache?.invalidate(what);
        },
        logger,
        onDelivery: (topic, result) => metrics.webhooks.inc({ topic, result }),
      }));
    }
    const readiness = [
      ...(options.readiness ?? []),
      () => {
        if (breaker.state === 'open') throw new Error('the Shopify circuit is open after repeated failures');
      },
      ...(redis ? [async () => void (await redis!.ping())] : []),
    ];
    const plugins = [observabilityPlugin(metrics, logger), ...(options.plugins ?? [])];
    const server = createServer(deps, { ...options, routes, readiness, plugins });
    await server.start();
    return {
      deps,
      server,
      metrics,
      breaker,
      cache,
      demoStore,
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
