/**
 * Section 5: isolation — one caller cannot stall everyone (issue 10, defect 1). The largest `_entities` calls a
 * caller may send (GRAPHQL_MAX_REPRESENTATIONS = 1000 profiles with 0, 1 and SHOPIFY_MAX_EMAILS_PER_PROFILE = 10
 * emails each, full card) and one representation with 60 000 distinct emails: how long each blocks the subgraph's
 * event loop, how long it takes, how many Shopify requests it sends; and while the 60 000-email call runs, how
 * another agent's card and `/healthz` are served.
 *
 * Event-loop delay is the subgraph's own, read from its `/metrics` (prom-client's default metrics): prom-client
 * copies its `monitorEventLoopDelay` histogram into the gauges and resets it on every collect, i.e. on every scrape
 * (node_modules/prom-client/lib/metrics/eventLoopLag.js). So a scrape right before a call starts a fresh window and
 * a scrape right after reads the highest delay seen during the call. The histogram's resolution is 10 ms and it
 * records the whole interval between ticks, so an idle loop reads ~10 ms: the "idle" row is that floor.
 *
 * Processes: the subgraph (production mode, as `npm start`) and the simulator each in their own; the calls, the
 * scrapes and the /healthz probes come from the runner, which does nothing else meanwhile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { SimCustomer } from '../dev/profiles-subgraph.js';
import { benchAuth, subgraphEnv } from './latency.js';
import { startChild, startCompiledSubgraph } from './processes.js';
import { entitiesQuery, type Representation } from './queries.js';
import { HUGE_BUCKET } from './requests.js';

/** More customers than the seeded demo store: 1000 distinct real emails for the largest call, and a few to spare. */
const STORE = { seed: 1, customers: 1200 } as const;
const PROFILES = 1000;
const BIG_EMAILS = 60_000;
const CALL_TIMEOUT_MS = 120_000;
/** Pause between a call's answer and the closing scrape: at least two ticks of the 10 ms histogram. */
const SETTLE_MS = 25;

/** p50 and max of one figure over a row's runs. */
export interface Spread {
  p50: number;
  max: number;
}

export interface IsolationRow {
  id: string;
  label: string;
  representations: number;
  emailsPerProfile: number;
  runs: number;
  /** Shopify requests the simulator received per call (during the concurrent row: the big call's and the other agent's) */
  shopifyRequests: Spread;
  /** per call: the highest event-loop delay the subgraph recorded during it, and its p99 (ms) */
  eventLoopMaxMs: Spread;
  eventLoopP99Ms: Spread;
  /** request to last byte of the answer, as the runner saw it (ms) */
  latencyMs: Spread;
  /** size of the answer (KB; p50) and the Shopify operations of the last run, by name: what the time went on */
  answerKb: number;
  shopifyOperations: Record<string, number>;
  /** the concurrent row only: the other agent's card and the /healthz probes sent while the big call ran */
  meanwhile: { agentMs: Spread; healthzMaxMs: Spread; healthzProbes: number } | null;
  /** every wrong answer, error or THROTTLED seen in the row (empty when all were right) */
  errors: string[];
}

export interface IsolationResult {
  conditions: string;
  rows: IsolationRow[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;
/** Nearest-rank p50 and the max. */
function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round2(sorted[Math.ceil(sorted.length / 2) - 1] ?? NaN), max: round2(sorted.at(-1) ?? NaN) };
}

/** One measured call's figures. */
interface Sample {
  shopifyRequests: number;
  shopifyOperations: Record<string, number>;
  answerBytes: number;
  loopMaxMs: number;
  loopP99Ms: number;
  latencyMs: number;
  agentMs?: number;
  healthzMaxMs?: number;
  healthzProbes?: number;
  errors: string[];
}

/** A call of the section: its representations and, per representation, the Shopify customer id it must get. */
interface Call {
  id: string;
  label: string;
  representations: Representation[];
  expected: Array<string | null>;
}

