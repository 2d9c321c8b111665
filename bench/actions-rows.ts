/** Section 8's rows (bench/actions.ts): one action's calls and replays summed up per call, and timed. */
import { percentile } from './actions-race.js';
import { mutationsIn, type ShopifyDelta } from './actions-setup.js';
import type { ActionId, ActionKind } from './actions-kinds.js';

/** What one action cost Shopify, per call (means over the N calls of the first pass), and its replays. */
export interface ActionCountRow {
  id: string;
  action: ActionId;
  label: string;
  calls: number;
  requests: number;
  /** per call, by operation name: queries and mutations apart */
  queries: Record<string, number>;
  mutations: Record<string, number>;
  requestedCost: number;
  actualCost: number;
  /** replays: requests and their operations per call, mutations in all (must be 0), requested points per call */
  replay: { requests: number; operations: Record<string, number>; mutations: number; requestedCost: number };
  errors: string[];
}

/** One action's latency at one simulator latency, first calls and replays. */
export interface ActionLatencyRow {
  id: string;
  action: ActionId;
  label: string;
  simulatorLatencyMs: number;
  calls: number;
  /** Shopify requests per call (mean) in this pass */
  requests: number;
  p50Ms: number | null;
  p95Ms: number | null;
  replayP50Ms: number | null;
  replayP95Ms: number | null;
  errors: number;
}

/** One call as measured: its time, its Shopify requests, and what was wrong with its answer. */
export interface Sample {
  ms: number;
  shopify: ShopifyDelta;
  problem: string | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const mean = (values: readonly number[]) => (values.length === 0 ? 0 : round2(values.reduce((a, b) => a + b, 0) / values.length));

/** Per call, by operation name, the operations `keep` selects. */
function perCall(samples: readonly Sample[], keep: (op: string) => boolean): Record<string, number> {
  const total: Record<string, number> = {};
  for (const s of samples) for (const [op, n] of Object.entries(s.shopify.byOperation)) if (keep(op)) total[op] = (total[op] ?? 0) + n;
  return Object.fromEntries(Object.entries(total).map(([op, n]) => [op, round2(n / Math.max(1, samples.length))]));
}

/** The problems of a set of samples, each with how often it came (at most 5 distinct). */
function problemsOf(samples: readonly Sample[]): string[] {
  const counts = new Map<string, number>();
  for (const s of samples) if (s.problem) counts.set(s.problem, (counts.get(s.problem) ?? 0) + 1);
  return [...counts].slice(0, 5).map(([p, n]) => `${n}× ${p.slice(0, 200)}`);
}

/** The Shopify requests and points of an action's calls, per call, and of its replays. */
export function countRow(kind: ActionKind, firsts: Sample[], replays: Sample[], mutationNames: ReadonlySet<string>): ActionCountRow {
  return {
    id: `actions/counts/${kind.id}`,
    action: kind.id,
    label: kind.label,
    calls: firsts.length,
    requests: mean(firsts.map((s) => s.shopify.requests)),
    queries: perCall(firsts, (op) => !mutationNames.has(op)),
    mutations: perCall(firsts, (op) => mutationNames.has(op)),
    requestedCost: mean(firsts.map((s) => s.shopify.requestedCost)),
    actualCost: mean(firsts.map((s) => s.shopify.actualCost)),
    replay: {
      requests: mean(replays.map((s) => s.shopify.requests)),
      operations: perCall(replays, () => true),
      mutations: replays.reduce((n, s) => n + mutationsIn(s.shopify, mutationNames), 0),
      requestedCost: mean(replays.map((s) => s.shopify.requestedCost)),
    },
    errors: problemsOf([...firsts, ...replays]),
  };
}

/** The latency of an action's calls and replays at one simulator latency. */
export function latencyRow(kind: ActionKind, latencyMs: number, firsts: Sample[], replays: Sample[]): ActionLatencyRow {
  const ms = (s: readonly Sample[]) => s.map((x) => x.ms);
  return {
    id: `actions/latency/${kind.id}/latency=${latencyMs}ms`,
    action: kind.id,
    label: kind.label,
    simulatorLatencyMs: latencyMs,
    calls: firsts.length,
    requests: mean(firsts.map((s) => s.shopify.requests)),
    p50Ms: percentile(ms(firsts), 50),
    p95Ms: percentile(ms(firsts), 95),
    replayP50Ms: percentile(ms(replays), 50),
    replayP95Ms: percentile(ms(replays), 95),
    errors: [...firsts, ...replays].filter((s) => s.problem).length,
  };
}
