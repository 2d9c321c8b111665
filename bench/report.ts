/**
 * The bench's output: plain tables on stdout, the whole result as JSON in bench/results/ (latest.json and a copy
 * named by date and commit), and the same tables as Markdown for the README. Rows carry stable ids, so two result
 * files compare line by line (a run compares itself with the newest earlier run of the same mode):
 *   npx tsx bench/report.ts [bench/results/latest.json] [--markdown] [--compare other.json]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ActionsResult } from './actions.js';
import { actionsKeyFigures, actionsSections } from './actions-report.js';
import type { LoadFigures } from './autocannon-worker.js';
import type { BudgetResult } from './budget.js';
import type { BudgetUseResult } from './budget-use.js';
import { budgetUseKeyFigures, budgetUseSections } from './budget-use-report.js';
import type { IsolationResult } from './isolation.js';
import type { LatencyResult } from './latency.js';
import type { MemoryRow } from './memory.js';
import { ROOT } from './processes.js';
import { SELECTIONS, STORES_SELECTIONS } from './queries.js';
import type { RequestsResult } from './requests.js';
import type { StoresResult } from './stores.js';

export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** Where and when a run happened. */
export interface RunMeta {
  date: string;
  commit: string;
  /** uncommitted changes in the working tree when the run started */
  dirty: boolean;
  mode: 'quick' | 'full';
  node: string;
  cpus: number;
  cpuModel: string;
  /** 1-minute load average at start and end: other work on the machine makes figures noisy */
  loadAverage: { start: number; end: number | null };
  seconds: number | null;
}

export interface BenchResult {
  meta: RunMeta;
  /** section 1; `entitiesShapes` gives, by K, how many Shopify requests each round of the latency call had */
  requests: (Omit<RequestsResult, 'entitiesShapes' | 'profiles'> & { entitiesShapes: Record<string, number[]> }) | null;
  latency: LatencyResult | null;
  budget: BudgetResult | null;
  /** section 5; absent from result files written before it existed */
  isolation?: IsolationResult | null;
  /** section 6 (several stores); absent from result files written before it existed */
  stores?: StoresResult | null;
  /** section 7 (budget use, issue 14); absent from result files written before it existed */
  budgetUse?: BudgetUseResult | null;
  /** section 8 (agent actions, issue 15); absent from result files written before it existed */
  actions?: ActionsResult | null;
  memory: MemoryRow[];
  /** sections that failed, with their error */
  errors: Record<string, string>;
}

/** Commit, dirtiness and machine facts for the result's header. */
export function runMeta(mode: 'quick' | 'full'): RunMeta {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  return {
    date: new Date().toISOString(),
    commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
    dirty: git('status', '--porcelain', '--untracked-files=no') !== '',
    mode,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage: { start: Math.round(loadavg()[0]! * 100) / 100, end: null },
    seconds: null,
  };
}

type Cell = string | number | null | undefined;

