/**
 * Section 6b: the added latency of the two-store card vs the one-store card. The same full card for K profiles (linked
 * in both stores), from a compiled subgraph serving the first store and one serving the first two, every simulator
 * answering each request after a fixed delay. The stores are asked in parallel, so the two-store p50 should be close
 * to the one-store p50, not double: what it adds is the CPU of a second store's answers (the figure at 0 ms delay),
 * not a second store's round trips (which would grow with the delay).
 *
 * Simulators, subgraphs and autocannon each in their own process, as in section 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoProfile, SimCustomer } from '../dev/profiles-subgraph.js';
import type { HttpJob, LoadFigures } from './autocannon-worker.js';
import { benchAuth, subgraphEnv, type BenchAuth } from './latency.js';
import { startChild, startCompiledSubgraph, type Child } from './processes.js';
import { storesEntitiesBody } from './queries.js';
import {
  BENCH_STORES,
  control,
  handlesOf,
  profilesLinkedEverywhere,
  round2,
  statsOf,
  storeSimulatorOptions,
  writeStoresFile,
} from './stores-setup.js';

export interface StoresLatencyRow {
  id: string;
  stores: number;
  k: number;
  simulatorLatencyMs: number;
  concurrency: number;
  /** Shopify requests behind one call, per store (config order) */
  shopifyRequestsPerStore: number[];
  figures: LoadFigures;
  /** p50 (p99) − the one-store row's p50 (p99) at the same K and latency; null for the one-store row */
  addedP50Ms: number | null;
  addedP99Ms: number | null;
}

export interface StoresLatencyOptions {
  ks: readonly number[];
  simulatorLatenciesMs: readonly number[];
  concurrency: number;
  durationS: number;
  warmupS: number;
}

type Sim = { url: string; token: string };

/** Two simulators, a subgraph over the first and one over both, and autocannon; `close` stops them all. */
async function startProcesses(tmp: string, closers: Array<() => Promise<unknown>>) {
  const simChildren = await Promise.all(
    [0, 1].map((i) => startChild('./simulator-process.ts', { env: { BENCH_SIMULATOR: JSON.stringify(storeSimulatorOptions(i)) } })),
  );
  for (const c of simChildren) closers.push(() => c.stop());
  const sims = simChildren.map((c) => c.ready as unknown as Sim);
  const auth = await benchAuth();
  const started = await Promise.allSettled([
    ...[1, 2].map((n) =>
      startCompiledSubgraph({
        ...subgraphEnv(sims[0]!, auth, join(tmp, `stores-${n}.sqlite`), 0),
        // a stores file, not the single store of subgraphEnv
        SHOPIFY_STORE_DOMAIN: '',
        SHOPIFY_ADMIN_ACCESS_TOKEN: '',
        ...writeStoresFile(tmp, `stores-${n}`, sims.slice(0, n)),
      }),
    ),
    startChild('./autocannon-worker.ts'),
  ]);
  for (const s of started) if (s.status === 'fulfilled') closers.push(() => s.value.stop());
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const [one, two, cannon] = started.map((s) => (s as PromiseFulfilledResult<Child>).value) as [Child, Child, Child];
  return { sims, auth, subgraphs: [one, two] as const, cannon };
}

/** One row: counts one call's Shopify requests at each store, then measures the call under load. */
async function measureCard(
  p: { sims: Sim[]; auth: BenchAuth; cannon: Child },
  subgraph: Child,
  n: number,
  profiles: readonly DemoProfile[],
  latencyMs: number,
  opts: StoresLatencyOptions,
): Promise<Omit<StoresLatencyRow, 'addedP50Ms' | 'addedP99Ms'>> {
  const k = profiles.length;
  const url = String(subgraph.ready.url);
  const served = p.sims.slice(0, n);
  const headers = { authorization: `Bearer ${p.auth.token}`, 'router-authorization': p.auth.routerSecret };
  const body = storesEntitiesBody('card', handlesOf(n), profiles);
  const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  // Once unrecorded (the subgraph's first request to a store is sent alone, to learn the bucket), then counted.
  await post();
  const before = await Promise.all(served.map((s) => statsOf(s.url)));
  const answer = (await (await post()).json()) as { data?: { _entities?: unknown[] }; errors?: unknown[] };
  if (answer.errors || answer.data?._entities?.length !== k)
    throw new Error(
      `the ${n}-store subgraph did not answer the card for ${k} profiles: ${JSON.stringify(answer.errors ?? answer).slice(0, 500)}`,
    );
  const after = await Promise.all(served.map((s) => statsOf(s.url)));
  const figures = await p.cannon.call<LoadFigures>(
    {
      type: 'http',
      url,
      headers,
      body,
      connections: opts.concurrency,
      durationS: opts.durationS,
      warmupS: opts.warmupS,
      expect: { field: '_entities', count: k },
    } satisfies Omit<HttpJob, 'id'>,
    (opts.durationS + opts.warmupS) * 1000 + 60_000,
  );
  return {
    id: `stores/latency/K=${k}/stores=${n}/latency=${latencyMs}ms/c=${opts.concurrency}`,
    stores: n,
    k,
    simulatorLatencyMs: latencyMs,
    concurrency: opts.concurrency,
    shopifyRequestsPerStore: after.map((a, i) => a.requests - before[i]!.requests),
    figures,
  };
}

