/**
 * Section 2: added latency and throughput. The full card for 10 profiles, as the `_entities` call a router sends
 * straight to the subgraph, and as `profiles(ids:)` through @apollo/gateway, at concurrency 1 and 32, with the
 * simulator answering each request after 0 ms and 50 ms. Beside each, the simulator alone asked exactly what the
 * subgraph asks it for that call (recorded in section 1), so overhead = p50 − simulator p50 is what the subgraph
 * (and gateway) add on top of Shopify's own time.
 *
 * Processes: simulator, subgraph and autocannon each in their own; the gateway and the demo profiles subgraph in
 * the runner's (which does nothing else while a row runs). The subgraph's RSS is sampled during each row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../src/dev/gateway.js';
import { startProfilesSubgraph, type DemoProfile } from '../src/dev/profiles-subgraph.js';
import { composeSupergraph } from '../test/helpers/supergraph.js';
import type { HttpJob, LoadFigures, ShapeJob } from './autocannon-worker.js';
import { processMemory, sampleRss, startChild, type Child } from './processes.js';
import type { Shape } from './proxy.js';
import { entitiesQuery, representations, supergraphQuery } from './queries.js';
import { HUGE_BUCKET, STORE } from './requests.js';

export type Target = 'simulator' | 'subgraph' | 'gateway';

export interface LatencyRow {
  id: string;
  target: Target;
  cache: 'off' | 'on';
  simulatorLatencyMs: number;
  concurrency: number;
  figures: LoadFigures;
  /** p50 − the simulator's p50 for the same Shopify requests, latency and concurrency */
  overheadP50Ms: number | null;
  /** the same with means (at c=32 the machine is saturated and queueing can sit in the tail rather than the median) */
  overheadMeanMs: number | null;
  /** highest RSS of the subgraph process sampled during the row (MB) */
  subgraphPeakRssMb: number | null;
}

export interface LatencyResult {
  conditions: string;
  rows: LatencyRow[];
  memory: { idleRssMb: number | null; peakRssMb: number | null; cacheOnPeakRssMb: number | null };
}

export interface LatencyOptions {
  shape: Shape;
  profiles: DemoProfile[];
  simulatorLatenciesMs: readonly number[];
  concurrencies: readonly number[];
  durationS: number;
  warmupS: number;
  log: (line: string) => void;
}

/** The subgraph's environment: `npm start` against the simulator, with nothing from the caller's shell leaking in. */
function subgraphEnv(sim: { url: string; token: string }, sqlitePath: string, cacheTtlS: number): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SHOPIFY_STORE_DOMAIN: sim.url,
    SHOPIFY_ADMIN_ACCESS_TOKEN: sim.token,
    SHOPIFY_CACHE_TTL_S: String(cacheTtlS),
    AUTH_MODE: 'none',
    SQLITE_PATH: sqlitePath,
    DATABASE_URL: '',
    REDIS_URL: '',
    ROUTER_SECRET: '',
    AUTH_JWT_SECRET: '',
    AUTH_JWKS_URL: '',
    SHOPIFY_WEBHOOK_SECRET: '',
  };
}

const JOB_SLACK_MS = 60_000;

/** The processes section 2 measures; started early (while section 1 runs) because loading them takes a while. */
export interface LatencyProcesses {
  sim: { url: string; token: string; graphqlUrl: string };
  subgraph: Child;
  /** the same subgraph with its cache on, when asked for */
  cached: Child | null;
  cannon: Child;
  close(): Promise<void>;
}

