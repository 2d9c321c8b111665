/**
 * Section 2: added latency and throughput. The full card for K profiles (K = 10, and 100 at concurrency 1 only), as
 * the `_entities` call a router sends straight to the subgraph, and as `profiles(ids:)` through @apollo/gateway, at
 * concurrency 1 and 32, with the simulator answering each request after 0 ms and 50 ms. Beside each, the simulator
 * alone asked exactly what the subgraph asks it for that call (recorded in section 1), so overhead = p50 − simulator
 * p50 is what the subgraph (and gateway) add on top of Shopify's own time.
 *
 * Processes: simulator, subgraph and autocannon each in their own; the gateway and the demo profiles subgraph in
 * the runner's (which does nothing else while a row runs). The subgraph's RSS is sampled during each row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDevSecret, signDemoToken } from '../dev/demo-token.js';
import { startGateway } from '../dev/gateway.js';
import { startProfilesSubgraph, type DemoProfile } from '../dev/profiles-subgraph.js';
import { composeSupergraph } from '../dev/supergraph-harness.js';
import type { HttpJob, LoadFigures, ShapeJob } from './autocannon-worker.js';
import { processMemory, sampleRss, startChild, startCompiledSubgraph, type Child } from './processes.js';
import type { Shape } from './proxy.js';
import { entitiesQuery, representations, supergraphQuery } from './queries.js';
import { HUGE_BUCKET, STORE } from './requests.js';

export type Target = 'simulator' | 'subgraph' | 'gateway';

export interface LatencyRow {
  id: string;
  target: Target;
  cache: 'off' | 'on';
  /** profiles in the call */
  k: number;
  simulatorLatencyMs: number;
  concurrency: number;
  /** Shopify requests behind one call, and in how many rounds */
  shopifyRequests: number;
  rounds: number;
  figures: LoadFigures;
  /** p50 − the simulator's p50 for the same Shopify requests, latency and concurrency */
  overheadP50Ms: number | null;
  /** the same with means (at c=32 the machine is saturated and queueing can sit in the tail rather than the median) */
  overheadMeanMs: number | null;
  /** highest RSS of the subgraph process sampled during the row (MB) */
  subgraphPeakRssMb: number | null;
}

export interface LatencyMemory {
  /** RSS right after start (section 1 runs meanwhile, so about a second after the subgraph answered /healthz) */
  idleRssMb: number | null;
  /**
   * RSS 15 s after the subgraph was ready, still before any request: V8 has shrunk the young generation that loading
   * grew by then (its memory reducer starts 8 s after the last allocation burst), so this is what an idle replica holds
   */
  settledIdleRssMb: number | null;
  peakRssMb: number | null;
  cacheOnPeakRssMb: number | null;
  /** V8 heap in use right after a full GC: before any request, and after the whole section (what stays retained) */
  heapAfterGcMb: { idle: number | null; end: number | null };
}

export interface LatencyResult {
  conditions: string;
  rows: LatencyRow[];
  memory: LatencyMemory;
}

/** One call size: K profiles, measured at these concurrencies. */
export interface LatencyBatch {
  k: number;
  concurrencies: readonly number[];
}

export interface LatencyOptions {
  /** by K: the Shopify requests of that call (from section 1) */
  shapes: Record<number, Shape>;
  /** the demo profiles in order; a batch of K takes the first K */
  profiles: DemoProfile[];
  batches: readonly LatencyBatch[];
  simulatorLatenciesMs: readonly number[];
  durationS: number;
  warmupS: number;
  log: (line: string) => void;
}

/** Secrets of one bench run: production requires agent tokens and the router's secret (src/config.ts). */
export interface BenchAuth {
  jwtSecret: string;
  routerSecret: string;
  /** an agent token with every scope, as a router forwards it */
  token: string;
}

/** Fresh secrets and a token for this run. */
export async function benchAuth(): Promise<BenchAuth> {
  const jwtSecret = generateDevSecret();
  return { jwtSecret, routerSecret: generateDevSecret(), token: await signDemoToken(jwtSecret) };
}

/**
 * The subgraph's environment: `npm start` against the simulator, as production runs it (agent tokens checked, the
 * router's secret required), with nothing from the caller's shell leaking in.
 */
export function subgraphEnv(
  sim: { url: string; token: string },
  auth: BenchAuth,
  sqlitePath: string,
  cacheTtlS: number,
): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SHOPIFY_STORE_DOMAIN: sim.url,
    SHOPIFY_ADMIN_ACCESS_TOKEN: sim.token,
    SHOPIFY_CACHE_TTL_S: String(cacheTtlS),
    AUTH_MODE: 'jwt',
    SQLITE_PATH: sqlitePath,
    DATABASE_URL: '',
    REDIS_URL: '',
    ROUTER_SECRET: auth.routerSecret,
    ROUTER_SECRET_OPTIONAL: 'false',
    AUTH_JWT_SECRET: auth.jwtSecret,
    AUTH_JWKS_URL: '',
    AUTH_ISSUER: '',
    AUTH_AUDIENCE: '',
    SHOPIFY_WEBHOOK_SECRET: '',
  };
}

