/**
 * `npm run bench [-- --quick] [-- --only requests,latency,budget]`: proves the subgraph's claims — fewest Shopify
 * requests, lowest Shopify cost, smallest added latency — with figures from one run against the simulator:
 *   1. requests and cost per supergraph query, beside a naive (unbatched) subgraph   (bench/requests.ts)
 *   2. added latency and throughput, straight and through @apollo/gateway            (bench/latency.ts)
 *   3. profile views per second the Standard plan sustains, cache off and on         (bench/budget.ts)
 *   4. peak memory of the subgraph during 2 and 3                                    (bench/memory.ts)
 *   5. isolation: the largest calls' event-loop delay, and others served meanwhile   (bench/isolation.ts)
 *   6. several stores: Shopify requests per store for 1, 2 and 5 stores, and the two-store card's added latency (bench/stores.ts)
 *   7. budget use (issue 14): a burst of cold cards, a desk with webhooks, points per card — this tree beside the
 *      baseline commit (--baseline, default e49c852) and the naive subgraph                     (bench/budget-use.ts)
 *   8. agent actions (issue 15): Shopify requests, points and latency per action and per replay, and K approvers
 *      approving one refund request at once                                                       (bench/actions.ts)
 * Prints plain tables, writes bench/results/latest.json and a copy named by date and commit, and compares with the
 * newest earlier result of the same mode (quick or full). Every process and server it starts is stopped before it exits, also on errors and Ctrl-C.
 * The full run takes about 11 minutes plus section 7's ~11 (its desk runs 5 minutes); --quick (short rows, one budget rung each) under 3, plus
 * section 7's ~2.5 (the first run also builds the baseline once, ~20 s); section 8 takes about 2 minutes, 1 with --quick.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runActions } from './actions.js';
import { runBudget } from './budget.js';
import { BASELINE_REF } from './baseline.js';
import { runBudgetUse } from './budget-use.js';
import { runIsolation } from './isolation.js';
import { runLatency, startLatencyProcesses } from './latency.js';
import { memoryRows } from './memory.js';
import { killAllChildren, runningChildren } from './processes.js';
import { formatComparison, formatMarkdown, formatText, previousResult, runMeta, writeResult, type BenchResult } from './report.js';
import { runRequests, type RequestsResult } from './requests.js';
import { runStores } from './stores.js';

const SECTIONS = ['requests', 'latency', 'budget', 'isolation', 'stores', 'budget-use', 'actions'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `Usage: npm run bench [-- --quick] [-- --only ${SECTIONS.join(',')}] [-- --markdown] [-- --baseline <ref>]
  --quick      a sanity run in under 3 minutes (short rows, one budget rung per cache mode, 3 isolation runs per row)
  --only       run only these sections (memory comes with latency and budget)
  --markdown   also print the tables as Markdown (for the README's Performance section)
  --baseline   the commit section 7 (budget-use) compares this tree with (default ${BASELINE_REF})`;

/** Calls of section 2: the full card for 10 profiles, and for 100 (one call's worth of a desk's list view) at c=1. */
const BATCHES = [
  { k: 10, concurrencies: [1, 32] },
  { k: 100, concurrencies: [1] },
];

