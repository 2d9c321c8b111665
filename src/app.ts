/**
 * Composition root: turns a Config into running collaborators (store, Shopify client, demo store when there are
 * no credentials) and the server. main.ts, the local supergraph and end-to-end tests all build through here.
 */
import { createAuthenticator } from './auth.js';
import type { Config } from './config.js';
import type { AppDeps } from './context.js';
import type { Logger } from './logger.js';
import { createServer, type CreateServerOptions, type SubgraphServer } from './server.js';
import { createShopifyClient } from './shopify/client.js';
import { ShopifyCustomerSource } from './shopify/customers.js';
import { parseStoreDomain } from './shopify/transport.js';
import { openStore, type StoreOptions } from './store/index.js';

export interface App {
  deps: AppDeps;
  server: SubgraphServer;
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
      const { startSimulator } = await import('./simulator/index.js');
      const sim = await startSimulator({ port: 0, seed: config.demo.seed, customers: config.demo.customers });
      closers.push(() => sim.close());
      shopify = { endpoint: parseStoreDomain(sim.storeDomain), accessToken: sim.token, apiVersion: config.apiVersion };
      demoStore = { url: sim.url, token: sim.token };
      logger.warn(
        { demoStore: sim.url, customers: config.demo.customers, seed: config.demo.seed },
        'No Shopify credentials (SHOPIFY_STORE_DOMAIN, SHOPIFY_ADMIN_ACCESS_TOKEN): serving the built-in demo store (Shopify simulator)',
      );
    }
    const store = await openStore(options.storeOptions ?? { databaseUrl: config.databaseUrl, sqlitePath: config.sqlitePath });
    closers.push(() => store.close());
    if (config.auth.mode === 'none') {
      logger.warn('AUTH_MODE=none: agent tokens are not checked and every caller has every scope');
    }
    const client = createShopifyClient({
      endpoint: shopify.endpoint,
      accessToken: shopify.accessToken,
      apiVersion: shopify.apiVersion,
      timeoutMs: config.timeoutMs,
      maxWaitMs: config.maxWaitMs,
      logger,
    });
    const deps: AppDeps = {
      config,
      store,
      shopify: client,
      customers: new ShopifyCustomerSource(client),
      authenticate: createAuthenticator(config.auth),
      logger,
    };
    const server = createServer(deps, options);
    await server.start();
    return {
      deps,
      server,
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
