/**
 * Section 6: several Shopify stores behind one desk (issue 13).
 *   a. Shopify requests for K profiles across 1, 2 and 5 stores, customer only and full card (here): every store is
 *      its own simulator (own seed, currency and ids; the later stores share customers with the first, so a profile
 *      is linked in several stores; bench/stores-setup.ts), the subgraph serves a stores file listing the first N,
 *      the `_entities` call a router sends is POSTed straight to it, and each simulator's stats say how many requests
 *      that store got. A batch should cost at most one packed request set per store: per store what one store costs,
 *      N × in all. The same call is recorded at a proxy in front of each store, so its rounds show that the stores
 *      are asked in parallel without any timing noise.
 *   b. The added latency of the two-store card vs the one-store card (bench/stores-latency.ts).
 *
 * (a) runs everything in the runner's process (it counts, it does not time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoProfile, SimCustomer } from '../dev/profiles-subgraph.js';
import { listenHttp } from '../dev/ports.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startSimulator, type Simulator } from 'shopify-admin-simulator';
import { startRecordingProxy, toShape, type RecordingProxy } from './proxy.js';
import { storesEntitiesBody, STORES_SELECTIONS, type StoresSelection } from './queries.js';
import { HUGE_BUCKET } from './requests.js';
import { runStoresLatency, type StoresLatencyOptions, type StoresLatencyRow } from './stores-latency.js';
import {
  BENCH_STORES,
  control,
  emailsOf,
  handlesOf,
  linkedIn,
  minus,
  profilesLinkedEverywhere,
  round2,
  SHARED_FRACTION,
  STORE_CUSTOMERS,
  statsOf,
  storeSimulatorOptions,
  writeStoresFile,
} from './stores-setup.js';

/** Simulator delay per request while the rounds of a call are recorded (as section 1 records the latency call's). */
const ROUND_LATENCY_MS = 100;
/** Profiles of the warm-up call: more than a store's order mix needs before it is trusted (16). */
const WARMUP = 20;

/** What one store was asked for one `_entities` call. */
export interface StoreCount {
  store: string;
  /** profiles of the K linked in this store */
  linked: number;
  requests: number;
  requestedCost: number;
  actualCost: number;
}

export interface StoresRequestsRow {
  id: string;
  selection: StoresSelection;
  stores: number;
  k: number;
  perStore: StoreCount[];
  total: { requests: number; requestedCost: number; actualCost: number };
  /**
   * In how many rounds the Shopify requests of one call went out (a round waits for an answer of the one before), all
   * stores together and each alone: stores asked in parallel give `all` = the largest of `perStore`, not their sum
   */
  rounds: { all: number; perStore: number[] };
  /** total requests / the one-store row's requests (same selection and K); null without a one-store row */
  timesOneStore: number | null;
  errors: string[];
}

export interface StoresResult {
  conditions: string;
  requests: StoresRequestsRow[];
  latencyConditions: string | null;
  latency: StoresLatencyRow[];
}

export interface StoresOptions {
  /** profiles per call in part (a) */
  k: number;
  /** store counts of part (a), e.g. [1, 2, 5] */
  storeCounts: readonly number[];
  /** part (b); null: skipped */
  latency: StoresLatencyOptions | null;
  log: (line: string) => void;
}

/** The stores every row of (a) draws from: simulators, the proxy in front of each, their customers, the profiles. */
interface Setup {
  sims: Simulator[];
  proxies: RecordingProxy[];
  emails: Array<Set<string>>;
  profiles: DemoProfile[];
  /** other profiles, for the warm-up call (enough for the subgraph to know the stores' order mix: order-counts.ts) */
  warmup: DemoProfile[];
  tmp: string;
}

/** One line per row, as the runner prints it while it runs. */
export function storesRequestsLine(r: StoresRequestsRow): string {
  const label = r.selection === 'customer' ? 'customer-only' : 'full card';
  const times = r.timesOneStore !== null && r.stores > 1 ? `, ${r.timesOneStore} × one store` : '';
  return (
    `stores=${r.stores} ${label}: requests per store ${r.perStore.map((s) => s.requests).join('/')} (total ${r.total.requests}${times}), ` +
    `Shopify rounds ${r.rounds.all} (per store ${r.rounds.perStore.join('/')}), linked ${r.perStore.map((s) => s.linked).join('/')} of K=${r.k}` +
    (r.errors.length ? `  ERRORS: ${r.errors.join('; ')}` : '')
  );
}

