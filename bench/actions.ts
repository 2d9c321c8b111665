/**
 * Section 8: the agent actions (issue 15) — what each one costs in Shopify requests and points, how long it takes,
 * what a replay (the same idempotency key) costs, and what happens when several approvers approve one refund request
 * at once (bench/actions-race.ts).
 *
 * Each pass (one per simulator latency) resets the simulator (seed 1, 500 customers, own process, a bucket that never
 * throttles), arms the latency, and starts a fresh compiled subgraph as production runs it (agent tokens and the
 * router's secret checked, SQLite, default cache TTL). Every action is tried once to warm up (not counted), then on N
 * distinct orders one after the other, each call followed by its replay; the simulator's stats before and after a call
 * give its Shopify requests (by operation name) and points. Approve and reject decide requests held by the requester's
 * refunds; the race runs last in each pass, on orders of its own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchAuth, subgraphEnv, type BenchAuth } from './latency.js';
import { startChild, startCompiledSubgraph } from './processes.js';
import { HUGE_BUCKET, STORE } from './requests.js';
import { control } from './stores-setup.js';
import { raceRow, type RaceContext, type RaceRow } from './actions-race.js';
import { ACTIONS, type ActionId, type ActionKind, type Target } from './actions-kinds.js';
import { countRow, latencyRow, type ActionCountRow, type ActionLatencyRow, type Sample } from './actions-rows.js';
import {
  measured,
  mutate,
  newKey,
  orderPicker,
  PICKS,
  REQUESTER_LIMIT,
  shopifyMutationNames,
  signAgents,
  type BenchAgents,
} from './actions-setup.js';

export type { RaceRow } from './actions-race.js';
export type { ActionCountRow, ActionLatencyRow } from './actions-rows.js';

export interface ActionsPlan {
  /** distinct orders (or requests) each action is measured on, per pass */
  n: number;
  simulatorLatenciesMs: readonly number[];
  race: { approvers: readonly number[]; repetitions: number };
}

export interface ActionsResult {
  conditions: string;
  latencyConditions: string;
  counts: ActionCountRow[];
  latency: ActionLatencyRow[];
  raceConditions: string;
  race: RaceRow[];
}

/** What a pass shares: the subgraph and simulator, secrets, agents, Shopify's mutation names. */
interface Pass extends RaceContext {
  latencyMs: number;
}

/** The ids a payload answers with: a replay must answer with the same ones. */
const resultIds = (p: any): string =>
  JSON.stringify([p?.order?.id, p?.refund?.id, p?.refundRequest?.id, p?.refundRequest?.status, p?.draftOrderId, p?.jobId]);

/** Tries `kind` on each target (the first one only warms up), each call followed by its replay. */
async function runAction(pass: Pass, kind: ActionKind, targets: readonly Target[]) {
  const token = kind.as === 'agent' ? pass.agents.agent : kind.as === 'requester' ? pass.agents.requester : pass.agents.approvers[0]!;
  const firsts: Sample[] = [];
  const replays: Sample[] = [];
  const payloads: any[] = [];
  for (const [i, target] of targets.entries()) {
    const input = { ...kind.input(target), idempotencyKey: newKey() };
    const call = () => mutate(pass.url, pass.routerSecret, token, kind, input);
    const first = await measured(pass.simUrl, call);
    const again = await measured(pass.simUrl, call);
    const firstProblem = first.value.problem ?? kind.check(first.value.payload);
    const replayProblem =
      again.value.problem ??
      kind.check(again.value.payload) ??
      (resultIds(again.value.payload) === resultIds(first.value.payload) ? null : 'the replay answered another result');
    payloads.push(first.value.payload);
    if (i === 0) continue;
    firsts.push({ ms: first.value.ms, shopify: first.shopify, problem: firstProblem });
    replays.push({ ms: again.value.ms, shopify: again.shopify, problem: replayProblem && `replay: ${replayProblem}` });
  }
  return { firsts, replays, payloads };
}

