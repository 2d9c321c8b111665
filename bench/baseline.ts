/**
 * The baseline of section 7 (bench/budget-use.ts): the subgraph as it was at a given commit (default e49c852, main
 * before issue 14), built once and started exactly as production starts this tree's (compiled dist/main.js through
 * that commit's own bench/compiled-subgraph.mjs, with `npm start`'s node flags).
 *
 * The commit's files are exported with `git archive` into node_modules/.cache/bench-baseline/<commit> (a plain copy,
 * not a registered worktree: nothing in this repository's .git changes, and deleting node_modules removes it). Its
 * node_modules is a folder of links to this checkout's packages (the dependency set is the same), except the
 * workspace packages (the Admin schema, the simulator), which link to the commit's own copies, so the baseline
 * compiles and runs against the code of that commit only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../dev/ports.js';
import { productionNodeFlags, ROOT, startChild, type Child } from './processes.js';

/** main before issue 14. */
export const BASELINE_REF = 'e49c852';
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'bench-baseline');
const READY = '.bench-baseline-ready';
/** The workspace packages: linked to the commit's own copies. */
const WORKSPACE_PACKAGES = ['shopify-admin-schema', 'shopify-admin-simulator'];

/** A built copy of the code at a commit. */
export interface BaselineBuild {
  /** the full commit id and its short form */
  commit: string;
  short: string;
  /** the copy's root folder (its dist/main.js is the baseline) */
  root: string;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Runs a build step in the copy; throws with the step's output when it fails. */
function step(root: string, what: string, args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`baseline ${what} failed (exit ${r.status}): ${`${r.stdout}\n${r.stderr}`.trim().slice(-2000)}`);
}

/** Links every package of this checkout into the copy's node_modules (workspace packages to the copy's own). */
function linkNodeModules(root: string): void {
  const modules = join(root, 'node_modules');
  mkdirSync(modules, { recursive: true });
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
    if (entry === '.cache') continue;
    const target = WORKSPACE_PACKAGES.includes(entry) ? join('..', 'packages', entry) : join(ROOT, 'node_modules', entry);
    symlinkSync(target, join(modules, entry));
  }
}

/**
 * The code at `ref`, built (codegen, then `tsc -b tsconfig.build.json`) unless an earlier run already built that
 * commit. The first build takes a minute or two; later runs reuse it.
 */
export function ensureBaseline(ref: string = BASELINE_REF, log: (line: string) => void = () => undefined): BaselineBuild {
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const short = commit.slice(0, 7);
  const root = join(CACHE_DIR, commit);
  if (
    existsSync(join(root, READY)) &&
    readFileSync(join(root, READY), 'utf8').trim() === commit &&
    existsSync(join(root, 'dist', 'main.js'))
  ) {
    return { commit, short, root };
  }
  log(`  building the baseline ${short} in ${root} (once; later runs reuse it)`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const archive = spawnSync('sh', ['-c', `git archive --format=tar ${commit} | tar -x -C "${root}"`], { cwd: ROOT, encoding: 'utf8' });
  if (archive.status !== 0) throw new Error(`git archive ${short} failed: ${archive.stderr.trim()}`);
  linkNodeModules(root);
  step(root, 'codegen', ['--import', 'tsx', 'node_modules/@graphql-codegen/cli/esm/bin.js', '--config', 'codegen.ts']);
  step(root, 'build', ['node_modules/typescript/bin/tsc', '-b', 'tsconfig.build.json']);
  writeFileSync(join(root, READY), `${commit}\n`);
  return { commit, short, root };
}

/** A compiled subgraph started from some checkout, with the port it listens on known before it starts. */
export interface CompiledSubgraph {
  child: Child;
  /** http://127.0.0.1:PORT (its /graphql, /metrics, /webhooks/shopify are under it) */
  base: string;
  /** its GraphQL endpoint */
  url: string;
}

/**
 * Starts `root`'s dist/main.js as production does (through `root`'s bench/compiled-subgraph.mjs, `npm start`'s node
 * flags) on a free loopback port. `env` may use the placeholder `{BASE}` in values (PUBLIC_URL), replaced by the
 * subgraph's own base URL. The caller builds dist/ first (this tree: scripts/build-stamp.mjs ensure; a baseline:
 * ensureBaseline).
 */
export async function startCompiledAt(root: string, env: Record<string, string>): Promise<CompiledSubgraph> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const resolved = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replaceAll('{BASE}', base)]));
  const script = pathToFileURL(join(root, 'bench', 'compiled-subgraph.mjs')).href;
  const child = await startChild(script, {
    env: { ...resolved, PORT: String(port), HOST: '127.0.0.1' },
    execArgv: productionNodeFlags(),
  });
  return { child, base, url: `${base}/graphql` };
}

/** Builds this tree's dist/ when its sources are newer than the last build (as `npm start` does). */
export function ensureThisBuild(): void {
  const built = spawnSync(process.execPath, ['scripts/build-stamp.mjs', 'ensure'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) throw new Error('building dist/ for the bench failed (see above)');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const b = ensureBaseline(process.argv[2] ?? BASELINE_REF, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${b.short} built in ${b.root}\n`);
}