/** A plain-text table: columns padded, numbers right-aligned. */
export function textTable(headers: string[], rows: Cell[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '–' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const numeric = headers.map((_, i) =>
    rows.every((r) => r[i] === null || r[i] === undefined || typeof r[i] === 'number' || /^[\d.,×≥<>~ -]+(ms|MB|%)?$/.test(String(r[i]))),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The same table in Markdown. */
export function markdownTable(headers: string[], rows: Cell[][]): string {
  const esc = (c: Cell) => (c === null || c === undefined ? '–' : String(c).replace(/\|/g, '\\|'));
  const numeric = headers.map((_, i) => rows.every((r) => typeof r[i] === 'number' || r[i] === null || r[i] === undefined));
  return [
    `| ${headers.join(' | ')} |`,
    `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

/** The headers of figureCells' cells. */
const FIGURE_HEADERS = ['p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'req/s', 'errors'];

/** A latency row's figures as table cells: p50, p95, p99, mean, req/s, errors (with the first). */
function figureCells(f: LoadFigures) {
  return [ms(f.p50Ms), ms(f.p95Ms), ms(f.p99Ms), ms(f.meanMs), ms(f.requestsPerS), f.errors ? `${f.errors}: ${f.firstError}` : 0];
}

const ms = (n: number | null | undefined) => (n === null || n === undefined ? null : Number(n.toFixed(n < 10 ? 2 : 1)));

/** The sections as (title, conditions, headers, rows). */
function sections(r: BenchResult): Array<{ title: string; conditions: string; headers: string[]; rows: Cell[][] }> {
  const out: Array<{ title: string; conditions: string; headers: string[]; rows: Cell[][] }> = [];
  if (r.requests) {
    out.push({
      title: '1. Shopify requests and cost per supergraph query (this subgraph vs the naive one, same run)',
      conditions: r.requests.conditions,
      headers: [
        'selection',
        'K',
        'linked',
        'requests',
        'floor',
        'req. cost',
        'act. cost',
        'naive req.',
        'naive req. cost',
        'naive act. cost',
        '× requests',
        '× req. cost',
        '× act. cost',
        'same data',
      ],
      rows: r.requests.rows.map((x) => [
        SELECTIONS[x.selection].label,
        x.k,
        x.linked,
        x.subgraph.requests,
        x.subgraph.floor,
        x.subgraph.requestedCost,
        x.subgraph.actualCost,
        x.naive.requests,
        x.naive.requestedCost,
        x.naive.actualCost,
        x.ratio.requests,
        x.ratio.requestedCost,
        x.ratio.actualCost,
        x.sameData ? 'yes' : `NO: ${x.errors.join('; ')}`,
      ]),
    });
  }
  if (r.latency) {
    out.push({
      title: '2. Added latency and throughput (full card for K profiles)',
      conditions: r.latency.conditions,
      headers: [
        'target',
        'K',
        'Shopify req.',
        'cache',
        'sim. latency',
        'c',
        ...FIGURE_HEADERS,
        'overhead p50 ms',
        'overhead mean ms',
        'subgraph RSS MB',
      ],
      rows: r.latency.rows.map((x) => [
        x.target,
        x.k,
        `${x.shopifyRequests} in ${x.rounds}`,
        x.cache,
        `${x.simulatorLatencyMs} ms`,
        x.concurrency,
        ...figureCells(x.figures),
        ms(x.overheadP50Ms),
        ms(x.overheadMeanMs),
        x.subgraphPeakRssMb,
      ]),
    });
  }
  if (r.budget) {
    out.push({
      title: '3. Budget: profile views per second sustained on the Standard plan without THROTTLED reaching a client',
      conditions: r.budget.conditions,
      headers: [
        'cache',
        'view cost act./req.',
        'uncached limit/s',
        'sustained views/s',
        'failed at views/s',
        'rungs',
        'p50/p99 ms at sustained',
        'Shopify pts/s',
        'THROTTLED absorbed',
      ],
      rows: r.budget.rows.map((x) => {
        const ok = [...x.rungs].reverse().find((g) => g.passed);
        return [
          x.cache,
          x.viewCost ? `${x.viewCost.actual}/${x.viewCost.requested}` : null,
          x.uncachedSustainablePerS,
          x.error && x.sustainedPerS === null
            ? `ERROR: ${x.error.slice(0, 120)}`
            : x.sustainedPerS === null
              ? 'none'
              : x.failedPerS === null
                ? `≥ ${x.sustainedPerS}`
                : x.sustainedPerS,
          x.failedPerS,
          x.rungs
            .map(
              (g) =>
                `${g.overload}×${
                  g.passed
                    ? '✓'
                    : `✗ (${
                        Object.entries(g.clientErrors)
                          .map(([k, v]) => `${k} ${v}`)
                          .join(', ') || `served ${g.served}/${g.sent}`
                      })`
                }`,
            )
            .join(' '),
          ok ? `${ok.latencyMs.p50}/${ok.latencyMs.p99}` : null,
          ok?.shopify.pointsPerS,
          ok?.shopify.throttled,
        ];
      }),
    });
  }
  if (r.memory.length > 0) {
    out.push({
      title: '4. Memory',
      conditions:
        'resident set size from /proc/<pid>/status (VmHWM = peak since the process started; VmRSS sampled every 200-500 ms); ' +
        'V8 heap used from process.memoryUsage() right after a forced full GC (the subgraph runs with --expose-gc)',
      headers: ['process', 'during', 'MB'],
      rows: r.memory.map((m) => [m.process, m.during, m.rssMb]),
    });
  }
  if (r.isolation) {
    out.push({
      title: '5. Isolation: one caller cannot stall everyone (event-loop delay of the largest calls; others served meanwhile)',
      conditions: r.isolation.conditions,
      headers: [
        'call',
        'repr.',
        'emails each',
        'runs',
        'Shopify req.',
        'loop max p50 ms',
        'loop max max ms',
        'p50 ms',
        'max ms',
        'answer KB',
        'other agent p50 ms',
        'other agent max ms',
        '/healthz max ms',
        'errors',
      ],
      rows: r.isolation.rows.map((x) => [
        x.label,
        x.representations,
        x.emailsPerProfile,
        x.runs,
        x.shopifyRequests.p50 === x.shopifyRequests.max ? x.shopifyRequests.p50 : `${x.shopifyRequests.p50}-${x.shopifyRequests.max}`,
        ms(x.eventLoopMaxMs.p50),
        ms(x.eventLoopMaxMs.max),
        ms(x.latencyMs.p50),
        ms(x.latencyMs.max),
        x.answerKb,
        ms(x.meanwhile?.agentMs.p50),
        ms(x.meanwhile?.agentMs.max),
        ms(x.meanwhile?.healthzMaxMs.max),
        x.errors.length === 0 ? 0 : x.errors.join('; '),
      ]),
    });
  }
  if (r.stores && r.stores.requests.length > 0) {
    out.push({
      title: '6a. Several stores: Shopify requests per store for one batch of K profiles (at most one packed request set per store)',
      conditions: r.stores.conditions,
      headers: [
        'selection',
        'stores',
        'K',
        'linked per store',
        'requests per store',
        'total requests',
        '× one store',
        'Shopify rounds (per store)',
        'req. cost per store',
        'act. cost total',
        'errors',
      ],
      rows: r.stores.requests.map((x) => [
        STORES_SELECTIONS[x.selection],
        x.stores,
        x.k,
        x.perStore.map((s) => s.linked).join('/'),
        x.perStore.map((s) => s.requests).join('/'),
        x.total.requests,
        x.timesOneStore,
        `${x.rounds.all} (${x.rounds.perStore.join('/')})`,
        x.perStore.map((s) => s.requestedCost).join('/'),
        x.total.actualCost,
        x.errors.length === 0 ? 0 : x.errors.join('; '),
      ]),
    });
  }
  if (r.stores && r.stores.latency.length > 0) {
    out.push({
      title: '6b. Several stores: the two-store card vs the one-store card (stores answer in parallel)',
      conditions: r.stores.latencyConditions ?? '',
      headers: ['K', 'stores', 'Shopify req. per store', 'sim. latency', 'c', ...FIGURE_HEADERS, 'added p50 ms', 'added p99 ms'],
      rows: r.stores.latency.map((x) => [
        x.k,
        x.stores,
        x.shopifyRequestsPerStore.join('/'),
        `${x.simulatorLatencyMs} ms`,
        x.concurrency,
        ...figureCells(x.figures),
        ms(x.addedP50Ms),
        ms(x.addedP99Ms),
      ]),
    });
  }
  if (r.budgetUse) out.push(...budgetUseSections(r.budgetUse));
  if (r.actions) out.push(...actionsSections(r.actions));
  return out;
}

function header(m: RunMeta): string {
  return (
    `${m.date} · commit ${m.commit}${m.dirty ? ' (+ uncommitted changes)' : ''} · ${m.mode} run · Node ${m.node} · ${m.cpus} × ${m.cpuModel} · ` +
    `load average ${m.loadAverage.start}${m.loadAverage.end !== null ? ` → ${m.loadAverage.end}` : ''}${m.seconds !== null ? ` · ${Math.round(m.seconds)} s` : ''}`
  );
}

/** Plain tables for the terminal. */
export function formatText(r: BenchResult): string {
  const parts = [`npm run bench — ${header(r.meta)}`];
  for (const s of sections(r)) parts.push(`\n${s.title}\n(${s.conditions})\n\n${textTable(s.headers, s.rows)}`);
  for (const [section, error] of Object.entries(r.errors)) parts.push(`\nSECTION ${section} FAILED: ${error}`);
  return `${parts.join('\n')}\n`;
}

/** Markdown for the README's Performance section. */
export function formatMarkdown(r: BenchResult): string {
  const parts = [`_${header(r.meta)}_`];
  for (const s of sections(r)) parts.push(`#### ${s.title}\n\n${s.conditions}.\n\n${markdownTable(s.headers, s.rows)}`);
  for (const [section, error] of Object.entries(r.errors)) parts.push(`**Section ${section} failed:** ${error}`);
  return `${parts.join('\n\n')}\n`;
}

/** Key figures by row id, for comparing runs. */
function keyFigures(r: BenchResult): Map<string, Record<string, number | null>> {
  const m = new Map<string, Record<string, number | null>>();
  for (const x of r.requests?.rows ?? [])
    m.set(x.id, {
      requests: x.subgraph.requests,
      requestedCost: x.subgraph.requestedCost,
      actualCost: x.subgraph.actualCost,
      naiveRequests: x.naive.requests,
    });
  for (const x of r.latency?.rows ?? [])
    m.set(x.id, { p50Ms: x.figures.p50Ms, p99Ms: x.figures.p99Ms, requestsPerS: x.figures.requestsPerS });
  for (const x of r.budget?.rows ?? []) m.set(x.id, { sustainedPerS: x.sustainedPerS });
  for (const x of r.memory) m.set(x.id, { rssMb: x.rssMb });
  for (const x of r.isolation?.rows ?? [])
    m.set(x.id, { shopifyRequests: x.shopifyRequests.max, eventLoopMaxP50Ms: x.eventLoopMaxMs.p50, latencyP50Ms: x.latencyMs.p50 });
  for (const x of r.stores?.requests ?? [])
    m.set(x.id, {
      requests: x.total.requests,
      requestedCost: x.total.requestedCost,
      actualCost: x.total.actualCost,
      ...Object.fromEntries(x.perStore.map((s) => [`requests:${s.store}`, s.requests])),
      rounds: x.rounds.all,
    });
  for (const x of r.stores?.latency ?? [])
    m.set(x.id, { shopifyRequests: x.shopifyRequestsPerStore.reduce((a, b) => a + b, 0), p50Ms: x.figures.p50Ms, p99Ms: x.figures.p99Ms });
  for (const [id, figures] of budgetUseKeyFigures(r.budgetUse)) m.set(id, figures);
  for (const [id, figures] of actionsKeyFigures(r.actions)) m.set(id, figures);
  return m;
}

/** Counts: any change matters. Timings and memory: only changes of 10% or more are shown (runs are noisy). */
const EXACT_FIGURES = new Set([
  'requests',
  'requestedCost',
  'actualCost',
  'naiveRequests',
  'shopifyRequests',
  'replayRequests',
  'refundsMade',
]);
const isExact = (figure: string) => EXACT_FIGURES.has(figure) || figure === 'rounds' || figure.startsWith('requests:');

/** The figures that differ between two runs, row by row (same ids only). */
export function formatComparison(before: BenchResult, after: BenchResult): string {
  const a = keyFigures(before);
  const b = keyFigures(after);
  const rows: Cell[][] = [];
  for (const [id, figs] of b) {
    const old = a.get(id);
    if (!old) continue;
    for (const [k, v] of Object.entries(figs)) {
      const was = old[k];
      if (was === undefined || was === v) continue;
      if (!isExact(k) && typeof was === 'number' && typeof v === 'number' && Math.abs(v - was) < Math.abs(was) * 0.1) continue;
      const pct =
        typeof was === 'number' && typeof v === 'number' && was !== 0 ? `${v > was ? '+' : ''}${Math.round(((v - was) / was) * 100)}%` : '';
      rows.push([id, k, was, v, pct]);
    }
  }
  const title = `Compared with ${before.meta.commit} (${before.meta.date}, ${before.meta.mode} run, load ${before.meta.loadAverage.start})`;
  return rows.length === 0
    ? `${title}: no count changed, no timing or memory figure moved by 10% or more.\n`
    : `${title} (counts: every change; timings and memory: changes of 10% or more):\n\n${textTable(['row', 'figure', 'before', 'now', 'change'], rows)}\n`;
}

/** Writes latest.json and a copy named by date and commit; returns both paths. */
export function writeResult(r: BenchResult): { latest: string; copy: string } {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = r.meta.date.replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
  const name = `${stamp}-${r.meta.commit}${r.meta.dirty ? '-dirty' : ''}${r.meta.mode === 'quick' ? '-quick' : ''}.json`;
  const text = `${JSON.stringify(r, null, 2)}\n`;
  const latest = join(RESULTS_DIR, 'latest.json');
  const copy = join(RESULTS_DIR, name);
  writeFileSync(latest, text);
  writeFileSync(copy, text);
  return { latest, copy };
}

/** The newest result in bench/results of this mode (quick or full), not counting latest.json; null when none. */
export function previousResult(mode: 'quick' | 'full'): BenchResult | null {
  if (!existsSync(RESULTS_DIR)) return null;
  const found = readdirSync(RESULTS_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'latest.json')
    .map((f) => readResult(join(RESULTS_DIR, f)))
    .filter((r): r is BenchResult => r !== null && r.meta.mode === mode)
    .sort((a, b) => a.meta.date.localeCompare(b.meta.date));
  return found.at(-1) ?? null;
}

/** Reads a result file, or null when there is none (or it is not one). */
export function readResult(path: string): BenchResult | null {
  if (!existsSync(path)) return null;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as BenchResult;
    return r?.meta?.commit ? r : null;
  } catch {
    return null;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { markdown: { type: 'boolean', default: false }, compare: { type: 'string' } },
  });
  const path = positionals[0] ?? join(RESULTS_DIR, 'latest.json');
  const result = readResult(path);
  if (!result) {
    process.stderr.write(`No bench result at ${path}: run npm run bench first.\n`);
    process.exit(1);
  }
  process.stdout.write(values.markdown ? formatMarkdown(result) : formatText(result));
  if (values.compare) {
    const other = readResult(values.compare);
    if (!other) {
      process.stderr.write(`No bench result at ${values.compare}.\n`);
      process.exit(1);
    }
    process.stdout.write(`\n${formatComparison(other, result)}`);
  }
}
