/**
 * Two stores behind one desk, end to end (issue 13): a US store (USD) and an EU store (EUR) started by the
 * simulator's `storePair`, served by this subgraph from a SHOPIFY_STORES_FILE, composed with the test profiles
 * subgraph behind a real @apollo/gateway (dev/supergraph-harness.ts, given the stores through its `env`).
 * Agents are authenticated as in the action tests (AUTH_MODE=jwt, test/actions/helpers.ts). Each store has its own
 * token, so a request sent to the wrong store with the wrong token would be refused there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from 'shopify-admin-simulator';
import {
  control,
  gql,
  sharedCustomers,
  storePair,
  type SharedCustomer,
  type SimCustomer,
  type StorePair,
} from 'shopify-admin-simulator/testing';
import { startSupergraph, type SupergraphHarness, type TestProfile } from '../../dev/supergraph-harness.js';
import { JWT_ENV } from '../actions/helpers.js';

export type StoreName = 'us' | 'eu';

/** What each store's simulator reports about itself (GET /__simulator/shop). */
export interface SimShop {
  name: string;
  currencyCode: string;
  myshopifyDomain: string;
}

/** The simulator's request counters (GET /__simulator/stats). */
export interface SimStats {
  requests: number;
  faulted: number;
  byOperation: Record<string, number>;
}

export interface TwoStores {
  gateway: SupergraphHarness;
  pair: StorePair;
  /** the simulators' own customers, as their control API lists them */
  customers: Record<StoreName, SimCustomer[]>;
  /** people who are customers of both stores */
  shared: SharedCustomer[];
  shops: Record<StoreName, SimShop>;
  /** the simulator of a store */
  sim(store: StoreName): Simulator;
  /** GET (no body) or POST on a store simulator's control API */
  control<T = any>(store: StoreName, path: string, body?: unknown): Promise<T>;
  stats(store: StoreName): Promise<SimStats>;
  /** a plain Admin GraphQL query of our own, sent straight to a store's simulator (the oracle); fails on errors */
  shopify<T = any>(store: StoreName, query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** The stores' display names as the stores file gives them (not the simulators' shop names: agents see these). */
export const STORE_NAMES: Record<StoreName, string> = { us: 'Acme US', eu: 'Acme EU' };

/** Per-store tokens, named in the stores file by tokenEnv (never written in the file). */
const TOKENS: Record<StoreName, string> = { us: 'shpat_us_store_e2e_token', eu: 'shpat_eu_store_e2e_token' };

/**
 * Starts the two simulators (`customers` each), the subgraph serving `us` then `eu` (refunds turned off in `eu`), the
 * profiles subgraph over `profiles(...)` and a gateway. Cross-request caching is off so every read reaches the stores.
 */
export async function startTwoStores(opts: {
  customers?: number;
  profiles: (stores: { customers: Record<StoreName, SimCustomer[]>; shared: SharedCustomer[] }) => TestProfile[];
}): Promise<TwoStores> {
  const pair = await storePair({
    customers: opts.customers ?? 60,
    // Buckets that never throttle: throttling is not what this test is about.
    us: { token: TOKENS.us, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    eu: { token: TOKENS.eu, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
  });
  const dir = mkdtempSync(join(tmpdir(), 'stores-e2e-'));
  const cleanup = async () => {
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sims: Record<StoreName, Simulator> = { us: pair.us, eu: pair.eu };
    const ctl = <T>(store: StoreName, path: string, body?: unknown) => control<T>(sims[store], path, body);
    const [usCustomers, euCustomers, usShop, euShop, shared] = await Promise.all([
      ctl<SimCustomer[]>('us', 'customers'),
      ctl<SimCustomer[]>('eu', 'customers'),
      ctl<SimShop>('us', 'shop'),
      ctl<SimShop>('eu', 'shop'),
      sharedCustomers(pair.us, pair.eu),
    ]);
    const customers = { us: usCustomers, eu: euCustomers };

    const storesFile = join(dir, 'stores.json');
    writeFileSync(
      storesFile,
      JSON.stringify({
        stores: [
          { handle: 'us', name: STORE_NAMES.us, domain: pair.us.url, tokenEnv: 'US_SHOPIFY_TOKEN', autoLink: 'first' },
          {
            handle: 'eu',
            name: STORE_NAMES.eu,
            domain: pair.eu.url,
            tokenEnv: 'EU_SHOPIFY_TOKEN',
            actions: { cancel: true, refund: false, discount: true },
            autoLink: 'first',
          },
        ],
      }),
    );
    const gateway = await startSupergraph({
      // The harness lists this simulator's customers for its `profiles` callback; ours are given as a list.
      simulatorUrl: pair.us.url,
      profiles: opts.profiles({ customers, shared }),
      env: {
        ...JWT_ENV,
        ROUTER_SECRET: 'router-secret-for-stores-e2e',
        // the single-store variables the harness sets are blanked (as unset): the stores file names the stores
        SHOPIFY_STORE_DOMAIN: '',
        SHOPIFY_ADMIN_ACCESS_TOKEN: '',
        SHOPIFY_STORES_FILE: storesFile,
        US_SHOPIFY_TOKEN: TOKENS.us,
        EU_SHOPIFY_TOKEN: TOKENS.eu,
        SHOPIFY_CACHE_TTL_S: '0',
        // a store that was made to fail is reachable again soon after the fault is cleared
        SHOPIFY_BREAKER_COOLDOWN_MS: '100',
      },
    });
    return {
      gateway,
      pair,
      customers,
      shared,
      shops: { us: usShop, eu: euShop },
      sim: (store) => sims[store],
      control: ctl,
      stats: (store) => ctl<SimStats>(store, 'stats'),
      async shopify(store, query, variables = {}) {
        const res = await gql(sims[store], query, variables);
        if (res.status !== 200 || res.body.errors) throw new Error(`oracle query to ${store}: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body.data;
      },
      async close() {
        await gateway.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