/** The calls, built from the simulator's customers (each has a distinct email). */
function calls(customers: SimCustomer[]): { rows: Call[]; agent: Call; big: Call } {
  const withEmail = customers.filter((c) => c.email);
  const withOrders = withEmail.slice(PROFILES).filter((c) => c.numberOfOrders > 0);
  if (withEmail.length < PROFILES || withOrders.length < 2)
    throw new Error(`the simulator store has too few customers with an email (${withEmail.length})`);
  const reals = withEmail.slice(0, PROFILES);
  const rep = (id: string, emails: string[]): Representation => ({ __typename: 'CustomerProfile', id, emails });
  // Nine addresses that match nobody around the real one, which moves through positions 0-9: every profile uses its whole cap.
  const tenEmails = (c: SimCustomer, i: number) =>
    Array.from({ length: 10 }, (_, j) => (j === i % 10 ? c.email! : `iso${i}-${j}@nobody.example`));
  const bigEmails = Array.from({ length: BIG_EMAILS }, (_, i) => `s${i}@x.io`);
  bigEmails[3] = withOrders[1]!.email!;
  return {
    rows: [
      {
        id: 'entities/1000x0',
        label: '1000 profiles, no emails (execution only)',
        representations: reals.map((_, i) => rep(`iso-${i}`, [])),
        expected: reals.map(() => null),
      },
      {
        id: 'entities/1000x1',
        label: '1000 profiles, 1 real email each',
        representations: reals.map((c, i) => rep(`iso-${i}`, [c.email!])),
        expected: reals.map((c) => c.id),
      },
      {
        id: 'entities/1000x10',
        label: '1000 profiles, 10 emails each (1 real)',
        representations: reals.map((c, i) => rep(`iso-${i}`, tenEmails(c, i))),
        expected: reals.map((c) => c.id),
      },
    ],
    agent: {
      id: 'entities/1x1',
      label: "another agent's card, alone",
      representations: [rep('other-agent', [withOrders[0]!.email!])],
      expected: [withOrders[0]!.id],
    },
    big: {
      id: 'entities/1x60000',
      label: '1 profile, 60 000 emails (4th real)',
      representations: [rep('attacker', bigEmails)],
      expected: [withOrders[1]!.id],
    },
  };
}

