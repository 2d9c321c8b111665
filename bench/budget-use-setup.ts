/**
 * What the parts of section 7 (bench/budget-use.ts) share: the card they open, the simulators (each in its own
 * process), and the three subgraphs measured side by side — this tree, the baseline commit (bench/baseline.ts) and
 * the naive subgraph (bench/naive-subgraph.ts) — each started on its own simulator, stopped by the caller.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimCustomer } from '../dev/profiles-subgraph.js';
import { startCompiledAt, type BaselineBuild } from './baseline.js';
import { STANDARD_PLAN } from './budget.js';
import { benchAuth, subgraphEnv, type BenchAuth } from './latency.js';
import { ROOT, startChild, type Child } from './processes.js';
import { CARD_FIELDS } from './load.js';
import { STORE } from './requests.js';
import { control, statsOf, type SimStats } from './stores-setup.js';

export { control, statsOf, type SimStats };

/** The Shopify part of bench/load.ts's CARD_QUERY (what an agent's profile card asks this subgraph), as `_entities`. */
export const CARD_ENTITIES_QUERY = /* GraphQL */ `
  query BudgetUseCard($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on CustomerProfile {
        id
${CARD_FIELDS}
      }
    }
  }
`;

/** Error codes that mean "Shopify's budget said no" when they reach a client. */
export const THROTTLED_CODES = ['SHOPIFY_THROTTLED', 'THROTTLED'];

/** Which code serves: this checkout, the baseline commit, or the naive (unbatched, uncached) subgraph. */
export type Code = 'this' | 'baseline' | 'naive';

export const round1 = (n: number) => Math.round(n * 10) / 10;
export const round2 = (n: number) => Math.round(n * 100) / 100;
export const percentile = (values: readonly number[], p: number): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
};
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** A simulator in its own process. */
export interface SimProcess {
  url: string;
  token: string;
  graphqlUrl: string;
  child: Child;
}

/** Starts the bench's store (seed 1, 500 customers) on the Standard plan (or `plan`) in its own process. */
export async function startSimProcess(plan: { maximumAvailable: number; restoreRate: number } = STANDARD_PLAN): Promise<SimProcess> {
  const child = await startChild('./simulator-process.ts', { env: { BENCH_SIMULATOR: JSON.stringify({ ...STORE, ...plan }) } });
  const ready = child.ready as { url: string; token: string; graphqlUrl: string };
  return { url: ready.url, token: ready.token, graphqlUrl: ready.graphqlUrl, child };
}

/** Waits (at most `capMs`) until the store's bucket is full again, as it is on a store at rest. */
export async function waitFullBucket(simUrl: string, capMs = 60_000): Promise<void> {
  const until = performance.now() + capMs;
  while (performance.now() < until) {
    const t = (await control(simUrl, 'throttle')) as { currentlyAvailable: number; maximumAvailable: number };
    if (t.currentlyAvailable >= t.maximumAvailable - 1) return;
    await sleep(Math.min(1000, ((t.maximumAvailable - t.currentlyAvailable) / 100) * 1000));
  }
}

/** The store's customers, as its control API lists them. */
export const customersOf = (sim: { url: string }): Promise<SimCustomer[]> => control(sim.url, 'customers');

/** Everything the bench gives each subgraph it starts: secrets, the baseline build, a scratch folder. */
export interface TargetContext {
  auth: BenchAuth;
  baseline: BaselineBuild;
  tmp: string;
  webhookSecret: string;
}

/** A subgraph serving one simulator. */
export interface Target {
  code: Code;
  /** its GraphQL endpoint */
  url: string;
  /** its /metrics, when it has one */
  metricsUrl: string | null;
  /** its webhook endpoint, when it has one */
  webhookUrl: string | null;
  stop(): Promise<void>;
}

/** Secrets and a scratch folder for one run of the section; `close` removes the folder. */
export async function targetContext(baseline: BaselineBuild): Promise<TargetContext & { close(): void }> {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-budget-use-'));
  return {
    auth: await benchAuth(),
    baseline,
    tmp,
    webhookSecret: `bench-webhooks-${Math.random().toString(36).slice(2)}`,
    close: () => rmSync(tmp, { recursive: true, force: true }),
  };
}

let sqliteSeq = 0;

