/**
 * The subgraph with managed webhook subscriptions over a simulator: PUBLIC_URL names the port the subgraph will listen
 * on (reserved first, since the subscriptions are created while the app is built), and the simulator signs the app's
 * subscriptions with the subgraph's SHOPIFY_WEBHOOK_SECRET, as Shopify signs them with the app's client secret.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Simulator } from 'shopify-admin-simulator';
import { buildApp, type App, type BuildOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { JWT_ENV, token } from '../actions/helpers.js';

export const SECRET = 'app-client-secret-for-the-webhook-tests';

/** A free loopback port (released at once: the subgraph listens on it next). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface ManagedStack {
  app: App;
  base: string;
  /** POSTs a GraphQL request to the subgraph's /graphql (asAgent adds a token). */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** one profile through `_entities`, with an all-scopes agent token */
  profile(selection: string, emails: string[], id?: string): Promise<{ data: any; errors?: any[] }>;
  close(): Promise<void>;
}

/** Builds and starts the subgraph over `sim` on `port` with PUBLIC_URL set to it (plus `env`). */
export async function startManaged(
  sim: Simulator,
  opts: { port: number; env?: Record<string, string>; build?: BuildOptions; logger?: Logger },
): Promise<ManagedStack> {
  const tmp = mkdtempSync(join(tmpdir(), 'webhooks-'));
  const base = `http://127.0.0.1:${opts.port}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    SHOPIFY_STORE_DOMAIN: sim.url,
    SHOPIFY_ADMIN_ACCESS_TOKEN: sim.token,
    SHOPIFY_WEBHOOK_SECRET: SECRET,
    PUBLIC_URL: base,
    SQLITE_PATH: join(tmp, 'subgraph.sqlite'),
    ...JWT_ENV,
    ...opts.env,
  });
  const app = await buildApp(config, opts.logger ?? silentLogger(), opts.build);
  await new Promise<void>((resolve) => app.server.http.listen(opts.port, '127.0.0.1', resolve));
  const query: ManagedStack['query'] = async (document, variables = {}, headers = {}) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: document, variables }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  return {
    app,
    base,
    query,
    async profile(selection, emails, id = 'p-test') {
      const document = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile { ${selection} } } }`;
      const r = [{ __typename: 'CustomerProfile', id, emails }];
      return (await query(document, { r }, { authorization: `Bearer ${await token()}` })).body;
    },
    async close() {
      await app.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** The simulator's control API. */
export async function control<T = any>(sim: Simulator, path: string, body?: unknown): Promise<T> {
  const init = body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  const res = await fetch(`${sim.url}/__simulator/${path}`, init);
  if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A GraphQL request straight to the simulator, as an admin (or another app) would send it. */
export async function simulatorGraphql(sim: Simulator, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  const res = await fetch(sim.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': sim.token },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

/** The app's subscriptions in the simulator, as topic → address. */
export async function appSubscriptions(sim: Simulator): Promise<Array<{ id: string; topic: string; uri: string }>> {
  return (await control<{ subscriptions: Array<{ id: string; topic: string; uri: string }> }>(sim, 'app')).subscriptions;
}

/** The subgraph's /metrics text. */
export async function metricsOf(stack: ManagedStack): Promise<string> {
  return (await fetch(`${stack.base}/metrics`)).text();
}
