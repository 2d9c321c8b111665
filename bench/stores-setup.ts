/**
 * The stores of section 6 (bench/stores.ts, bench/stores-latency.ts): up to five simulators of one brand, each with its
 * own seed, currency and ids, the later ones sharing customers with the first; the stores file that lists them; the
 * profiles linked in all of them; and each store's request counts from its simulator's stats.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoProfiles, type DemoProfile, type SimCustomer } from '../dev/profiles-subgraph.js';
import { SHARED_ID_OFFSET, type Currency, type SimulatorOptions } from 'shopify-admin-simulator';
import { HUGE_BUCKET } from './requests.js';

/** The stores, in config order: a brand's regional stores and its wholesale store. Store i has seed i + 1. */
export const BENCH_STORES: ReadonlyArray<{ handle: string; name: string; currencyCode: Currency }> = [
  { handle: 'us', name: 'US store', currencyCode: 'USD' },
  { handle: 'eu', name: 'EU store', currencyCode: 'EUR' },
  { handle: 'uk', name: 'UK store', currencyCode: 'GBP' },
  { handle: 'ca', name: 'Canada store', currencyCode: 'CAD' },
  { handle: 'wholesale', name: 'Wholesale', currencyCode: 'USD' },
];
/** Customers of each store. */
export const STORE_CUSTOMERS = 500;
/**
 * The share of each later store's customers who are also customers of the first store (same email and name, their
 * own ids, orders and currency there). Higher than the demo's 0.3 so that enough profiles are linked in all five.
 */
export const SHARED_FRACTION = 0.6;

/** The first n stores' handles, in config order. */
export const handlesOf = (n: number): string[] => BENCH_STORES.slice(0, n).map((s) => s.handle);

/** Simulator options of store i (0-based): distinct seed, currency, ids; the later ones share customers with store 0. */
export function storeSimulatorOptions(i: number): SimulatorOptions {
  const s = BENCH_STORES[i]!;
  const first = BENCH_STORES[0]!;
  return {
    seed: i + 1,
    customers: STORE_CUSTOMERS,
    currencyCode: s.currencyCode,
    name: s.name,
    idOffset: i * SHARED_ID_OFFSET,
    ...HUGE_BUCKET,
    ...(i === 0
      ? {}
      : { sharedCustomers: { seed: 1, customers: STORE_CUSTOMERS, currencyCode: first.currencyCode, fraction: SHARED_FRACTION } }),
  };
}

/**
 * Writes a stores file (JSON) listing these simulators as the first stores, in order, each token named by a variable;
 * returns the subgraph's environment for it (the file's path and the tokens).
 */
export function writeStoresFile(dir: string, name: string, sims: ReadonlyArray<{ url: string; token: string }>): Record<string, string> {
  const env: Record<string, string> = {};
  const stores = sims.map((sim, i) => {
    const s = BENCH_STORES[i]!;
    const tokenEnv = `BENCH_${s.handle.toUpperCase().replace(/-/g, '_')}_SHOPIFY_TOKEN`;
    env[tokenEnv] = sim.token;
    return { handle: s.handle, name: s.name, domain: sim.url, tokenEnv, autoLink: 'first' };
  });
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ stores }, null, 2));
  return { SHOPIFY_STORES_FILE: path, ...env };
}

/** The lower-case emails of a store's customers. */
export function emailsOf(customers: readonly SimCustomer[]): Set<string> {
  return new Set(customers.flatMap((c) => (c.email ? [c.email.toLowerCase()] : [])));
}

/** Whether one of the profile's emails is a customer's in that store (autoLink first links it there). */
export const linkedIn = (profile: DemoProfile, emails: ReadonlySet<string>): boolean =>
  profile.emails.some((e) => emails.has(e.toLowerCase()));

/**
 * The demo profiles (npm run dev's, over the first store's customers) whose customer is in every one of the stores,
 * by email: the same profiles for every row, and each store has the whole card's work to do for each of them.
 */
export function profilesLinkedEverywhere(customersByStore: readonly SimCustomer[][]): DemoProfile[] {
  const emails = customersByStore.map(emailsOf);
  return demoProfiles(customersByStore[0]!).filter((p) => emails.every((set) => linkedIn(p, set)));
}

/** A simulator's control API. */
export async function control(url: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(
    `${url}/__simulator/${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status}`);
  return res.json();
}

/** A simulator's running totals (its stats are never reset here: a call's figures are after − before). */
export interface SimStats {
  requests: number;
  requestedCost: number;
  actualCost: number;
  throttled: number;
}

export async function statsOf(url: string): Promise<SimStats> {
  const s = await control(url, 'stats');
  return { requests: s.requests, requestedCost: s.requestedCost, actualCost: s.actualCost, throttled: s.throttled };
}

export const minus = (a: SimStats, b: SimStats): SimStats => ({
  requests: a.requests - b.requests,
  requestedCost: a.requestedCost - b.requestedCost,
  actualCost: a.actualCost - b.actualCost,
  throttled: a.throttled - b.throttled,
});

export const round2 = (n: number) => Math.round(n * 100) / 100;