/** POSTs the `_entities` call; returns what was wrong with the answer (nothing: []). */
async function entitiesCall(url: string, body: string, k: number): Promise<string[]> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = (await res.json()) as {
    data?: { _entities?: unknown[] };
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  const errors = (answer.errors ?? []).map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`);
  if (res.status !== 200) errors.push(`HTTP ${res.status}`);
  if (answer.data?._entities?.length !== k) errors.push(`expected ${k} profiles, got ${answer.data?._entities?.length ?? 'none'}`);
  return errors;
}

/** One row: the call counted at each store's simulator, then again recorded at the proxies for its rounds. */
async function measureRow(
  setup: Setup,
  url: string,
  n: number,
  selection: StoresSelection,
): Promise<Omit<StoresRequestsRow, 'id' | 'timesOneStore'>> {
  const served = setup.sims.slice(0, n);
  const handles = handlesOf(n);
  const k = setup.profiles.length;
  const body = storesEntitiesBody(selection, handles, setup.profiles);
  const before = await Promise.all(served.map((s) => statsOf(s.url)));
  const errors = await entitiesCall(url, body, k);
  const after = await Promise.all(served.map((s) => statsOf(s.url)));
  const perStore = served.map((_, i): StoreCount => {
    const d = minus(after[i]!, before[i]!);
    if (d.throttled > 0) errors.push(`${d.throttled} THROTTLED at store ${handles[i]}`);
    const linked = setup.profiles.filter((p) => linkedIn(p, setup.emails[i]!)).length;
    return { store: handles[i]!, linked, requests: d.requests, requestedCost: d.requestedCost, actualCost: d.actualCost };
  });
  // Again with every store answering after ROUND_LATENCY_MS, so that a request that waited on another is
  // unmistakably in a later round.
  await Promise.all(served.map((sim) => control(sim.url, 'faults', { latencyMs: ROUND_LATENCY_MS })));
  for (const proxy of setup.proxies) proxy.clear();
  errors.push(...(await entitiesCall(url, body, k)).map((e) => `recorded call: ${e}`));
  await Promise.all(served.map((sim) => control(sim.url, 'faults', {})));
  const records = setup.proxies.slice(0, n).map((proxy) => proxy.records());
  records.forEach((r, i) => {
    if (r.length !== perStore[i]!.requests)
      errors.push(`store ${handles[i]}: ${perStore[i]!.requests} requests counted, ${r.length} in the recorded call`);
  });
  const sum = (f: (s: StoreCount) => number) => perStore.reduce((t, s) => t + f(s), 0);
  return {
    selection,
    stores: n,
    k,
    perStore,
    total: { requests: sum((s) => s.requests), requestedCost: sum((s) => s.requestedCost), actualCost: sum((s) => s.actualCost) },
    rounds: { all: toShape(records.flat()).length, perStore: records.map((r) => toShape(r).length) },
    errors,
  };
}

/** The rows of N stores: a subgraph (in this process) serving a stores file of the first N, asked each selection. */
async function rowsForStoreCount(setup: Setup, n: number): Promise<Array<Omit<StoresRequestsRow, 'id' | 'timesOneStore'>>> {
  const served = setup.sims.slice(0, n).map((sim, i) => ({ url: setup.proxies[i]!.url, token: sim.token }));
  const config = loadConfig({
    ...writeStoresFile(setup.tmp, `stores-${n}`, served),
    AUTH_MODE: 'none',
    NODE_ENV: 'test',
    SQLITE_PATH: join(setup.tmp, `subgraph-${n}.sqlite`),
    SHOPIFY_CACHE_TTL_S: '0',
  });
  const app = await buildApp(config, silentLogger());
  try {
    const port = await listenHttp(app.server.http, 0, '127.0.0.1', 'PORT');
    const url = `http://127.0.0.1:${port}/graphql`;
    // A fresh subgraph sends its very first request to a store alone, to learn the bucket, and learns from its first
    // cards how many orders the store's customers have (which decides whether a batch's emails are looked up first):
    // a warm-up card call, not counted, so every counted call is one of a running subgraph.
    await entitiesCall(url, storesEntitiesBody('card', handlesOf(n), setup.warmup), setup.warmup.length);
    const rows = [];
    for (const selection of Object.keys(STORES_SELECTIONS) as StoresSelection[]) rows.push(await measureRow(setup, url, n, selection));
    return rows;
  } finally {
    await app.close();
  }
}

