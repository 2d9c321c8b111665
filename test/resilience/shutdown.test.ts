/**
 * Graceful shutdown of the real entry point (tsx src/main.ts, as `npm start` runs it): a request in flight when
 * SIGTERM arrives still completes with 200, then the process exits 0.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from 'shopify-admin-simulator';
import { JWT_SECRET, token } from '../actions/helpers.js';

const ROUTER_SECRET = 'router-secret-for-shutdown-test';

let sim: Simulator;
let tmp: string;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, customers: 10 });
  tmp = mkdtempSync(join(tmpdir(), 'shutdown-'));
});
afterAll(async () => {
  await sim?.close();
  rmSync(tmp, { recursive: true, force: true });
});

it('SIGTERM drains the request in flight (200), then exits 0', async () => {
  const child = spawn(join(process.cwd(), 'node_modules/.bin/tsx'), ['src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: '0',
      HOST: '127.0.0.1',
      SHOPIFY_STORE_DOMAIN: sim.url,
      SHOPIFY_ADMIN_ACCESS_TOKEN: sim.token,
      // What production requires (config.ts): agent tokens and the router's secret.
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: JWT_SECRET,
      AUTH_JWKS_URL: '',
      ROUTER_SECRET,
      SQLITE_PATH: join(tmp, 'subgraph.sqlite'),
      LOG_LEVEL: 'info',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      const m = /"port":(\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    });
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    void exited.then(() => reject(new Error(`exited before listening:\n${output}`)));
  });

  const customer = ((await fetch(`${sim.url}/__simulator/customers`).then((r) => r.json())) as any[]).find((c) => c.email);
  await fetch(`${sim.url}/__simulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ latencyMs: 1500 }),
  });
  const slow = fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET, authorization: `Bearer ${await token()}` },
    body: JSON.stringify({
      query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile { shopifyCustomer { id } } } }`,
      variables: { r: [{ __typename: 'CustomerProfile', id: 'p1', emails: [customer.email] }] },
    }),
  });
  await new Promise((r) => setTimeout(r, 400));
  child.kill('SIGTERM');

  const res = await slow;
  expect(res.status).toBe(200);
  const body = (await res.json()) as any;
  expect(body.errors).toBeUndefined();
  expect(body.data._entities[0].shopifyCustomer.id).toBe(customer.id);
  // 0, not the 1 of main.ts's 10 s forced exit: the drain finished by itself.
  expect(await exited).toBe(0);
  expect(output).toMatch(/draining in-flight requests/);
}, 30_000);
