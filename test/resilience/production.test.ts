/**
 * The real entry point (tsx src/main.ts, as `npm start` runs it) refuses to start an unsafe production process with one
 * message listing every problem, and exit code 1 (issue 10, defect 6).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

/** The parent's environment without anything that configures the subgraph, so only `env` does. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([k]) => !/^(SHOPIFY_|AUTH_|ROUTER_|DATABASE_URL|SQLITE_PATH|REDIS_|PORT$|HOST$|NODE_ENV$)/.test(k),
  );
  return { ...Object.fromEntries(inherited), ...env };
}

/** Starts src/main.ts and waits for it to exit (it must not get as far as listening). */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['src/main.ts'], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

const STORE =
  'SHOPIFY_STORE_DOMAIN: is required in production (without a store the built-in demo store would be served); set it and SHOPIFY_ADMIN_ACCESS_TOKEN';
const AUTH = 'AUTH_JWT_SECRET: production needs agent authentication: set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL';
const AUTH_NONE = 'AUTH_MODE: none is not allowed in production: agent tokens must be checked (set AUTH_JWT_SECRET or AUTH_JWKS_URL)';
const ROUTER =
  'ROUTER_SECRET: is required in production so that only the router can call this subgraph (set ROUTER_SECRET_OPTIONAL=true only if the network already guarantees that)';
const message = (...problems: string[]) => `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`;

it('NODE_ENV=production with no store exits 1 with one message naming every problem', async () => {
  const run = await start({ NODE_ENV: 'production', PORT: '0', HOST: '127.0.0.1' });
  expect(run).toEqual({ code: 1, stdout: '', stderr: message(STORE, AUTH, ROUTER) });
}, 30_000);

it('NODE_ENV=production with a store but AUTH_MODE=none exits 1, the secret never printed', async () => {
  const run = await start({
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com',
    SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_do_not_print_me',
    AUTH_MODE: 'none',
  });
  expect(run).toEqual({ code: 1, stdout: '', stderr: message(AUTH_NONE, ROUTER) });
}, 30_000);
