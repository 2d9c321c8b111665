/**
 * `npx tsx bench/cpu-per-call.ts [K] [calls] [--prof]`: the subgraph's own CPU for one _entities call of the full card
 * for K demo profiles (default 100), read from /proc/<pid>/stat around `calls` calls sent one after the other to the
 * compiled subgraph in its own process (the simulator in its own, 0 ms latency, a bucket that never throttles, cache
 * off). With a single-threaded process at c = 1 and a simulator answering at once, the CPU the subgraph spends per call
 * is the latency it adds over Shopify's own time. `--prof` writes a V8 CPU profile to bench/results/cpu-prof/.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoProfiles, type SimCustomer } from '../dev/profiles-subgraph.js';
import { benchAuth, subgraphEnv } from './latency.js';
import { killAllChildren, ROOT, startChild, startCompiledSubgraph } from './processes.js';
import { entitiesQuery, representations } from './queries.js';
import { HUGE_BUCKET, STORE } from './requests.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const K = Number(args[0] ?? 100);
const CALLS = Number(args[1] ?? 40);
const prof = process.argv.includes('--prof');
/** `--flags=--max-semi-space-size=16,...`: node flags after production's (to try GC settings) */
const extraFlags =
  process.argv
    .find((a) => a.startsWith('--flags='))
    ?.slice('--flags='.length)
    .split(',')
    .filter(Boolean) ?? [];
const TICKS_PER_S = 100;

/** user + system CPU of a process so far, in ms (from /proc/<pid>/stat, clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S;
}

const tmp = mkdtempSync(join(tmpdir(), 'bench-cpu-'));
try {
  const sim = await startChild('./simulator-process.ts', { env: { BENCH_SIMULATOR: JSON.stringify({ ...STORE, ...HUGE_BUCKET }) } });
  const s = sim.ready as { url: string; token: string };
  const auth = await benchAuth();
  const execArgv = [...extraFlags, ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'results', 'cpu-prof')}`] : [])];
  const subgraph = await startCompiledSubgraph(subgraphEnv(s, auth, join(tmp, 'db.sqlite'), 0), execArgv);
  const customers = (await (await fetch(`${s.url}/__simulator/customers`)).json()) as SimCustomer[];
  const body = JSON.stringify({
    query: entitiesQuery('card'),
    variables: { representations: representations(demoProfiles(customers).slice(0, K)) },
  });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${auth.token}`, 'router-authorization': auth.routerSecret };
  const call = async () => {
    const started = performance.now();
    const res = await fetch(String(subgraph.ready.url), { method: 'POST', headers, body });
    const answer = (await res.json()) as { errors?: unknown; data?: { _entities?: unknown[] } };
    if (answer.errors || answer.data?._entities?.length !== K) throw new Error(JSON.stringify(answer).slice(0, 300));
    return performance.now() - started;
  };
  for (let i = 0; i < 10; i++) await call(); // warm-up: JIT, connections
  const stats = async () =>
    ((await (await fetch(`${s.url}/__simulator/stats`)).json()) as { requests: number; requestedCost: number }).requests;
  const before0 = await stats();
  await call();
  const perCall = (await stats()) - before0;
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const before = cpuMs(subgraph.pid);
    wall.push(await call());
    cpu.push(cpuMs(subgraph.pid) - before);
  }
  const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  process.stdout.write(
    `K=${K}, ${CALLS} calls, ${perCall} Shopify requests each: subgraph CPU per call mean ${mean(cpu).toFixed(1)} ms (p50 ${p50(cpu)} ms, 10 ms ticks); wall p50 ${p50(wall).toFixed(1)} ms\n`,
  );
  await subgraph.stop();
  await sim.stop();
} finally {
  killAllChildren();
  rmSync(tmp, { recursive: true, force: true });
}