/** Section 6a: Shopify requests per store for K profiles, for each store count. */
export async function runStoresRequests(
  opts: Pick<StoresOptions, 'k' | 'storeCounts' | 'log'>,
): Promise<{ conditions: string; rows: StoresRequestsRow[] }> {
  const closers: Array<() => Promise<unknown>> = [];
  const tmp = mkdtempSync(join(tmpdir(), 'bench-stores-'));
  closers.push(async () => rmSync(tmp, { recursive: true, force: true }));
  try {
    const maxN = Math.max(...opts.storeCounts);
    if (maxN > BENCH_STORES.length) throw new Error(`at most ${BENCH_STORES.length} stores, asked for ${maxN}`);
    const sims = await Promise.all(Array.from({ length: maxN }, (_, i) => startSimulator({ port: 0, ...storeSimulatorOptions(i) })));
    for (const sim of sims) closers.push(() => sim.close());
    // The subgraph reaches each store through a recording proxy, which tells when each request went out and came back.
    const proxies = await Promise.all(sims.map((sim) => startRecordingProxy(sim.url)));
    for (const proxy of proxies) closers.push(() => proxy.close());
    const customersByStore = await Promise.all(sims.map((s) => control(s.url, 'customers') as Promise<SimCustomer[]>));
    const linked = profilesLinkedEverywhere(customersByStore);
    const profiles = linked.slice(0, opts.k);
    if (profiles.length < opts.k)
      throw new Error(`only ${profiles.length} demo profiles are linked in all ${maxN} stores, ${opts.k} wanted`);
    const setup: Setup = {
      sims,
      proxies,
      emails: customersByStore.map(emailsOf),
      profiles,
      warmup: linked.slice(opts.k, opts.k + WARMUP),
      tmp,
    };

    const rows: StoresRequestsRow[] = [];
    for (const n of opts.storeCounts) {
      for (const r of await rowsForStoreCount(setup, n)) {
        const one = rows.find((x) => x.stores === 1 && x.selection === r.selection);
        const row: StoresRequestsRow = {
          id: `stores/requests/${r.selection}/stores=${n}/K=${opts.k}`,
          ...r,
          timesOneStore: n === 1 ? 1 : one && one.total.requests > 0 ? round2(r.total.requests / one.total.requests) : null,
        };
        rows.push(row);
        opts.log(`  ${storesRequestsLine(row)}`);
      }
    }
    const stores = BENCH_STORES.slice(0, maxN).map((s, i) => `${s.handle} (seed ${i + 1}, ${s.currencyCode})`);
    return {
      conditions:
        `K = ${opts.k} demo profiles (npm run dev's, over the first store's customers) each with a customer in every one of the ${maxN} stores, by email; ` +
        `stores: ${stores.join(', ')}, ${STORE_CUSTOMERS} customers each, ${SHARED_FRACTION * 100}% of each later store's customers also customers of ${BENCH_STORES[0]!.handle}; ` +
        `stores=N = one subgraph serving a stores file listing the first N (autoLink first), the _entities call POSTed straight to it; ` +
        `rounds: the same call recorded at a proxy in front of each store, every store answering after ${ROUND_LATENCY_MS} ms (a round waits for an answer of the one before; stores in parallel = all stores' rounds no more than one store's); ` +
        `cache off; every simulator's bucket ${HUGE_BUCKET.maximumAvailable.toExponential(0)} (never throttles); requests per store from each simulator's stats, in config order`,
      rows,
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** Section 6, both parts; a part that fails leaves the other's rows, and its error is returned. */
export async function runStores(opts: StoresOptions): Promise<{ result: StoresResult; errors: string[] }> {
  const errors: string[] = [];
  const result: StoresResult = { conditions: '', requests: [], latencyConditions: null, latency: [] };
  try {
    const a = await runStoresRequests(opts);
    result.conditions = a.conditions;
    result.requests = a.rows;
    for (const r of a.rows) if (r.errors.length) errors.push(`${r.id}: ${r.errors.join('; ')}`);
  } catch (error) {
    errors.push(`requests: ${(error as Error).stack ?? String(error)}`);
  }
  if (opts.latency) {
    opts.log('  the two-store card vs the one-store card:');
    try {
      const b = await runStoresLatency({ ...opts.latency, log: opts.log });
      result.latencyConditions = b.conditions;
      result.latency = b.rows;
      for (const r of b.rows) if (r.figures.errors) errors.push(`${r.id}: ${r.figures.errors} errors (${r.figures.firstError})`);
    } catch (error) {
      errors.push(`latency: ${(error as Error).stack ?? String(error)}`);
    }
  }
  return { result, errors };
}