/** The targets of every action in one pass, picked before anything is timed. */
async function pickTargets(simUrl: string, plan: ActionsPlan) {
  const picker = orderPicker(simUrl);
  const orders = new Map<ActionId, Target[]>();
  for (const kind of ACTIONS)
    if (kind.pick)
      orders.set(
        kind.id,
        (await picker.take(kind.pick, plan.n + 1)).map((order) => ({ order })),
      );
  const forReject = (await picker.take(PICKS.refundable, plan.n + 1)).map((order) => ({ order }));
  const race = await picker.take(PICKS.refundable, plan.race.approvers.length * plan.race.repetitions);
  return { orders, forReject, race };
}

/** Held requests (the requester's refunds, not measured) for the actions that decide them. */
async function heldRequests(pass: Pass, targets: readonly Target[]): Promise<Target[]> {
  const held = ACTIONS.find((a) => a.id === 'refund-held')!;
  const out: Target[] = [];
  for (const target of targets) {
    const a = await mutate(pass.url, pass.routerSecret, pass.agents.requester, held, { ...held.input(target), idempotencyKey: newKey() });
    const requestId: string | undefined = a.payload?.refundRequest?.id;
    if (a.problem || !requestId) throw new Error(`a held refund for the rejections failed: ${a.problem ?? 'no request'}`);
    out.push({ requestId });
  }
  return out;
}

/** One pass: a fresh subgraph on the reset simulator with `latencyMs` per Shopify request; every action, then the race. */
async function runPass(
  sim: { url: string; token: string },
  shared: { auth: BenchAuth; agents: BenchAgents; mutationNames: ReadonlySet<string>; tmp: string },
  plan: ActionsPlan,
  latencyMs: number,
  log: (line: string) => void,
) {
  await control(sim.url, 'reset', {});
  await control(sim.url, 'faults', { latencyMs });
  const targets = await pickTargets(sim.url, plan);
  const env = subgraphEnv(sim, shared.auth, join(shared.tmp, `actions-${latencyMs}.sqlite`), 0);
  delete env.SHOPIFY_CACHE_TTL_S; // production's default TTL
  const subgraph = await startCompiledSubgraph(env);
  const pass: Pass = { ...shared, url: String(subgraph.ready.url), routerSecret: shared.auth.routerSecret, simUrl: sim.url, latencyMs };
  try {
    const counts: ActionCountRow[] = [];
    const latency: ActionLatencyRow[] = [];
    let held: any[] = [];
    for (const kind of ACTIONS) {
      const on =
        kind.id === 'approve'
          ? held.map((p) => ({ requestId: p?.refundRequest?.id as string }))
          : kind.id === 'reject'
            ? await heldRequests(pass, targets.forReject)
            : targets.orders.get(kind.id)!;
      const { firsts, replays, payloads } = await runAction(pass, kind, on);
      if (kind.id === 'refund-held') held = payloads;
      counts.push(countRow(kind, firsts, replays, shared.mutationNames));
      const row = latencyRow(kind, latencyMs, firsts, replays);
      latency.push(row);
      log(
        `  latency ${latencyMs} ms, ${kind.label}: ${row.requests} Shopify req./call, p50 ${row.p50Ms} ms, replay p50 ${row.replayP50Ms} ms` +
          (row.errors ? `, ${row.errors} ERRORS (${counts.at(-1)!.errors[0]})` : ''),
      );
    }
    const race: RaceRow[] = [];
    const { approvers, repetitions } = plan.race;
    for (const [i, k] of approvers.entries()) {
      const row = await raceRow(pass, k, targets.race.slice(i * repetitions, (i + 1) * repetitions), latencyMs);
      race.push(row);
      log(`  race, latency ${latencyMs} ms, K=${k}: refunds ${row.refundsMade.join(',')}; REQUEST_NOT_PENDING ${row.notPending}`);
    }
    return { counts, latency, race };
  } finally {
    await subgraph.stop();
  }
}