/** How long each section measures, by mode. */
const PLANS = {
  quick: {
    ks: [1, 10, 25, 100],
    latency: { durationS: 1.5, warmupS: 0.5, simulatorLatenciesMs: [0, 50], batches: BATCHES, cacheRows: true },
    budget: { durationS: 6, ladders: { off: [1], on: [3] } },
    isolation: { runs: 3 },
    stores: {
      k: 25,
      storeCounts: [1, 2, 5],
      latency: { ks: [1, 10], simulatorLatenciesMs: [0, 50], concurrency: 1, durationS: 1.5, warmupS: 0.5 },
    },
    budgetUse: {
      burstNs: [12, 24],
      perClass: 3,
      desk: { agents: 10, durationS: 30, pool: 400, changeEveryS: 5, watchCapS: 35, calibration: 4 },
    },
    actions: { n: 5, simulatorLatenciesMs: [0, 50], race: { approvers: [2, 5, 10], repetitions: 3 } },
  },
  full: {
    ks: [1, 10, 25, 100],
    latency: { durationS: 10, warmupS: 2, simulatorLatenciesMs: [0, 50], batches: BATCHES, cacheRows: true },
    budget: { durationS: 60, ladders: { off: [1, 1.5, 2], on: [2, 5, 10, 30] } },
    isolation: { runs: 10 },
    stores: {
      k: 25,
      storeCounts: [1, 2, 5],
      latency: { ks: [1, 10], simulatorLatenciesMs: [0, 50], concurrency: 1, durationS: 10, warmupS: 2 },
    },
    budgetUse: {
      burstNs: [12, 24],
      perClass: 10,
      desk: { agents: 50, durationS: 300, pool: 400, changeEveryS: 10, watchCapS: 60, calibration: 8 },
    },
    actions: { n: 30, simulatorLatenciesMs: [0, 50], race: { approvers: [2, 5, 10], repetitions: 10 } },
  },
} as const;

