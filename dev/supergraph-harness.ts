/**
 * End-to-end harness: a real @apollo/gateway supergraph composed from the demo profiles subgraph (owning
 * CustomerProfile { id name emails }) and this subgraph, which talks to an in-process Shopify simulator.
 * Tests speak GraphQL to the gateway exactly as a frontend would. The profiles subgraph, the composition and the
 * gateway are the ones `npm run dev` runs (dev/); only the wiring for tests (port 0, AUTH_MODE=none) is here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, type App, type BuildOptions } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { composeOrThrow, localSubgraphs } from './compose.js';
import { startGateway } from './gateway.js';
import { listenHttp } from './ports.js';
import { createProfilesSchema, PROFILES_SDL, startProfilesSubgraph, type DemoProfile, type SimCustomer } from './profiles-subgraph.js';
import { silentLogger, type Logger } from '../src/logger.js';
import { startSimulator } from 'shopify-admin-simulator';

export { PROFILES_SDL, type SimCustomer };

/** A profile as the profiles subgraph holds it. */
export type TestProfile = DemoProfile;

/** A profiles subgraph over a fixed list. */
export const profilesSchema = createProfilesSchema;

/** Composes the supergraph SDL from the two subgraphs (throws with composition errors). */
export function composeSupergraph(profilesUrl = 'http://profiles', shopifyUrl = 'http://shopify'): string {
  return composeOrThrow(localSubgraphs({ profiles: profilesUrl, shopify: shopifyUrl }));
}

export interface SupergraphHarness {
  gatewayUrl: string;
  subgraphUrl: string;
  /** the demo profiles subgraph, for tests that compose their own router over the same subgraphs */
  profilesUrl: string;
  simulatorUrl: string;
  app: App;
  /** POST a GraphQL request to the gateway. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** Simulator control API. */
  sim<T = any>(path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  profiles: TestProfile[] | ((customers: SimCustomer[]) => TestProfile[]);
  env?: Record<string, string>;
  build?: BuildOptions;
  logger?: Logger;
  simulator?: { seed?: number; customers?: number; maximumAvailable?: number; restoreRate?: number };
  /** an already running simulator to use instead of starting one */
  simulatorUrl?: string;
}

/** Starts simulator, this subgraph, the profiles subgraph and a gateway, all on loopback ports. */
export async function startSupergraph(opts: HarnessOptions): Promise<SupergraphHarness> {
  const closers: Array<() => Promise<unknown>> = [];
  const tmp = mkdtempSync(join(tmpdir(), 'supergraph-'));
  closers.push(async () => rmSync(tmp, { recursive: true, force: true }));
  try {
    let simulatorUrl = opts.simulatorUrl;
    let token = 'shpat_simulator';
    if (!simulatorUrl) {
      const sim = await startSimulator({ port: 0, ...opts.simulator });
      closers.unshift(() => sim.close());
      simulatorUrl = sim.url;
      token = sim.token;
    }
    const sim = async <T>(path: string, body?: unknown): Promise<T> => {
      const res = await fetch(
        `${simulatorUrl}/__simulator/${path}`,
        body === undefined
          ? {}
          : {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            },
      );
      if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status}`);
      return (await res.json()) as T;
    };
    const customers = await sim<SimCustomer[]>('customers');
    const profiles = typeof opts.profiles === 'function' ? opts.profiles(customers) : opts.profiles;

    const config = loadConfig({
      SHOPIFY_STORE_DOMAIN: simulatorUrl,
      SHOPIFY_ADMIN_ACCESS_TOKEN: token,
      AUTH_MODE: 'none',
      SQLITE_PATH: join(tmp, 'subgraph.sqlite'),
      NODE_ENV: 'test',
      ...opts.env,
    });
    const app = await buildApp(config, opts.logger ?? silentLogger(), opts.build);
    closers.unshift(() => app.close());
    const port = await listenHttp(app.server.http, 0, '127.0.0.1', 'PORT');
    const subgraphUrl = `http://127.0.0.1:${port}/graphql`;

    const profilesServer = await startProfilesSubgraph({ profiles, port: 0 });
    closers.unshift(() => profilesServer.close());

    const gateway = await startGateway({
      supergraphSdl: composeSupergraph(profilesServer.url, subgraphUrl),
      port: 0,
      routerSecret: config.routerSecret,
    });
    closers.unshift(() => gateway.close());
    const gatewayUrl = gateway.url;

    return {
      gatewayUrl,
      subgraphUrl,
      profilesUrl: profilesServer.url,
      simulatorUrl: simulatorUrl!,
      app,
      sim,
      async query(query, variables, headers) {
        const res = await fetch(gatewayUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query, variables }),
        });
        return { status: res.status, body: (await res.json()) as any };
      },
      async close() {
        for (const close of closers) await close().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
}