/** Section 8; errors (wrong answers) are returned beside the figures. */
export async function runActions(
  plan: ActionsPlan & { log: (line: string) => void },
): Promise<{ result: ActionsResult; errors: string[] }> {
  const tmp = mkdtempSync(join(tmpdir(), 'bench-actions-'));
  const simChild = await startChild('./simulator-process.ts', { env: { BENCH_SIMULATOR: JSON.stringify({ ...STORE, ...HUGE_BUCKET }) } });
  try {
    const sim = simChild.ready as { url: string; token: string };
    const auth = await benchAuth();
    const shared = {
      auth,
      agents: await signAgents(auth.jwtSecret, Math.max(...plan.race.approvers)),
      mutationNames: shopifyMutationNames(),
      tmp,
    };
    const result: ActionsResult = { conditions: '', latencyConditions: '', counts: [], latency: [], raceConditions: '', race: [] };
    for (const [i, latencyMs] of plan.simulatorLatenciesMs.entries()) {
      const pass = await runPass(sim, shared, plan, latencyMs, plan.log);
      if (i === 0) result.counts = pass.counts;
      result.latency.push(...pass.latency);
      result.race.push(...pass.race);
    }
    result.conditions = conditions(plan);
    result.latencyConditions = latencyConditions(plan);
    result.raceConditions = raceConditions(plan);
    const errors = [
      ...result.counts.filter((r) => r.errors.length > 0).map((r) => `${r.id}: ${r.errors.join('; ')}`),
      ...result.latency.filter((r) => r.errors > 0).map((r) => `${r.id}: ${r.errors} wrong answers`),
      ...result.race.filter((r) => r.errors.length > 0).map((r) => `${r.id}: ${r.errors.join('; ')}`),
    ];
    return { result, errors };
  } finally {
    await simChild.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

function conditions(plan: ActionsPlan): string {
  return (
    `N = ${plan.n} distinct orders per action (approve/reject: N requests held by the requester's refunds), one call at a time, each followed by its replay (same key and input), after one warm-up call per action (not counted); ` +
    `POST straight to a fresh compiled subgraph per pass (NODE_ENV=production, agent tokens (HS256) and router secret checked, SQLite, default cache TTL 30 s, no webhooks), simulator (seed ${STORE.seed}, ${STORE.customers} customers, reset before each pass, own process, bucket ${HUGE_BUCKET.maximumAvailable.toExponential(0)}: never throttles); ` +
    `orders: USD, a customer's, no gift card — note: any; tags: with a tag (add vip, escalated; remove that tag); address: unfulfilled; replacement: paid and shipped (1 unit of a shipped line); refunds: paid, 1 unit of a line, restocked; cancel: paid, unfulfilled (refund, restock); ` +
    `agents: one without a refund limit (note, tags, address, replacement, direct refund, cancel), a requester with shopify_refund_limit ${REQUESTER_LIMIT} (held refunds), approvers without one; payloads select what docs/operations' examples select; ` +
    `Shopify requests, operations, points (requested / actual, as the responses' extensions.cost report them) from GET /__simulator/stats before and after each call, per call (mean over N, from the pass at ${plan.simulatorLatenciesMs[0]} ms simulator latency); mutations = operations named "mutation" in src/shopify/*operations.ts`
  );
}

function latencyConditions(plan: ActionsPlan): string {
  return (
    `the calls of 8a (N = ${plan.n} per action, one at a time, each followed by its replay), in one pass per simulator latency (the simulator reset, a fresh subgraph); ` +
    `latency = the call's HTTP round trip measured by the runner (its own process, idle otherwise), nearest-rank p50/p95 over N; sim. latency = the simulator answers every Shopify request after that delay`
  );
}

function raceConditions(plan: ActionsPlan): string {
  return (
    `a fresh order per repetition: the requester's refund of 1 unit is held, then K approvers (distinct agents, distinct keys) send approveRefundRequest at once; ${plan.race.repetitions} repetitions per K, at the end of each pass (same subgraph); ` +
    `refunds made = refunds on the simulator's order after the race (none before), per repetition; Shopify req. / mutations = requests / mutations the simulator received during the race (the approvals' answers included), per repetition; ` +
    `winners = answers carrying the refund; loser = any other answer; printed, not asserted`
  );
}
