/**
 * The Dockerfile, without a Docker daemon: its properties read from the file (multi-stage, production install in the
 * final stage, non-root user, HEALTHCHECK on /healthz at the port the code listens on, exec-form `node` CMD), then its
 * steps performed in a temporary directory (test/deploy/dockerfile.ts) and the final stage started as the image would
 * start: its CMD with its ENV, a real-store configuration against the simulator, SQLite in the temporary directory.
 * It must serve the profile card to a router, pass its own HEALTHCHECK, and exit 0 on SIGTERM within the drain.
 *
 * Slow by nature (two `npm ci`, better-sqlite3 compiled from source when no prebuilt binary can be downloaded, codegen
 * and tsc): 3 to 5 minutes here, from npm's local cache (npm_config_prefer_offline), while other files run beside it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'shopify-admin-simulator';
import { loadConfig } from '../../src/config.js';
import { buildDockerfile, existsIn, parseDockerfile, type Dockerfile, type StageResult } from './dockerfile.js';
import {
  agentToken,
  baseEnv,
  CUSTOMER_1,
  drainForceExitMs,
  fetchCustomerCard,
  freePort,
  readRepoFile,
  REPO_ROOT,
  startChild,
  waitForOk,
} from './helpers.js';

const dockerfile: Dockerfile = parseDockerfile(readRepoFile('Dockerfile'));
const final = dockerfile.stages.at(-1)!;
const build = dockerfile.stages[0]!;
const instructions = (stage: typeof final, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

/** The code's own default port (src/config.ts), which the image's ENV PORT, EXPOSE and HEALTHCHECK must agree with. */
const CODE_PORT = loadConfig({}).port;

