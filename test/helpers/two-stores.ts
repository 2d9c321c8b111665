/**
 * A subgraph serving two stores from a stores file, over a US (USD) and an EU (EUR) simulator that share customers
 * (storePair), spoken to over HTTP like a router does, with agent tokens checked. The resilience tests of issue 13
 * (breakers, budgets, webhooks per store) start from here.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatorOptions } from 'shopify-admin-simulator';
import { sharedCustomers, storePair, type SharedCustomer, type StorePair } from 'shopify-admin-simulator/testing';
import { startStack, token, type Stack } from '../actions/helpers.js';

/** A bucket that never throttles, for tests not about throttling. */
export const UNLIMITED: SimulatorOptions = { maximumAvailable: 1e6, restoreRate: 1e6 };

export interface TwoStores {
  pair: StorePair;
  /** the subgraph (its `simulator` is the US one) */
  h: Stack;
  /** the shared customers, in the US store's order */
  shared: SharedCustomer[];
  /** starts another replica of the subgraph, same stores file and environment (stopped by close()) */
  replica(): Promise<Stack>;
  /** queries one profile through `_entities` with an all-scopes agent token */
  profile(selection: string, emails: string[], id?: string): Promise<{ data: any; errors?: any[] }>;
  close(): Promise<void>;
}

export interface TwoStoresOptions {
  customers?: number;
  us?: SimulatorOptions;
  eu?: SimulatorOptions;
  /** extra keys of each store's stores-file entry (handles `us` and `eu`; tokens in US_TOKEN and EU_TOKEN) */
  entries?: { us?: Record<string, unknown>; eu?: Record<string, unknown> };
  /** extra environment of the subgraph (variables that entries name, REDIS_URL, limits, …) */
  env?: Record<string, string>;
}

/** Starts both simulators and the subgraph over them; everything is stopped by close(). */
export async function startTwoStores(opts: TwoStoresOptions = {}): Promise<TwoStores> {
  const dir = mkdtempSync(join(tmpdir(), 'two-stores-'));
  const pair = await storePair({ customers: opts.customers ?? 40, us: { ...UNLIMITED, ...opts.us }, eu: { ...UNLIMITED, ...opts.eu } });
  const path = join(dir, 'stores.json');
  writeFileSync(
    path,
    JSON.stringify({
      stores: [
        { handle: 'us', name: 'US store', domain: pair.us.url, tokenEnv: 'US_TOKEN', ...opts.entries?.us },
        { handle: 'eu', name: 'EU store', domain: pair.eu.url, tokenEnv: 'EU_TOKEN', ...opts.entries?.eu },
      ],
    }),
  );
  const env = {
    SHOPIFY_STORE_DOMAIN: '',
    SHOPIFY_ADMIN_ACCESS_TOKEN: '',
    SHOPIFY_STORES_FILE: path,
    US_TOKEN: pair.us.token,
    EU_TOKEN: pair.eu.token,
    ...opts.env,
  };
  const replicas: Stack[] = [];
  let h: Stack;
  try {
    h = await startStack({ simulator: pair.us, env });
  } catch (error) {
    await pair.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    pair,
    h,
    shared: await sharedCustomers(pair.us, pair.eu),
    async replica() {
      const other = await startStack({ simulator: pair.us, env });
      replicas.push(other);
      return other;
    },
    async profile(selection, emails, id = 'p-test') {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile { ${selection} } } }`;
      const res = await h.query(
        query,
        { r: [{ __typename: 'CustomerProfile', id, emails }] },
        { authorization: `Bearer ${await token()}` },
      );
      return res.body;
    },
    async close() {
      await Promise.all(replicas.map((r) => r.close()));
      await h.close();
      await pair.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Requests a simulator has received (its control API's stats). */
export async function simRequests(sim: { url: string }): Promise<number> {
  return ((await (await fetch(`${sim.url}/__simulator/stats`)).json()) as { requests: number }).requests;
}

/** The base URL of the subgraph's HTTP server (/readyz, /metrics, /webhooks/shopify). */
export function baseUrl(h: Stack): string {
  return `http://127.0.0.1:${(h.app.server.http.address() as { port: number }).port}`;
}