/** What is wrong with an `_entities` answer, compared with the customer ids it must link (empty when right). */
function check(status: number, text: string, call: Call): { errors: string[]; data: unknown } {
  if (status !== 200) return { errors: [`HTTP ${status}: ${text.slice(0, 200)}`], data: null };
  const body = JSON.parse(text) as {
    data?: { _entities?: Array<{ shopifyCustomer?: { id: string } | null } | null> };
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  const errors = (body.errors ?? []).slice(0, 3).map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`);
  const got = body.data?._entities?.map((e) => e?.shopifyCustomer?.id ?? null) ?? [];
  if (!isDeepStrictEqual(got, call.expected)) {
    const wrong = call.expected.filter((id, i) => got[i] !== id).length;
    errors.push(`${wrong} of ${call.expected.length} profiles not linked to their customer`);
  }
  return { errors, data: body.data };
}

/** The figures a measured window adds to what its work returns. */
type Work = () => Promise<Omit<Sample, 'shopifyRequests' | 'shopifyOperations' | 'loopMaxMs' | 'loopP99Ms'>>;

/** The runner's side of the section: calls to the subgraph, scrapes of its /metrics, the simulator's stats. */
interface Probe {
  simulatorUrl: string;
  healthzUrl: string;
  get(url: string): Promise<Response>;
  /** one `_entities` call (a body serialised beforehand), timed to the last byte of the answer */
  post(text: string): Promise<{ status: number; text: string; ms: number }>;
  /** Shopify requests and the subgraph's event-loop delay around `work` */
  measure(work: Work): Promise<Sample>;
}

/** Starts the simulator and the subgraph (production mode, cache off), each in its own process. */
async function startProcesses(closers: Array<() => Promise<unknown>>): Promise<Probe> {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-isolation-'));
  closers.push(async () => rmSync(tmp, { recursive: true, force: true }));
  const simChild = await startChild('./simulator-process.ts', { env: { BENCH_SIMULATOR: JSON.stringify({ ...STORE, ...HUGE_BUCKET }) } });
  closers.push(() => simChild.stop());
  const sim = simChild.ready as unknown as { url: string; token: string };
  const auth = await benchAuth();
  const subgraph = await startCompiledSubgraph(subgraphEnv(sim, auth, join(tmp, 'isolation.sqlite'), 0));
  closers.push(() => subgraph.stop());
  const graphqlUrl = String(subgraph.ready.url);
  const base = graphqlUrl.replace(/\/graphql$/, '');
  // What a router sends: the agent's token and the router's secret.
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${auth.token}`, 'router-authorization': auth.routerSecret };

  const get = async (url: string) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return res;
  };
  const simStats = async () =>
    (await (await get(`${sim.url}/__simulator/stats`)).json()) as {
      requests: number;
      throttled: number;
      byOperation: Record<string, number>;
    };
  /** Reads (and so resets) the subgraph's event-loop histogram. */
  const scrape = async () => {
    const text = await (await get(`${base}/metrics`)).text();
    const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
    return { maxMs: gauge('nodejs_eventloop_lag_max_seconds'), p99Ms: gauge('nodejs_eventloop_lag_p99_seconds') };
  };
  return {
    simulatorUrl: sim.url,
    healthzUrl: `${base}/healthz`,
    get,
    async post(text) {
      const started = performance.now();
      const res = await fetch(graphqlUrl, { method: 'POST', headers, body: text, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      const answer = await res.text();
      return { status: res.status, text: answer, ms: performance.now() - started };
    },
    async measure(work) {
      const before = await simStats();
      await scrape();
      const figures = await work();
      // A window shorter than the histogram's 10 ms resolution holds no sample at all (it reads 0, not "fast").
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const loop = await scrape();
      const after = await simStats();
      const errors = [...figures.errors];
      if (after.throttled > before.throttled) errors.push(`${after.throttled - before.throttled} THROTTLED at the simulator`);
      const shopifyOperations = Object.fromEntries(
        Object.entries(after.byOperation)
          .map(([op, n]) => [op, n - (before.byOperation[op] ?? 0)])
          .filter(([, n]) => n !== 0),
      );
      return {
        ...figures,
        errors,
        shopifyRequests: after.requests - before.requests,
        shopifyOperations,
        loopMaxMs: loop.maxMs,
        loopP99Ms: loop.p99Ms,
      };
    },
  };
}

/** The body of a call, serialised once per row before measuring: the runner's JSON.stringify of 800 KB is not the subgraph's work. */
const body = (call: Call) => JSON.stringify({ query: entitiesQuery('card'), variables: { representations: call.representations } });

/** One call alone, measured. */
function single(probe: Probe, call: Call, text: string): Promise<Sample> {
  return probe.measure(async () => {
    const r = await probe.post(text);
    return { latencyMs: r.ms, answerBytes: Buffer.byteLength(r.text), errors: check(r.status, r.text, call).errors };
  });
}

/**
 * The big call, with another agent's card sent at the same moment and /healthz probed back to back until both
 * answered; the agent's card must be the one it gets when asked alone.
 */
function whileBig(probe: Probe, big: { call: Call; text: string }, agent: { call: Call; text: string; alone: unknown }): Promise<Sample> {
  return probe.measure(async () => {
    let done = false;
    const health: number[] = [];
    const healthErrors: string[] = [];
    const probes = (async () => {
      while (!done) {
        const started = performance.now();
        const res = await fetch(probe.healthzUrl, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
        await res.text();
        health.push(performance.now() - started);
        if (res.status !== 200) healthErrors.push(`/healthz: HTTP ${res.status}`);
      }
    })();
    const [b, a] = await Promise.all([probe.post(big.text), probe.post(agent.text)]).finally(() => void (done = true));
    await probes;
    const agentCheck = check(a.status, a.text, agent.call);
    const errors = [...check(b.status, b.text, big.call).errors, ...agentCheck.errors.map((e) => `other agent: ${e}`), ...healthErrors];
    if (agentCheck.errors.length === 0 && !isDeepStrictEqual(agentCheck.data, agent.alone))
      errors.push('other agent: a different card than when asked alone');
    return {
      latencyMs: b.ms,
      answerBytes: Buffer.byteLength(b.text),
      agentMs: a.ms,
      healthzMaxMs: Math.max(...health),
      healthzProbes: health.length,
      errors,
    };
  });
}

/** A row from its runs' samples. */
function toRow(call: Pick<Call, 'id' | 'label' | 'representations'>, samples: Sample[]): IsolationRow {
  const meanwhile =
    samples[0]?.agentMs === undefined
      ? null
      : {
          agentMs: spread(samples.map((s) => s.agentMs!)),
          healthzMaxMs: spread(samples.map((s) => s.healthzMaxMs!)),
          healthzProbes: samples.reduce((n, s) => n + s.healthzProbes!, 0),
        };
  return {
    id: `isolation/${call.id}`,
    label: call.label,
    representations: call.representations.length,
    emailsPerProfile: call.representations[0]?.emails.length ?? 0,
    runs: samples.length,
    shopifyRequests: spread(samples.map((s) => s.shopifyRequests)),
    eventLoopMaxMs: spread(samples.map((s) => s.loopMaxMs)),
    eventLoopP99Ms: spread(samples.map((s) => s.loopP99Ms)),
    latencyMs: spread(samples.map((s) => s.latencyMs)),
    answerKb: Math.round(spread(samples.map((s) => s.answerBytes)).p50 / 1024),
    shopifyOperations: samples.at(-1)?.shopifyOperations ?? {},
    meanwhile,
    errors: [...new Set(samples.flatMap((s) => s.errors))],
  };
}

/** Runs section 5: `runs` measured calls per row, one at a time, after one unmeasured warm-up call each. */
export async function runIsolation(opts: { runs: number; log: (line: string) => void }): Promise<IsolationResult> {
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const probe = await startProcesses(closers);
    const customers = (await (await probe.get(`${probe.simulatorUrl}/__simulator/customers`)).json()) as SimCustomer[];
    const { rows: bulk, agent, big } = calls(customers);
    const rows: IsolationRow[] = [];
    const add = async (call: Pick<Call, 'id' | 'label' | 'representations'>, take: () => Promise<Sample>) => {
      const samples: Sample[] = [];
      for (let i = 0; i < opts.runs; i++) samples.push(await take());
      const row = toRow(call, samples);
      rows.push(row);
      const m = row.meanwhile;
      opts.log(
        `  ${row.label} (${row.representations} × ${row.emailsPerProfile}): loop max p50 ${row.eventLoopMaxMs.p50} ms (max ${row.eventLoopMaxMs.max}), ` +
          `${row.latencyMs.p50} ms, ${row.shopifyRequests.p50} Shopify req.${m ? `, other agent ${m.agentMs.p50} ms, /healthz max ${m.healthzMaxMs.max} ms` : ''}` +
          `${row.errors.length ? `  ERRORS: ${row.errors.join('; ')}` : ''}`,
      );
    };

    // The floor: nothing but the two scrapes, 250 ms apart.
    await add({ id: 'idle', label: 'idle: nothing sent for 250 ms', representations: [] }, () =>
      probe.measure(async () => {
        await new Promise((resolve) => setTimeout(resolve, 250));
        return { latencyMs: 250, answerBytes: 0, errors: [] };
      }),
    );
    for (const call of [...bulk, agent, big]) {
      const text = body(call);
      // Unmeasured first: a fresh subgraph learns the bucket from its first Shopify request, and V8 compiles the paths.
      await probe.post(text);
      await add(call, () => single(probe, call, text));
    }
    // The other agent's card as it is when asked alone: what it must still be while the big call runs.
    const agentText = body(agent);
    const alone = check(200, (await probe.post(agentText)).text, agent).data;
    const bigCall = { call: big, text: body(big) };
    await add({ ...big, id: 'entities/1x60000+agent', label: `${big.label} + other agent + /healthz` }, () =>
      whileBig(probe, bigCall, { call: agent, text: agentText, alone }),
    );
    return { conditions: conditions(opts.runs), rows };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

function conditions(runs: number): string {
  return (
    `_entities calls straight to the subgraph with the full card selection (as the router sends them), ${runs} measured runs per row after one warm-up, one at a time; ` +
    `subgraph in its own process (NODE_ENV=production, agent tokens and router secret checked, LOG_LEVEL=warn, SHOPIFY_CACHE_TTL_S=0, SQLite, default limits), ` +
    `simulator in its own (seed ${STORE.seed}, ${STORE.customers} customers, bucket ${HUGE_BUCKET.maximumAvailable.toExponential(0)}: never throttles, 0 ms latency); ` +
    `"real" emails belong to distinct Shopify customers, the others to nobody; event-loop delay = the subgraph's own nodejs_eventloop_lag_max_seconds ` +
    `(monitorEventLoopDelay, 10 ms resolution: an idle loop reads ~10 ms) from /metrics scraped right before each call and ${SETTLE_MS} ms after its answer (prom-client resets it on each scrape); ` +
    `Shopify req. = requests the simulator received per call (+ other agent: the big call's and the agent's); latency = send to last byte, seen by the runner; ` +
    `other agent = a one-profile card sent at the same moment as the 60 000-email call; /healthz probed back to back until both answered`
  );
}
