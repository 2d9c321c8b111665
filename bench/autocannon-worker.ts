/**
 * The load generator, in its own process so that it never shares an event loop with what it measures. The runner
 * forks it (processes.ts) and sends jobs over IPC; each answer is plain JSON:
 *
 * - `http`: autocannon against one GraphQL URL with one body, `connections` at a time. Every answer is checked —
 *   HTTP 200, no GraphQL `errors`, and `data[field]` holding `count` entries — because a GraphQL error is an HTTP
 *   200 too and would otherwise count as a fast success.
 * - `shape`: the simulator alone, asked exactly what the subgraph asks it for one call: rounds of requests, each
 *   round sent at once and waited for, `concurrency` such calls at a time (fetch, like the subgraph's own client).
 *
 * Both warm up first (not counted), then measure for `durationS` and return percentiles from every response time.
 */
import autocannon from 'autocannon';
import { serveJobs } from './processes.js';

/** Figures of one measured run. */
export interface LoadFigures {
  requests: number;
  errors: number;
  /** the first failed answer, shortened */
  firstError: string | null;
  seconds: number;
  requestsPerS: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface HttpJob {
  type: 'http';
  url: string;
  body: string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  warmupS: number;
  /** `data[field]` must be a list of `count` entries */
  expect: { field: string; count: number };
}

export interface ShapeJob {
  type: 'shape';
  url: string;
  headers: Record<string, string>;
  rounds: string[][];
  concurrency: number;
  durationS: number;
  warmupS: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function figures(latencies: number[], errors: number, firstError: string | null, seconds: number): LoadFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ok = Math.max(0, latencies.length - errors);
  return {
    requests: latencies.length,
    errors,
    firstError,
    seconds: round2(seconds),
    requestsPerS: round2(ok / seconds),
    meanMs: round2(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
    p50Ms: round2(percentile(sorted, 50)),
    p95Ms: round2(percentile(sorted, 95)),
    p99Ms: round2(percentile(sorted, 99)),
    maxMs: round2(sorted.at(-1) ?? 0),
  };
}

/** Why a GraphQL answer is not the expected one, or null when it is. */
function problem(text: string, expect: { field: string; count: number } | null): string | null {
  let body: { data?: Record<string, unknown>; errors?: Array<{ message?: string; extensions?: { code?: string } }> };
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${text.slice(0, 120)}`;
  }
  if (body.errors?.length)
    return body.errors
      .map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`)
      .join('; ')
      .slice(0, 300);
  if (!body.data) return 'no data';
  if (expect) {
    const list = body.data[expect.field];
    if (!Array.isArray(list) || list.length !== expect.count) return `data.${expect.field} does not hold ${expect.count} entries`;
  }
  return null;
}

async function runAutocannon(job: HttpJob, durationS: number): Promise<LoadFigures> {
  const latencies: number[] = [];
  let firstError: string | null = null;
  let bad = 0;
  const instance = autocannon({
    url: job.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...job.headers },
    body: job.body,
    connections: job.connections,
    duration: durationS,
    timeout: 30,
    // autocannon stops at its next sample tick (1 s by default): sample often so a row lasts what it says.
    sampleInt: 100,
    verifyBody: (text) => {
      const why = problem(text, job.expect);
      if (why) {
        bad++;
        firstError ??= why;
      }
      return why === null;
    },
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    if (statusCode !== 200) firstError ??= `HTTP ${statusCode}`;
  });
  const result = await instance;
  // verifyBody sees every answer, non-2xx included, so `bad` counts those too; errors are connection failures.
  if (result.errors > 0) firstError ??= `${result.errors} connection errors or timeouts`;
  return figures(latencies, bad + result.errors, firstError, result.duration);
}

async function runShape(job: ShapeJob, durationS: number): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const send = async (body: string) => {
    const res = await fetch(job.url, { method: 'POST', headers: { 'content-type': 'application/json', ...job.headers }, body });
    const text = await res.text();
    const why = res.status === 200 ? problem(text, null) : `HTTP ${res.status}`;
    if (why) throw new Error(why);
  };
  const started = performance.now();
  const end = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          for (const round of job.rounds) await Promise.all(round.map(send));
        } catch (error) {
          errors++;
          firstError ??= (error as Error).message;
        }
        latencies.push(performance.now() - t);
      }
    }),
  );
  return figures(latencies, errors, firstError, (performance.now() - started) / 1000);
}

serveJobs({ pid: process.pid }, async (job: HttpJob | ShapeJob) => {
  const run = job.type === 'http' ? (d: number) => runAutocannon(job, d) : job.type === 'shape' ? (d: number) => runShape(job, d) : null;
  if (!run) throw new Error(`unknown job ${(job as { type?: string }).type}`);
  if (job.warmupS > 0) await run(job.warmupS);
  return run(job.durationS);
});
