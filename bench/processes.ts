/**
 * Child processes for the bench: the subgraph, the simulator, autocannon and the budget run each get their own
 * process (and event loop), talk over IPC, and are tracked here so that nothing outlives `npm run bench` — not on
 * success, not on an error, not on Ctrl-C.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../dev/ports.js';

/** The repository root: children run from here so `--import tsx` and relative paths resolve. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const running = new Set<ChildProcess>();

/** A child speaking the bench's IPC protocol: it sends `{ type: 'ready', ... }` once, then answers jobs. */
export interface Child {
  pid: number;
  /** what the child sent with its `ready` message */
  ready: Record<string, unknown>;
  /** sends one job and waits for its `{ type: 'result' }` (or `{ type: 'error' }`) */
  call<T>(job: Record<string, unknown>, timeoutMs: number): Promise<T>;
  /** asks it to stop (SIGTERM, then SIGKILL after `graceMs`); resolves once it has exited */
  stop(graceMs?: number): Promise<void>;
  /** what it wrote to stderr (last 4 KB), for error messages */
  stderr(): string;
}

/**
 * Forks a module with an IPC channel (TypeScript through tsx; a `.mjs` file with plain node), and waits (at most `readyTimeoutMs`) for its
 * `ready` message. The child is killed if it does not get ready in time.
 */
export async function startChild(
  script: string,
  opts: { env?: Record<string, string>; args?: string[]; execArgv?: string[]; readyTimeoutMs?: number } = {},
): Promise<Child> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), opts.args ?? [], {
    cwd: ROOT,
    execArgv: script.endsWith('.mjs') ? (opts.execArgv ?? []) : ['--import', 'tsx', ...(opts.execArgv ?? [])],
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4096);
  });
  // The subgraph logs JSON lines to stdout; the bench does not read them, but a full pipe would block the child.
  child.stdout?.resume();
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );

  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error(`${script} did not get ready within ${opts.readyTimeoutMs ?? 60_000} ms`)),
      opts.readyTimeoutMs ?? 60_000,
    );
    const onMessage = (m: any) => {
      if (m?.type === 'ready') done(() => resolve(m as Record<string, unknown>));
      else if (m?.type === 'error') fail(new Error(`${script}: ${m.message}`));
    };
    const onExit = (code: number | null) =>
      fail(new Error(`${script} exited (code ${code}) before it was ready: ${err.trim().slice(-1500)}`));
    const done = (then: () => void) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      then();
    };
    const fail = (e: Error) =>
      done(() => {
        void stop(1000);
        reject(e);
      });
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

  let seq = 0;
  return {
    pid: child.pid!,
    ready,
    stderr: () => err,
    stop,
    call<T>(job: Record<string, unknown>, timeoutMs: number): Promise<T> {
      const id = ++seq;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () => finish(() => reject(new Error(`${script}: no answer to job ${String(job.type)} within ${timeoutMs} ms`))),
          timeoutMs,
        );
        const onMessage = (m: any) => {
          if (m?.id !== id) return;
          if (m.type === 'result') finish(() => resolve(m.result as T));
          else if (m.type === 'error') finish(() => reject(new Error(`${script}: ${m.message}`)));
        };
        const onExit = (code: number | null) =>
          finish(() => reject(new Error(`${script} exited (code ${code}) during job ${String(job.type)}: ${err.trim().slice(-1500)}`)));
        const finish = (then: () => void) => {
          clearTimeout(timer);
          child.off('message', onMessage);
          child.off('exit', onExit);
          then();
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
        child.send({ ...job, id });
      });
    },
  };
}

/** Kills every child still running (used on errors and signals; the normal path stops each child itself). */
export function killAllChildren(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const c of running) c.kill(signal);
}

/** How many children are still running (the runner checks it is 0 at the end). */
export function runningChildren(): number {
  return running.size;
}

/**
 * Child side of the protocol: announces `ready`, answers each job with `handle`, and exits when the parent goes
 * away (IPC disconnect), so an interrupted bench leaves no process behind.
 */
export function serveJobs(
  ready: Record<string, unknown>,
  handle: (job: any) => Promise<unknown>,
  onStop: () => Promise<void> = async () => undefined,
): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    onStop().finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('message', (job: any) => {
    handle(job).then(
      (result) => process.send?.({ type: 'result', id: job.id, result }),
      (error: unknown) => process.send?.({ type: 'error', id: job.id, message: error instanceof Error ? error.message : String(error) }),
    );
  });
  process.send?.({ type: 'ready', ...ready });
}

/** Memory of a process from /proc: current and peak resident set size (VmRSS, VmHWM), in MB; null off Linux. */
export function processMemory(pid: number): { rssMb: number; peakRssMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    const rss = kb('VmRSS');
    const hwm = kb('VmHWM');
    if (!Number.isFinite(rss) || !Number.isFinite(hwm)) return null;
    return { rssMb: Math.round(rss / 102.4) / 10, peakRssMb: Math.round(hwm / 102.4) / 10 };
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs` until stopped; returns the highest RSS seen (MB). */
export function sampleRss(pid: number, everyMs = 200): { stop(): number | null } {
  let max: number | null = null;
  const take = () => {
    const m = processMemory(pid);
    if (m) max = Math.max(max ?? 0, m.rssMb);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return max;
    },
  };
}

/**
 * The node flags production starts with, read from package.json's `start` script (`node [flags] dist/main.js`): the
 * one place they are written, so the bench measures the heap configuration `npm start` runs with (V8 sizes its heap
 * from the flags, and from the machine's memory when none are given).
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const start = pkg.scripts?.start ?? '';
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node' || words.at(-1) !== 'dist/main.js' || words.slice(1, -1).some((w) => !w.startsWith('--'))) {
    throw new Error(`package.json's start script should be "node [--flags] dist/main.js", got "${start}"`);
  }
  return words.slice(1, -1);
}

/**
 * The subgraph as production runs it: compiled dist/ through bench/compiled-subgraph.mjs (built first when sources
 * are newer than the last build) with `npm start`'s node flags, on a free loopback port, configured by `env` like
 * `npm start`. `execArgv`: the bench's own additions (--expose-gc), after production's flags.
 */
export async function startCompiledSubgraph(env: Record<string, string>, execArgv: string[] = []): Promise<Child> {
  const built = spawnSync(process.execPath, ['scripts/build-stamp.mjs', 'ensure'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('building dist/ for the bench failed (see above)');
  const port = await freePort();
  return startChild('./compiled-subgraph.mjs', {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
    execArgv: [...productionNodeFlags(), ...execArgv],
  });
}