const JOB_SLACK_MS = 60_000;
/** How long after ready the settled idle RSS is read. */
const SETTLE_MS = 15_000;

/** The processes section 2 measures; started early (while section 1 runs) because loading them takes a while. */
export interface LatencyProcesses {
  sim: { url: string; token: string; graphqlUrl: string };
  subgraph: Child;
  /** the same subgraph with its cache on, when asked for */
  cached: Child | null;
  cannon: Child;
  auth: BenchAuth;
  /** when the subgraph answered /healthz (Date.now()) */
  readyAt: number;
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
    const auth = await benchAuth();
    // Started together (each takes seconds to load); the cache-on subgraph idles until its rows.
    let readyAt = 0;
    const started = await Promise.allSettled([
      startCompiledSubgraph(subgraphEnv(sim, auth, join(tmp, 'off.sqlite'), 0), ['--expose-gc']).then((child) => {
        readyAt = Date.now();
        return child;
      }),
      startChild('./autocannon-worker.ts'),
      ...(opts.cacheRows ? [startCompiledSubgraph(subgraphEnv(sim, auth, join(tmp, 'on.sqlite'), 30))] : []),
    ]);
    for (const s of started) if (s.status === 'fulfilled') closers.push(() => s.value.stop());
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const [subgraph, cannon, cached] = started.map((s) => (s as PromiseFulfilledResult<Child>).value) as [Child, Child, Child | undefined];
    return { sim, subgraph, cannon, cached: cached ?? null, auth, readyAt, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Runs section 2 on processes from startLatencyProcesses (which the caller stops). */
export async function runLatency(procs: LatencyProcesses, opts: LatencyOptions): Promise<LatencyResult> {
  const { sim, subgraph, cannon, cached, auth } = procs;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const faults = async (latencyMs: number) => {
      const res = await fetch(`${sim.url}/__simulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs }),
      });
      if (!res.ok) throw new Error(`simulator faults: HTTP ${res.status}`);
    };
    const heapAfterGc = async () => {
      const m = await subgraph.call<{ heapUsed: number } | null>({ type: 'memory', gc: true }, 30_000).catch(() => null);
      return m ? Math.round(m.heapUsed / 104857.6) / 10 : null;
    };
    const subgraphUrl = String(subgraph.ready.url);
    const maxK = Math.max(...opts.batches.map((b) => b.k));
    const profilesServer = await startProfilesSubgraph({ profiles: opts.profiles.slice(0, maxK), port: 0 });
    closers.push(() => profilesServer.close());
    const gateway = await startGateway({
      supergraphSdl: composeSupergraph(profilesServer.url, subgraphUrl),
      port: 0,
      routerSecret: auth.routerSecret,
    });
    closers.push(() => gateway.close());

    const timeout = (opts.durationS + opts.warmupS) * 1000 + JOB_SLACK_MS;
    const calls = new Map(
      opts.batches.map(({ k }) => {
        const chosen = opts.profiles.slice(0, k);
        const shape = opts.shapes[k];
        if (!shape) throw new Error(`no recorded Shopify requests for a call of ${k} profiles`);
        return [
          k,
          {
            shape,
            entities: JSON.stringify({ query: entitiesQuery('card'), variables: { representations: representations(chosen) } }),
            gateway: JSON.stringify({ query: supergraphQuery('card'), variables: { ids: chosen.map((p) => p.id) } }),
          },
        ];
      }),
    );
    // What a router sends the subgraph, and what a frontend sends the gateway (which adds the router's secret).
    const toSubgraph = { authorization: `Bearer ${auth.token}`, 'router-authorization': auth.routerSecret };
    const toGateway = { authorization: `Bearer ${auth.token}` };
    const http = (url: string, body: string, field: string, count: number, connections: number) =>
      cannon.call<LoadFigures>(
        {
          type: 'http',
          url,
          headers: url === gateway.url ? toGateway : toSubgraph,
          body,
          connections,
          durationS: opts.durationS,
          warmupS: opts.warmupS,
          expect: { field, count },
        } satisfies Omit<HttpJob, 'id'>,
        timeout,
      );
    const replay = (rounds: Shape, concurrency: number) =>
      cannon.call<LoadFigures>(
        {
          type: 'shape',
          url: sim.graphqlUrl,
          headers: { 'x-shopify-access-token': sim.token },
          rounds,
          concurrency,
          durationS: opts.durationS,
          warmupS: opts.warmupS,
        } satisfies Omit<ShapeJob, 'id'>,
        timeout,
      );

    const idleRssMb = processMemory(subgraph.pid)?.rssMb ?? null;
    // Read before the forced GC below, which would shrink the heap itself.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, procs.readyAt + SETTLE_MS - Date.now())));
    const settledIdleRssMb = processMemory(subgraph.pid)?.rssMb ?? null;
    const idleHeap = await heapAfterGc();
    const rows: LatencyRow[] = [];
    const add = (row: LatencyRow) => {
      rows.push(row);
      const f = row.figures;
      opts.log(
        `  ${row.target.padEnd(9)} K=${row.k} cache ${row.cache}, latency ${row.simulatorLatencyMs} ms, c=${row.concurrency}: p50 ${f.p50Ms} ms, ${f.requestsPerS} req/s${f.errors ? `, ${f.errors} ERRORS (${f.firstError})` : ''}`,
      );
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
    const row = (
      target: Target,
      cache: 'off' | 'on',
      k: number,
      latencyMs: number,
      c: number,
      m: { figures: LoadFigures; peak: number | null },
      base: LoadFigures | null,
    ): LatencyRow => {
      const shape = calls.get(k)!.shape;
      return {
        id: `latency/${target}/K=${k}/cache=${cache}/latency=${latencyMs}ms/c=${c}`,
        target,
        cache,
        k,
        simulatorLatencyMs: latencyMs,
        concurrency: c,
        shopifyRequests: shape.flat().length,
        rounds: shape.length,
        figures: m.figures,
        overheadP50Ms: base ? Math.round((m.figures.p50Ms - base.p50Ms) * 100) / 100 : null,
        overheadMeanMs: base ? Math.round((m.figures.meanMs - base.meanMs) * 100) / 100 : null,
        subgraphPeakRssMb: m.peak,
      };
    };

    // Concurrency outermost: RSS never shrinks much once grown, so the c=1 rows run before any c=32 row.
    const concurrencies = [...new Set(opts.batches.flatMap((b) => b.concurrencies))].sort((a, b) => a - b);
    for (const c of concurrencies) {
      for (const { k } of opts.batches.filter((b) => b.concurrencies.includes(c))) {
        const call = calls.get(k)!;
        for (const latencyMs of opts.simulatorLatenciesMs) {
          await faults(latencyMs);
          const base = (await measured(null, () => replay(call.shape, c))).figures;
          add(row('simulator', 'off', k, latencyMs, c, { figures: base, peak: null }, null));
          add(
            row(
              'subgraph',
              'off',
              k,
              latencyMs,
              c,
              await measured(subgraph.pid, () => http(subgraphUrl, call.entities, '_entities', k, c)),
              base,
            ),
          );
          add(
            row(
              'gateway',
              'off',
              k,
              latencyMs,
              c,
              await measured(subgraph.pid, () => http(gateway.url, call.gateway, 'profiles', k, c)),
              base,
            ),
          );
        }
      }
    }
    const peakRssMb = processMemory(subgraph.pid)?.peakRssMb ?? null;
    const endHeap = await heapAfterGc();

    // The same subgraph with its cache on (TTL 30 s), for the smallest batch at the highest latency: after warm-up
    // every profile is a hit, so this is the cost of serving from the cache; the rows above are what a miss costs.
    let cacheOnPeakRssMb: number | null = null;
    if (cached) {
      const latencyMs = Math.max(...opts.simulatorLatenciesMs);
      const { k, concurrencies: cs } = opts.batches[0]!;
      await faults(latencyMs);
      for (const c of cs) {
        const m = await measured(cached.pid, () => http(String(cached.ready.url), calls.get(k)!.entities, '_entities', k, c));
        const base = rows.find(
          (r) => r.target === 'simulator' && r.k === k && r.simulatorLatencyMs === latencyMs && r.concurrency === c,
        )!.figures;
        add(row('subgraph', 'on', k, latencyMs, c, m, base));
      }
      cacheOnPeakRssMb = processMemory(cached.pid)?.peakRssMb ?? null;
    }
    await faults(0);

    const batches = opts.batches.map((b) => `K=${b.k} at c=${b.concurrencies.join(', ')}`).join('; ');
    return {
      conditions:
        `full card for the first K demo profiles (${batches}); subgraph = POST _entities straight to the subgraph; ` +
        `gateway = profiles(ids:) through @apollo/gateway (+ demo profiles subgraph); simulator = the subgraph's own Shopify requests for that call ` +
        `(Shopify req. = how many, in how many rounds) sent straight to the simulator, rounds one after the other; ` +
        `latency = fixed simulator delay per Shopify request; c = concurrent clients; ${opts.durationS} s per row after ${opts.warmupS} s warm-up; ` +
        `subgraph in its own process (NODE_ENV=production, agent tokens and router secret checked, LOG_LEVEL=warn, SQLite, no Redis), simulator and autocannon in theirs, gateway in the runner's; ` +
        `simulator bucket ${HUGE_BUCKET.maximumAvailable.toExponential(0)} (never throttles); overhead = p50 (mean) − simulator p50 (mean) at the same K, latency and c; ` +
        `cache on = a second subgraph process with SHOPIFY_CACHE_TTL_S=30 asked the same call again and again (every lookup a hit after warm-up)`,
      rows,
      memory: { idleRssMb, settledIdleRssMb, peakRssMb, cacheOnPeakRssMb, heapAfterGcMb: { idle: idleHeap, end: endHeap } },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}
