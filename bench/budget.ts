/**
 * Section 3: how many profile views per second the subgraph sustains on Shopify's Standard plan (2000-point
 * bucket, 100 points/s) for a whole run without a THROTTLED reaching a client, cache off and on.
 *
 * Each rung is one run of bench/load.ts (agents opening profile cards through the real supergraph, open loop, at
 * `overload` × the rate an uncached view's measured cost allows), in its own process. Rungs go up until one fails;
 * the figure is the highest rate that passed. A rung passes when every view was answered, correctly, with no error
 * of any kind (THROTTLED or other) reaching the client.
 */
import type { LoadOptions, LoadReport } from './load.js';
import { processMemory, sampleRss, startChild } from './processes.js';

export const STANDARD_PLAN = { maximumAvailable: 2000, restoreRate: 100 } as const;

export interface BudgetRung {
  overload: number;
  offeredPerS: number;
  servedPerS: number;
  sent: number;
  served: number;
  passed: boolean;
  /** THROTTLED errors that reached clients */
  throttledToClients: number;
  clientErrors: Record<string, number>;
  wrong: number;
  latencyMs: { p50: number; p99: number };
  /** Shopify's side: requests, points per second, THROTTLED answers the subgraph absorbed */
  shopify: { requests: number; pointsPerS: number; throttled: number };
  cache: Record<string, number>;
  /** peak RSS of the run's process: simulator + profiles subgraph + gateway + subgraph together (MB) */
  processPeakRssMb: number | null;
}

export interface BudgetRow {
  id: string;
  cache: 'off' | 'on';
  /** measured cost of one uncached card view, and the rate restoreRate / actual cost allows */
  viewCost: { actual: number; requested: number } | null;
  uncachedSustainablePerS: number | null;
  /** highest offered rate that passed; null when none did */
  sustainedPerS: number | null;
  /** the lowest rate that failed; null when every rung passed (the figure is then a lower bound) */
  failedPerS: number | null;
  /** distinct profiles the agents open */
  pool: number | null;
  rungs: BudgetRung[];
  error: string | null;
}

export interface BudgetResult {
  conditions: string;
  rows: BudgetRow[];
}

export interface BudgetOptions {
  durationS: number;
  /** overload multiples to try, lowest first, per cache mode */
  ladders: { off: readonly number[]; on: readonly number[] };
  log: (line: string) => void;
}

const THROTTLED_CODES = ['SHOPIFY_THROTTLED', 'THROTTLED'];

async function rung(cache: 'off' | 'on', overload: number, durationS: number): Promise<{ report: LoadReport; peak: number | null }> {
  const child = await startChild('./budget-worker.ts');
  const rss = sampleRss(child.pid, 500);
  try {
    const options: LoadOptions = { durationS, overload, ...STANDARD_PLAN, env: { SHOPIFY_CACHE_TTL_S: cache === 'on' ? '30' : '0' } };
    const report = await child.call<LoadReport>({ type: 'load', options }, durationS * 1000 + 180_000);
    const sampled = rss.stop();
    const hwm = processMemory(child.pid)?.peakRssMb ?? null;
    return { report, peak: hwm ?? sampled };
  } finally {
    rss.stop();
    await child.stop();
  }
}

/** Runs section 3: one ladder per cache mode. */
export async function runBudget(opts: BudgetOptions): Promise<BudgetResult> {
  const rows: BudgetRow[] = [];
  for (const cache of ['off', 'on'] as const) {
    const row: BudgetRow = {
      id: `budget/cache=${cache}`,
      cache,
      viewCost: null,
      uncachedSustainablePerS: null,
      sustainedPerS: null,
      failedPerS: null,
      pool: null,
      rungs: [],
      error: null,
    };
    rows.push(row);
    for (const overload of opts.ladders[cache]) {
      let result: { report: LoadReport; peak: number | null };
      try {
        result = await rung(cache, overload, opts.durationS);
      } catch (error) {
        row.error = error instanceof Error ? error.message : String(error);
        opts.log(`  cache ${cache}, ${overload}× : FAILED TO RUN: ${row.error}`);
        break;
      }
      const r = result.report;
      const throttledToClients = THROTTLED_CODES.reduce((s, code) => s + (r.clientErrors[code] ?? 0), 0);
      const passed = Object.keys(r.clientErrors).length === 0 && r.wrong === 0 && r.served === r.sent;
      row.viewCost = r.viewCost;
      row.uncachedSustainablePerS = r.sustainablePerS;
      row.pool = r.pool;
      row.rungs.push({
        overload,
        offeredPerS: r.offeredPerS,
        servedPerS: r.servedPerS,
        sent: r.sent,
        served: r.served,
        passed,
        throttledToClients,
        clientErrors: r.clientErrors,
        wrong: r.wrong,
        latencyMs: { p50: r.latencyMs.p50, p99: r.latencyMs.p99 },
        shopify: { requests: r.shopify.requests, pointsPerS: r.shopify.pointsPerS, throttled: r.shopify.throttled },
        cache: r.cache,
        processPeakRssMb: result.peak,
      });
      opts.log(
        `  cache ${cache}, ${overload}× = ${r.offeredPerS} views/s for ${r.durationS} s: ${passed ? 'passed' : 'FAILED'} (served ${r.served}/${r.sent}, THROTTLED to clients ${throttledToClients}, errors ${JSON.stringify(r.clientErrors)}, wrong ${r.wrong}, Shopify THROTTLED absorbed ${r.shopify.throttled})`,
      );
      if (!passed) {
        row.failedPerS = r.offeredPerS;
        break;
      }
      row.sustainedPerS = r.offeredPerS;
    }
  }
  const pool = rows.find((r) => r.pool !== null)?.pool ?? '?';
  return {
    conditions:
      `simulator on the Standard plan (${STANDARD_PLAN.maximumAvailable}-point bucket, ${STANDARD_PLAN.restoreRate} points/s); bench/load.ts: agents open ` +
      `its profile card (CARD_QUERY) for a pool of ${pool} profiles at random, open loop, through @apollo/gateway, everything in one process; ` +
      `${opts.durationS} s per rung; rungs = multiples of restoreRate / (actual cost of one uncached view), lowest first, stop at the first failure; ` +
      `pass = every view answered, correct, no error (THROTTLED or other) reaching a client; cache on = SHOPIFY_CACHE_TTL_S=30 (in-process LRU), cold at the start of each rung`,
    rows,
  };
}