describe('the Dockerfile as written', () => {
  it('has a build stage and a final runtime stage, both on node:20-bookworm-slim', () => {
    expect(dockerfile.globalArgs).toEqual({ NODE_IMAGE: 'node:20-bookworm-slim' });
    expect(dockerfile.stages.map((s) => [s.name, s.from])).toEqual([
      ['build', 'node:20-bookworm-slim'],
      ['runtime', 'node:20-bookworm-slim'],
    ]);
    // This machine's Node stands in for the image's when the steps are performed below.
    expect(process.versions.node.split('.')[0]).toBe('20');
  });

  it('builds with every dependency and installs only production dependencies in the final stage', () => {
    expect(instructions(build, 'RUN').map((i) => i.shell)).toEqual([
      'apt-get update && apt-get install -y --no-install-recommends python3 make g++ openssl && rm -rf /var/lib/apt/lists/*',
      'npm ci --no-audit --no-fund',
      'npm run build',
    ]);
    expect(instructions(final, 'RUN').map((i) => i.shell)).toEqual([
      'npm ci --omit=dev --ignore-scripts --no-audit --no-fund',
      'mkdir -p data && chown node:node data',
    ]);
    // The final stage takes only build output and the compiled native module from the build stage.
    expect(
      instructions(final, 'COPY')
        .filter((i) => i.flags.from)
        .map((i) => [i.flags.from, i.shell]),
    ).toEqual([
      [
        'build',
        '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      ],
      ['build', '/app/dist dist'],
      ['build', '/app/packages/shopify-admin-schema/dist packages/shopify-admin-schema/dist'],
      ['build', '/app/packages/shopify-admin-schema/admin-2026-07.graphql packages/shopify-admin-schema/admin-2026-07.graphql'],
      ['build', '/app/packages/shopify-admin-simulator/dist packages/shopify-admin-simulator/dist'],
    ]);
  });

  it('runs as the non-root node user, exposes the code port, health-checks /healthz there, starts node in exec form', () => {
    expect(instructions(final, 'USER').map((i) => i.shell)).toEqual(['node']);
    expect(instructions(final, 'ENV').map((i) => i.shell)).toEqual(['NODE_ENV=production', `PORT=${CODE_PORT}`]);
    expect(instructions(final, 'EXPOSE').map((i) => i.shell)).toEqual([String(CODE_PORT)]);
    const [healthcheck] = instructions(final, 'HEALTHCHECK');
    expect(healthcheck!.exec![0]).toBe('node');
    expect(healthcheck!.exec![2]).toContain("fetch('http://127.0.0.1:' + (process.env.PORT || 4001) + '/healthz')");
    expect(healthcheck!.flags).toEqual({ interval: '15s', timeout: '3s', 'start-period': '30s', retries: '3' });
    // The same command as `npm start`, node flags included: one start command, wherever it runs.
    const start = (JSON.parse(readRepoFile('package.json')) as { scripts: { start: string } }).scripts.start;
    expect(start).toMatch(/^node (--[\w-]+=\S+ )*dist\/main\.js$/);
    expect(instructions(final, 'CMD').map((i) => i.exec)).toEqual([start.split(' ')]);
  });
});

describe('the Dockerfile performed without Docker', () => {
  let workspace: string;
  let stages: Map<string, StageResult>;
  let runtime: StageResult;
  let simulator: Simulator;
  const steps: string[] = [];

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'dockerfile-'));
    stages = buildDockerfile(dockerfile, {
      context: REPO_ROOT,
      workspace,
      // npm answers from this machine's cache (the registry is reachable, but a cold download would dominate the run).
      // JOBS: node-gyp compiles better-sqlite3's two sources in parallel (one core each) when it builds from source.
      baseEnv: { ...baseEnv(), npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false', JOBS: 'max' },
      onStep: (stage, ins) => steps.push(`${stage}:${ins.keyword}`),
    });
    runtime = stages.get('runtime')!;
    simulator = await startSimulator({ port: 0, host: '127.0.0.1' });
    // The steps run synchronously: about 3 to 5 minutes, longer while other test files share the cores.
  }, 480_000);

  // Two stages' node_modules: removing them takes tens of seconds on a busy machine.
  afterAll(async () => {
    await simulator?.close();
    if (workspace) await rm(workspace, { recursive: true, force: true });
  }, 180_000);

  it('performed every step; apt packages are stood in for by this machine’s tools', () => {
    expect(steps.length).toBe(dockerfile.stages.reduce((n, s) => n + s.instructions.length, 0));
    expect(stages.get('build')!.systemPackages).toEqual(['python3', 'make', 'g++', 'openssl']);
    expect(runtime.user).toBe('node');
    expect(runtime.chowns).toEqual(['node:node']);
  });

  it('leaves a final stage with the compiled output and production dependencies only: no TypeScript tooling', () => {
    const app = join(runtime.root, 'app');
    expect(
      ['dist/main.js', 'schema.graphql', 'package.json', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'].map((p) => [
        p,
        existsIn(app, p),
      ]),
    ).toEqual([
      ['dist/main.js', true],
      ['schema.graphql', true],
      ['package.json', true],
      ['node_modules/better-sqlite3/build/Release/better_sqlite3.node', true],
    ]);
    expect(
      ['node_modules/typescript', 'node_modules/tsx', 'node_modules/.bin/tsc', 'node_modules/vitest', 'src', 'test', 'dev'].map((p) => [
        p,
        existsIn(app, p),
      ]),
    ).toEqual([
      ['node_modules/typescript', false],
      ['node_modules/tsx', false],
      ['node_modules/.bin/tsc', false],
      ['node_modules/vitest', false],
      ['src', false],
      ['test', false],
      ['dev', false],
    ]);
    // The build context honoured .dockerignore: the build stage got sources, not this checkout's node_modules or .git.
    expect(existsIn(join(stages.get('build')!.root, 'app'), '.git')).toBe(false);
  });

  it('starts as the image would, serves the card to a router, passes its HEALTHCHECK and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const jwtSecret = 'deploy-test-agent-token-secret-0123456789';
    const routerSecret = 'deploy-test-router-secret';
    const app = join(runtime.root, 'app');
    // The image's ENV, then what an operator sets: a real-store configuration (the simulator), production secrets.
    const env = {
      ...baseEnv(),
      ...runtime.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SHOPIFY_STORE_DOMAIN: simulator.storeDomain,
      SHOPIFY_ADMIN_ACCESS_TOKEN: simulator.token,
      AUTH_JWT_SECRET: jwtSecret,
      ROUTER_SECRET: routerSecret,
      SQLITE_PATH: join(workspace, 'subgraph.sqlite'),
    };
    expect(runtime.env).toEqual({ NODE_ENV: 'production', PORT: String(CODE_PORT) });
    const [command, ...args] = runtime.cmd!;
    const child = startChild(command!, args, { cwd: app, env });
    try {
      await waitForOk(`http://127.0.0.1:${port}/healthz`, child, 30_000);
      await waitForOk(`http://127.0.0.1:${port}/readyz`, child, 10_000);

      // The HEALTHCHECK command itself, with the container's environment.
      const [hcCommand, ...hcArgs] = runtime.healthcheck!.exec!;
      const healthcheck = spawnSync(hcCommand!, hcArgs, { cwd: app, env, timeout: 10_000 });
      expect(healthcheck.status).toBe(0);

      const card = await fetchCustomerCard(`http://127.0.0.1:${port}/graphql`, routerSecret, await agentToken(jwtSecret, ['shopify:read']));
      expect(card).toEqual({
        status: 200,
        body: { data: { _entities: [{ shopifyCustomer: { ...CUSTOMER_1, shopifyUrl: `${simulator.url}/admin/customers/1000001` } }] } },
      });

      // Production mode: no router secret, no answer.
      const anonymous = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect(anonymous.status).toBe(401);

      child.process.kill('SIGTERM');
      const drainMs = drainForceExitMs();
      const exit = await Promise.race([
        child.exited,
        new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), drainMs + 5_000)),
      ]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(child.output()).not.toContain(jwtSecret);
      expect(child.output()).not.toContain(routerSecret);
    } finally {
      child.process.kill('SIGKILL');
    }
  }, 60_000);

  it('loads the Admin schema file the runtime stage copies (the workspace package resolves to compiled code)', () => {
    const app = join(runtime.root, 'app');
    const resolved = spawnSync(
      'node',
      [
        '--input-type=module',
        '-e',
        "console.log(import.meta.resolve('shopify-admin-schema'), import.meta.resolve('shopify-admin-simulator'))",
      ],
      { cwd: app, env: baseEnv(), encoding: 'utf8' },
    );
    expect(resolved.stdout.trim()).toBe(
      `file://${app}/packages/shopify-admin-schema/dist/index.js file://${app}/packages/shopify-admin-simulator/dist/index.js`,
    );
    expect(readFileSync(join(app, 'packages/shopify-admin-schema/admin-2026-07.graphql'), 'utf8')).toBe(
      readRepoFile('packages/shopify-admin-schema/admin-2026-07.graphql'),
    );
  });
});