/** Starts the simulator, the subgraph (cache off, and on if `cacheRows`) and the autocannon worker. */
export async function startLatencyProcesses(opts: { cacheRows: boolean }): Promise<LatencyProcesses> {
  const closers: Array<() => Promise<unknown>> = [];
  const tmp = mkdtempSync(join(tmpdir(), 'bench-latency-'));
  closers.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const simChild = await startChild('./simulator-process.ts', { env: { BENCH_SIMULATOR: JSON.stringify({ ...STORE, ...HUGE_BUCKET }) } });
    closers.push(() => simChild.stop());
    const sim = simChild.ready as unknown as LatencyProcesses['sim'];
    // Started together (each is seconds of TypeScript loading); the cache-on subgraph idles until its rows.
    const started = await Promise.allSettled([
      startChild('./subgraph-process.ts', { env: subgraphEnv(sim, join(tmp, 'off.sqlite'), 0) }),
      startChild('./autocannon-worker.ts'),
      ...(opts.cacheRows ? [startChild('./subgraph-process.ts', { env: subgraphEnv(sim, join(tmp, 'on.sqlite'), 30) })] : []),
    ]);
    for (const s of started) if (s.status === 'fulfilled') closers.push(() => s.value.stop());
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [subgraph, cannon, cached] = started.map((s) => (s as PromiseFulfilledResult<Child>).value) as [Child, Child, Child | undefined];
    return { sim, subgraph, cannon, cached: cached ?? null, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs section 2 on processes from startLatencyProcesses (which the caller stops). */
export async function runLatency(procs: LatencyProcesses, opts: LatencyOptions): Promise<LatencyResult> {
  const { sim, subgraph, cannon, cached } = procs;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const faults = async (latencyMs: number) => {
      const res = await fetch(`${sim.url}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs }) });
      if (!res.ok) throw new Error(`simulator faults: HTTP ${res.status}`);
    };
    const subgraphUrl = String(subgraph.ready.url);

    const profilesServer = await startProfilesSubgraph({ profiles: opts.profiles, port: 0 });
    closers.push(() => profilesServer.close());
    const gateway = await startGateway({ supergraphSdl: composeSupergraph(profilesServer.url, subgraphUrl), port: 0 });
    closers.push(() => gateway.close());

    const count = opts.profiles.length;
    const entitiesBody = JSON.stringify({ query: entitiesQuery('card'), variables: { representations: representations(opts.profiles) } });
    const gatewayBody = JSON.stringify({ query: supergraphQuery('card'), variables: { ids: opts.profiles.map((p) => p.id) } });
    const timeout = (opts.durationS + opts.warmupS) * 1000 + JOB_SLACK_MS;

    const http = (child: Child, url: string, body: string, field: string, connections: number) =>
      child.call<LoadFigures>({ type: 'http', url, body, connections, durationS: opts.durationS, warmupS: opts.warmupS, expect: { field, count } } satisfies Omit<HttpJob, 'id'>, timeout);
    const shape = (concurrency: number) =>
      cannon.call<LoadFigures>({
        type: 'shape',
        url: sim.graphqlUrl,
        headers: { 'x-shopify-access-token': sim.token },
        rounds: opts.shape,
        concurrency,
        durationS: opts.durationS,
        warmupS: opts.warmupS,
      } satisfies Omit<ShapeJob, 'id'>, timeout);

    const idleRssMb = processMemory(subgraph.pid)?.rssMb ?? null;
    const rows: LatencyRow[] = [];
    const add = (row: LatencyRow) => {
      rows.push(row);
      const f = row.figures;
      opts.log(`  ${row.target.padEnd(9)} cache ${row.cache}, latency ${row.simulatorLatencyMs} ms, c=${row.concurrency}: p50 ${f.p50Ms} ms, ${f.requestsPerS} req/s${f.errors ? `, ${f.errors} ERRORS (${f.firstError})` : ''}`);
    };
    const measured = async (pid: number | null, run: () => Promise<LoadFigures>) => {
      const rss = pid ? sampleRss(pid) : null;
      try {
        const figures = await run();
        return { figures, peak: rss?.stop() ?? null };
      } finally {
        rss?.stop();
      }
    };

    const overhead = (f: LoadFigures, base: LoadFigures) => ({
      overheadP50Ms: Math.round((f.p50Ms - base.p50Ms) * 100) / 100,
      overheadMeanMs: Math.round((f.meanMs - base.meanMs) * 100) / 100,
    });
    // Concurrency outermost: RSS never shrinks much once grown, so the c=1 rows run before any c=32 row.
    for (const c of opts.concurrencies) {
      for (const latencyMs of opts.simulatorLatenciesMs) {
        await faults(latencyMs);
        const base = (await measured(null, () => shape(c))).figures;
        const row = (target: Target, m: { figures: LoadFigures; peak: number | null }): LatencyRow => ({
          id: `latency/${target}/cache=off/latency=${latencyMs}ms/c=${c}`,
          target,
          cache: 'off',
          simulatorLatencyMs: latencyMs,
          concurrency: c,
          figures: m.figures,
          ...(target === 'simulator' ? { overheadP50Ms: null, overheadMeanMs: null } : overhead(m.figures, base)),
          subgraphPeakRssMb: m.peak,
        });
        add(row('simulator', { figures: base, peak: null }));
        add(row('subgraph', await measured(subgraph.pid, () => http(cannon, subgraphUrl, entitiesBody, '_entities', c))));
        add(row('gateway', await measured(subgraph.pid, () => http(cannon, gateway.url, gatewayBody, 'profiles', c))));
      }
    }
    const peakRssMb = processMemory(subgraph.pid)?.peakRssMb ?? null;

    // The same subgraph with its cache on (TTL 30 s): after warm-up every profile is a hit, so this is the cost of
    // serving from the cache, for comparison with the rows above (which are what a miss costs).
    let cacheOnPeakRssMb: number | null = null;
    if (cached) {
      const latencyMs = Math.max(...opts.simulatorLatenciesMs);
      await faults(latencyMs);
      for (const c of opts.concurrencies) {
        const m = await measured(cached.pid, () => http(cannon, String(cached.ready.url), entitiesBody, '_entities', c));
        const base = rows.find((r) => r.target === 'simulator' && r.simulatorLatencyMs === latencyMs && r.concurrency === c)!.figures;
        add({
          id: `latency/subgraph/cache=on/latency=${latencyMs}ms/c=${c}`,
          target: 'subgraph',
          cache: 'on',
          simulatorLatencyMs: latencyMs,
          concurrency: c,
          figures: m.figures,
          ...overhead(m.figures, base),
          subgraphPeakRssMb: m.peak,
        });
      }
      cacheOnPeakRssMb = processMemory(cached.pid)?.peakRssMb ?? null;
    }
    await faults(0);

    const requests = opts.shape.flat().length;
    return {
      conditions: `${count} profiles (the first ${count} demo profiles), full card; subgraph = POST _entities straight to the subgraph; `
        + `gateway = profiles(ids:) through @apollo/gateway (+ demo profiles subgraph); simulator = the subgraph's own Shopify requests for that call `
        + `(${requests} in ${opts.shape.length} round${opts.shape.length === 1 ? '' : 's'}) sent straight to the simulator; `
        + `latency = fixed simulator delay per Shopify request; c = concurrent clients; ${opts.durationS} s per row after ${opts.warmupS} s warm-up; `
        + `subgraph in its own process (NODE_ENV=production, LOG_LEVEL=warn, SQLite, no Redis), simulator and autocannon in theirs, gateway in the runner's; `
        + `simulator bucket ${HUGE_BUCKET.maximumAvailable.toExponential(0)} (never throttles); overhead = p50 (mean) − simulator p50 (mean) at the same latency and c; `
        + `cache on = a second subgraph process with SHOPIFY_CACHE_TTL_S=30 asked the same call again and again (every lookup a hit after warm-up)`,
      rows,
      memory: { idleRssMb, peakRssMb, cacheOnPeakRssMb },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}
