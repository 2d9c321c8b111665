/**
 * The Shopify Admin GraphQL API simulator, started in-process: tests, benchmarks and `npm start`'s demo store use
 * startSimulator; the CLI (cli.ts) wraps it.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ADMIN_API_VERSION, loadAdminSchema } from 'shopify-admin-schema';
import type { Currency } from './model.js';
import { seedOptionProblems, type SharedCustomersOptions } from './seed.js';
import { createSimulatorServer } from './server.js';
import { SimulatorState } from './state.js';

export { signWebhook } from './webhooks.js';
export { mulberry32, seedStore, SHARED_ID_OFFSET, type SeedOptions, type SharedCustomersOptions } from './seed.js';
export { CURRENCIES, DEFAULT_SHOP_CURRENCY, RATES, type Currency } from './model.js';
export { DEFAULT_SHOP_NAME } from './store.js';
export { actualCost, charged, MAX_QUERY_COST, requestedCost, type Charging, type FieldCost, type QueryCost } from './cost.js';

/** The default access token the simulator accepts. */
export const DEFAULT_TOKEN = 'shpat_simulator';

export interface SimulatorOptions {
  /** 0 = any free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** the only access token accepted; default shpat_simulator */
  token?: string;
  /** seed number; default 1 */
  seed?: number;
  /** customers to seed; default 500 */
  customers?: number;
  /** bucket size; default 2000 (Standard plan) */
  maximumAvailable?: number;
  /** bucket refill per second; default 100 (Standard plan) */
  restoreRate?: number;
  /** how long orderCancel's job waits before the order is cancelled; default 0 (next tick) */
  jobDelayMs?: number;
  logger?: Logger;
  /** the shop's own currency: every shopMoney amount, Customer.amountSpent and discount amount is in it; default USD */
  currencyCode?: Currency;
  /** the shop's name (`shop { name }`); default "Simulator Supply Co." */
  name?: string;
  /**
   * `shop { myshopifyDomain }` and webhooks' X-Shopify-Shop-Domain; default the simulator's own host:port, so a
   * client that knows the simulator's URL recognises its webhooks
   */
  myshopifyDomain?: string;
  /** added to every id the store gives out, so two stores never share a GID; default 0 (SHARED_ID_OFFSET with sharedCustomers) */
  idOffset?: number;
  /**
   * charge queries differently from Shopify's published rules: requested and actual cost × factor (rounded, at least
   * 1); default 1. Also `POST /__simulator/cost {"factor": 0.25}`; a reset goes back to this.
   */
  costFactor?: number;
  /** share a fraction of this store's customers (email and name) with the store of another seed, e.g. { seed: 1, fraction: 0.3 } */
  sharedCustomers?: SharedCustomersOptions;
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 'http://127.0.0.1:PORT', usable as SHOPIFY_STORE_DOMAIN */
  storeDomain: string;
  token: string;
  apiVersion: string;
  /** the GraphQL endpoint */
  graphqlUrl: string;
  /** the shop's name, as `shop { name }` answers it */
  name: string;
  /** the shop's own currency, as `shop { currencyCode }` answers it */
  currencyCode: Currency;
  /** as `shop { myshopifyDomain }` answers it and webhooks' X-Shopify-Shop-Domain carries it */
  myshopifyDomain: string;
  /** waits until every webhook delivery started so far has finished */
  settleWebhooks(): Promise<void>;
  /** stops listening and ends every connection, hanging ones included */
  close(): Promise<void>;
}

/** Seeds a store and starts the simulator's HTTP server; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? DEFAULT_TOKEN;
  let authority = '';
  const problems = optionProblems(options);
  if (problems.length) throw new Error(`invalid simulator options: ${problems.join('; ')}`);
  const { currencyCode, name, idOffset, sharedCustomers, myshopifyDomain } = options;
  loadAdminSchema();
  const state = new SimulatorState({
    token,
    seed: options.seed ?? 1,
    customers: options.customers ?? 500,
    maximumAvailable: options.maximumAvailable ?? 2000,
    restoreRate: options.restoreRate ?? 100,
    logger: options.logger,
    shopDomain: () => myshopifyDomain ?? authority,
    shop: { currencyCode, name, idOffset, sharedCustomers },
    charging: { factor: options.costFactor ?? 1 },
  });
  const server = createSimulatorServer({ state, jobDelayMs: options.jobDelayMs ?? 0, logger: options.logger });
  // Idle keep-alive sockets are kept a minute. With Node's 5 s default, a client in the same process whose event loop
  // was blocked for seconds (a reset reseeding a store under a loaded CI machine) could reuse an idle socket just
  // before the server's overdue idle timer destroyed it: ECONNRESET on a good request (seen in the shared-customers
  // test). A socket would now have to sit idle for a minute right before such a block. close() still ends every
  // connection at once.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const url = `http://${authority}`;
  options.logger?.info({ url, apiVersion: ADMIN_API_VERSION }, 'Shopify simulator listening');
  let closed: Promise<void> | undefined;
  return {
    url,
    storeDomain: url,
    token,
    apiVersion: ADMIN_API_VERSION,
    graphqlUrl: `${url}/admin/api/${ADMIN_API_VERSION}/graphql.json`,
    name: state.store.shop.name,
    currencyCode: state.store.shopCurrency,
    myshopifyDomain: myshopifyDomain ?? authority,
    settleWebhooks: () => state.webhooks.settle(),
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        state.onReset();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** Every problem with the options (all at once, so a caller fixes them in one go); empty when they are valid. */
function optionProblems(options: SimulatorOptions): string[] {
  const problems = seedOptionProblems(options);
  const factor = options.costFactor;
  if (factor !== undefined && !(Number.isFinite(factor) && factor > 0 && factor <= 100))
    problems.push(`costFactor must be a number above 0 and at most 100, got ${String(factor)}`);
  const domain = options.myshopifyDomain;
  if (domain !== undefined && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/i.test(domain))
    problems.push(`myshopifyDomain must be a host name (e.g. eu-store.myshopify.com), got ${JSON.stringify(domain)}`);
  return problems;
}
