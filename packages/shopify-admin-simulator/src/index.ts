/**
 * The Shopify Admin GraphQL API simulator, started in-process: tests, benchmarks and `npm start`'s demo store use
 * startSimulator; the CLI (cli.ts) wraps it.
 */
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { ADMIN_API_VERSION, loadAdminSchema } from 'shopify-admin-schema';
import { createSimulatorServer } from './server.js';
import { SimulatorState } from './state.js';

export { signWebhook } from './webhooks.js';
export { mulberry32, seedStore } from './seed.js';
export { RATES } from './model.js';
export { actualCost, MAX_QUERY_COST, requestedCost, type FieldCost, type QueryCost } from './cost.js';

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
  loadAdminSchema();
  const state = new SimulatorState({
    token,
    seed: options.seed ?? 1,
    customers: options.customers ?? 500,
    maximumAvailable: options.maximumAvailable ?? 2000,
    restoreRate: options.restoreRate ?? 100,
    logger: options.logger,
    shopDomain: () => authority,
  });
  const server = createSimulatorServer({ state, jobDelayMs: options.jobDelayMs ?? 0, logger: options.logger });
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