function parse(): { quick: boolean; only: Set<Section>; markdown: boolean; baseline: string } {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        markdown: { type: 'boolean', default: false },
        baseline: { type: 'string', default: BASELINE_REF },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = new Set<Section>();
  for (const name of (values.only ?? SECTIONS.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (!SECTIONS.includes(name as Section)) {
      process.stderr.write(`--only: unknown section "${name}" (known: ${SECTIONS.join(', ')})\n`);
      process.exit(2);
    }
    only.add(name as Section);
  }
  return { quick: values.quick, only, markdown: values.markdown, baseline: values.baseline };
}

async function main(): Promise<number> {
  const args = parse();
  const mode = args.quick ? 'quick' : 'full';
  const plan = PLANS[mode];
  const started = performance.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const elapsed = () => `${Math.round((performance.now() - started) / 1000)} s`;
  const result: BenchResult = {
    meta: runMeta(mode),
    requests: null,
    latency: null,
    budget: null,
    isolation: null,
    stores: null,
    budgetUse: null,
    actions: null,
    memory: [],
    errors: {},
  };
  log(
    `npm run bench (${mode}) — commit ${result.meta.commit}${result.meta.dirty ? ' + uncommitted changes' : ''}, load average ${result.meta.loadAverage.start}`,
  );

  // Section 2's processes load while section 1 runs (section 1 counts requests; it does not time anything).
  const latencyProcesses = args.only.has('latency') ? startLatencyProcesses({ cacheRows: plan.latency.cacheRows }) : null;
  latencyProcesses?.then(
    () => log(`  (section 2's processes ready at ${elapsed()})`),
    () => undefined,
  );

  // Section 1 also records the Shopify requests behind the latency section's call, so it runs (without rows) for 2.
  let requests: RequestsResult | null = null;
  if (args.only.has('requests') || args.only.has('latency')) {
    log(
      `\n[${elapsed()}] 1. requests and cost per supergraph query${args.only.has('requests') ? '' : ' (only recording the latency call)'}`,
    );
    try {
      requests = await runRequests({ ks: args.only.has('requests') ? plan.ks : [], latencyKs: plan.latency.batches.map((b) => b.k), log });
      if (args.only.has('requests')) {
        const { entitiesShapes, profiles: _, ...rest } = requests;
        const rounds = Object.fromEntries(Object.entries(entitiesShapes).map(([k, shape]) => [k, shape.map((round) => round.length)]));
        result.requests = { ...rest, entitiesShapes: rounds };
      }
    } catch (error) {
      result.errors.requests = (error as Error).stack ?? String(error);
    }
  }
  if (latencyProcesses) {
    log(`\n[${elapsed()}] 2. added latency and throughput`);
    try {
      const procs = await latencyProcesses;
      try {
        if (!requests) throw new Error('skipped: the Shopify requests of the latency call could not be recorded (section 1 failed)');
        result.latency = await runLatency(procs, { ...plan.latency, shapes: requests.entitiesShapes, profiles: requests.profiles, log });
      } finally {
        await procs.close();
      }
    } catch (error) {
      result.errors.latency = (error as Error).stack ?? String(error);
    }
  }
  if (args.only.has('budget')) {
    log(`\n[${elapsed()}] 3. budget on the Standard plan`);
    try {
      result.budget = await runBudget({ ...plan.budget, log });
      const broken = result.budget.rows.filter((r) => r.error && r.rungs.length === 0);
      if (broken.length > 0) result.errors.budget = broken.map((r) => `cache ${r.cache}: ${r.error}`).join('\n');
    } catch (error) {
      result.errors.budget = (error as Error).stack ?? String(error);
    }
  }
  if (args.only.has('isolation')) {
    log(`\n[${elapsed()}] 5. isolation: one caller cannot stall everyone`);
    try {
      result.isolation = await runIsolation({ ...plan.isolation, log });
      const wrong = result.isolation.rows.filter((r) => r.errors.length > 0);
      if (wrong.length > 0) result.errors.isolation = wrong.map((r) => `${r.id}: ${r.errors.join('; ')}`).join('\n');
    } catch (error) {
      result.errors.isolation = (error as Error).stack ?? String(error);
    }
  }
  if (args.only.has('stores')) {
    log(`\n[${elapsed()}] 6. several stores behind one desk`);
    try {
      const { result: stores, errors } = await runStores({ ...plan.stores, log });
      result.stores = stores;
      if (errors.length > 0) result.errors.stores = errors.join('\n');
    } catch (error) {
      result.errors.stores = (error as Error).stack ?? String(error);
    }
  }
  if (args.only.has('budget-use')) {
    log(`\n[${elapsed()}] 7. budget use (issue 14): this tree vs ${args.baseline} and the naive subgraph`);
    const sectionStarted = performance.now();
    try {
      const { result: use, errors } = await runBudgetUse({ plan: plan.budgetUse, baselineRef: args.baseline, log });
      result.budgetUse = use;
      if (errors.length > 0) result.errors['budget-use'] = errors.join('\n');
    } catch (error) {
      result.errors['budget-use'] = (error as Error).stack ?? String(error);
    }
    log(`  (section 7 took ${Math.round((performance.now() - sectionStarted) / 1000)} s)`);
  }
  if (args.only.has('actions')) {
    log(`\n[${elapsed()}] 8. agent actions (issue 15): Shopify requests, points, latency, the approval race`);
    try {
      const { result: actions, errors } = await runActions({ ...plan.actions, log });
      result.actions = actions;
      if (errors.length > 0) result.errors.actions = errors.join('\n');
    } catch (error) {
      result.errors.actions = (error as Error).stack ?? String(error);
    }
  }
  result.memory = memoryRows(result.latency, result.budget);
  result.meta.loadAverage.end = Math.round(loadavg()[0]! * 100) / 100;
  result.meta.seconds = Math.round((performance.now() - started) / 100) / 10;

  const previous = previousResult(mode);
  const paths = writeResult(result);
  process.stdout.write(`\n${formatText(result)}`);
  if (args.markdown) process.stdout.write(`\nMarkdown:\n\n${formatMarkdown(result)}`);
  if (previous) process.stdout.write(`\n${formatComparison(previous, result)}`);
  process.stdout.write(`\nWritten: ${paths.latest}\n         ${paths.copy}\n`);
  const left = runningChildren();
  if (left > 0) {
    process.stderr.write(`${left} child process(es) still running at the end: killing them\n`);
    killAllChildren();
    return 1;
  }
  return Object.keys(result.errors).length > 0 ? 1 : 0;
}

// Whatever happens, no child outlives the bench.
process.on('exit', () => killAllChildren());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping every process the bench started\n`);
    killAllChildren();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    process.exit(1);
  },
);