/** Section 6b: for each latency and K, the one-store card, then the two-store card. */
export async function runStoresLatency(
  opts: StoresLatencyOptions & { log: (line: string) => void },
): Promise<{ conditions: string; rows: StoresLatencyRow[] }> {
  const closers: Array<() => Promise<unknown>> = [];
  const tmp = mkdtempSync(join(tmpdir(), 'bench-stores-latency-'));
  closers.push(async () => rmSync(tmp, { recursive: true, force: true }));
  try {
    const procs = await startProcesses(tmp, closers);
    const customersByStore = await Promise.all(procs.sims.map((s) => control(s.url, 'customers') as Promise<SimCustomer[]>));
    const linked = profilesLinkedEverywhere(customersByStore);
    const faults = (latencyMs: number) => Promise.all(procs.sims.map((s) => control(s.url, 'faults', { latencyMs })));
    const rows: StoresLatencyRow[] = [];
    try {
      for (const latencyMs of opts.simulatorLatenciesMs) {
        await faults(latencyMs);
        for (const k of opts.ks) {
          const profiles = linked.slice(0, k);
          if (profiles.length < k) throw new Error(`only ${profiles.length} demo profiles are linked in both stores, ${k} wanted`);
          for (const [i, subgraph] of procs.subgraphs.entries()) {
            const m = await measureCard(procs, subgraph, i + 1, profiles, latencyMs, opts);
            const base = i === 0 ? null : rows.find((r) => r.stores === 1 && r.k === k && r.simulatorLatencyMs === latencyMs);
            const row: StoresLatencyRow = {
              ...m,
              addedP50Ms: base ? round2(m.figures.p50Ms - base.figures.p50Ms) : null,
              addedP99Ms: base ? round2(m.figures.p99Ms - base.figures.p99Ms) : null,
            };
            rows.push(row);
            opts.log(`  ${storesLatencyLine(row)}`);
          }
        }
      }
    } finally {
      await faults(0).catch(() => undefined);
    }
    const [us, eu] = BENCH_STORES;
    return {
      conditions:
        `full card (as in 6a) for the first K of the profiles linked in both stores; stores=1: a subgraph serving ${us!.handle}, stores=2: one serving ${us!.handle} and ${eu!.handle} (stores files, autoLink first); ` +
        `POST _entities straight to the subgraph; latency = every simulator answers each request after that delay (0: what is left is CPU — two stores' answers to build, parse and map on a ${cpus().length}-core machine); ` +
        `c = ${opts.concurrency}; ${opts.durationS} s per row after ${opts.warmupS} s warm-up; ` +
        `subgraphs compiled, in their own processes (NODE_ENV=production, agent tokens and router secret checked, cache off), simulators and autocannon in theirs; ` +
        `added = two-store figure − one-store figure at the same K and latency (stores asked in parallel: about the CPU added at latency 0, not growing with the latency as one store after the other would)`,
      rows,
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** One line per row, as the runner prints it while it runs. */
export function storesLatencyLine(r: StoresLatencyRow): string {
  const f = r.figures;
  return (
    `card K=${r.k} latency ${r.simulatorLatencyMs} ms stores=${r.stores}: Shopify requests per store ${r.shopifyRequestsPerStore.join('/')}, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms` +
    (r.addedP50Ms !== null ? ` (two-store − one-store: p50 ${r.addedP50Ms} ms, p99 ${r.addedP99Ms} ms)` : '') +
    (f.errors ? `, ${f.errors} ERRORS (${f.firstError})` : '')
  );
}