/**
 * Starts `code`'s subgraph on `sim`, configured as production (bench/latency.ts's subgraphEnv) with the code's own
 * default cache TTL unless `cacheTtlS` is given. `webhooks`: the subgraph verifies webhooks with the run's secret,
 * and this tree is told its own URL (PUBLIC_URL), so that code which subscribes itself does.
 */
export async function startTarget(
  code: Code,
  sim: { url: string; token: string },
  ctx: TargetContext,
  opts: { cacheTtlS?: number; webhooks?: boolean } = {},
): Promise<Target> {
  if (code === 'naive') {
    const child = await startChild('./naive-process.ts', { env: { BENCH_NAIVE: JSON.stringify({ storeUrl: sim.url, token: sim.token }) } });
    return { code, url: String(child.ready.url), metricsUrl: null, webhookUrl: null, stop: () => child.stop() };
  }
  const env: Record<string, string> = subgraphEnv(sim, ctx.auth, join(ctx.tmp, `${code}-${++sqliteSeq}.sqlite`), opts.cacheTtlS ?? 0);
  if (opts.cacheTtlS === undefined) delete env.SHOPIFY_CACHE_TTL_S;
  if (opts.webhooks) {
    env.SHOPIFY_WEBHOOK_SECRET = ctx.webhookSecret;
    if (code === 'this') env.PUBLIC_URL = '{BASE}';
  }
  const started = await startCompiledAt(code === 'this' ? ROOT : ctx.baseline.root, env);
  return {
    code,
    url: started.url,
    metricsUrl: `${started.base}/metrics`,
    webhookUrl: `${started.base}/webhooks/shopify`,
    stop: () => started.child.stop(),
  };
}

/** Headers a router sends this subgraph (the agent's token and the router's secret). */
export function routerHeaders(auth: BenchAuth): Record<string, string> {
  return { authorization: `Bearer ${auth.token}`, 'router-authorization': auth.routerSecret, 'content-type': 'application/json' };
}

/** One answer of the subgraph: its entities, its error codes, and how long it took. */
export interface CardAnswer {
  ms: number;
  entities: any[] | null;
  codes: string[];
}

/** POSTs the card's `_entities` call for these profiles straight to the subgraph. */
export async function entitiesCard(
  url: string,
  headers: Record<string, string>,
  profiles: ReadonlyArray<{ id: string; emails: string[] }>,
  query: string = CARD_ENTITIES_QUERY,
): Promise<CardAnswer> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        query,
        variables: { representations: profiles.map((p) => ({ __typename: 'CustomerProfile', id: p.id, emails: p.emails })) },
      }),
    });
    const body = (await res.json()) as { data?: { _entities?: any[] }; errors?: Array<{ extensions?: { code?: string } }> };
    const codes = (body.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
    if (res.status !== 200 && codes.length === 0) codes.push(`HTTP_${res.status}`);
    return { ms: performance.now() - t0, entities: body.data?._entities ?? null, codes };
  } catch {
    return { ms: performance.now() - t0, entities: null, codes: ['NETWORK'] };
  }
}

/** Counts codes into a record. */
export function countCodes(into: Record<string, number>, codes: readonly string[]): void {
  for (const c of codes) into[c] = (into[c] ?? 0) + 1;
}

/** One answer's outcome by its error codes: served, THROTTLED (any of its errors), or another error. */
export function classify(codes: readonly string[]): 'ok' | 'throttled' | 'error' {
  if (codes.length === 0) return 'ok';
  return codes.some((c) => THROTTLED_CODES.includes(c)) ? 'throttled' : 'error';
}

/** Cache lookups by result from a subgraph's Prometheus text (shopify_cache_lookups_total), summed over stores. */
export async function cacheLookups(metricsUrl: string | null): Promise<Record<string, number> | null> {
  if (!metricsUrl) return null;
  const text = await fetch(metricsUrl)
    .then((r) => (r.ok ? r.text() : ''))
    .catch(() => '');
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^shopify_cache_lookups_total\{([^}]*)\}\s+([\d.e+-]+)$/gm)) {
    const result = /result="([^"]*)"/.exec(m[1]!)?.[1] ?? 'unknown';
    out[result] = (out[result] ?? 0) + Number(m[2]);
  }
  return Object.keys(out).length > 0 ? out : null;
}
