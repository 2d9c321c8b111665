/**
 * The local supergraph as one unit: the demo store (simulator), the demo profiles subgraph seeded from its
 * customers, this subgraph with real agent-token checks, and a gateway composed from what those serve.
 * `npm run dev` runs it; test/dev runs it on free ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import type { Logger } from '../src/logger.js';
import { parseStoreDomain } from '../src/shopify/transport.js';
import { startSimulator } from 'shopify-admin-simulator';
import { composeOrThrow, fetchSubgraphSdl, SUBGRAPH_NAMES } from './compose.js';
import { generateDevSecret, signDemoToken } from './demo-token.js';
import { startGateway } from './gateway.js';
import { fillPlaceholders, loadExampleOperation } from './operations.js';
import { listenHttp, listenOrExplain, reachableHost } from './ports.js';
import { demoProfiles, startProfilesSubgraph, type DemoProfile, type SimCustomer } from './profiles-subgraph.js';

/** Default ports; each is overridable by the variable that names it. */
export const DEFAULT_PORTS = { gateway: 4000, shopify: 4001, profiles: 4002, simulator: 4100 } as const;
/** The variable that sets each port (PORT is this subgraph's own, as in `npm start`). */
export const PORT_VARIABLES = { gateway: 'GATEWAY_PORT', shopify: 'PORT', profiles: 'PROFILES_PORT', simulator: 'SIMULATOR_PORT' } as const;

export type ServerName = keyof typeof DEFAULT_PORTS;

export interface DevStackOptions {
  /** ports to listen on (0 = any free port) */
  ports: Record<ServerName, number>;
  /** address every server listens on */
  host: string;
  /** this subgraph's environment (the same variables as `npm start`); Shopify, auth and port settings are replaced */
  env: Record<string, string | undefined>;
  logger: Logger;
  /** false: no gateway, for teams that run `rover dev` with their own router */
  gateway?: boolean;
}

/** A running local supergraph. */
export interface DevStack {
  urls: { gateway: string | null; shopify: string; profiles: string; simulator: string };
  /** the demo agent's token (all scopes), valid against this run's secret */
  token: string;
  /** the secret the gateway sends as `router-authorization`; null when the subgraph does not ask for one */
  routerSecret: string | null;
  customers: SimCustomer[];
  profiles: DemoProfile[];
  /** a profile with a Shopify customer who has orders: the one Sandbox opens with */
  exampleProfileId: string;
  config: Config;
  /** Stops the gateway, the subgraphs, then the demo store; safe to call twice. */
  close(): Promise<void>;
}

/** Starts every server in order; if one fails, stops the ones already started and rethrows. */
export async function startDevStack(opts: DevStackOptions): Promise<DevStack> {
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const withGateway = opts.gateway !== false;
    const secret = opts.env.AUTH_JWT_SECRET || generateDevSecret();
    // Without the gateway, whoever routes (rover dev) would have to know a generated secret; so only ask for one
    // when we are the router, or when the developer set their own.
    const routerSecret = opts.env.ROUTER_SECRET || (withGateway ? generateDevSecret() : null);
    const ownDatabase = !opts.env.DATABASE_URL && !opts.env.SQLITE_PATH;
    const tmp = ownDatabase ? mkdtempSync(join(tmpdir(), 'shopify-subgraph-dev-')) : null;
    if (tmp) closers.push(async () => rmSync(tmp, { recursive: true, force: true }));

    // Validate this subgraph's configuration before anything starts, so a typo costs nothing to report.
    const placeholderStore = 'http://127.0.0.1:1';
    let config = loadConfig({
      ...opts.env,
      PORT: String(opts.ports.shopify),
      HOST: opts.host,
      SHOPIFY_STORE_DOMAIN: placeholderStore,
      SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_demo',
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: secret,
      AUTH_JWKS_URL: '',
      ROUTER_SECRET: routerSecret ?? '',
      ...(tmp ? { SQLITE_PATH: join(tmp, 'subgraph.sqlite') } : {}),
    });

    // The demo store: a fresh seeded store per run, so the example ids and the data always agree.
    const sim = await listenOrExplain(
      () => startSimulator({ port: opts.ports.simulator, host: opts.host, seed: config.demo.seed, customers: config.demo.customers }),
      opts.ports.simulator,
      PORT_VARIABLES.simulator,
    );
    closers.push(() => sim.close());
    // Reached by loopback even when listening on every interface (HOST=0.0.0.0): plain http is loopback-only.
    const simUrl = `http://${reachableHost(opts.host)}:${new URL(sim.url).port}`;
    config = { ...config, shopify: { endpoint: parseStoreDomain(simUrl), accessToken: sim.token, apiVersion: config.apiVersion } };

    const customers = await fetchCustomers(simUrl);
    const profiles = demoProfiles(customers);
    const profilesServer = await startProfilesSubgraph({
      profiles,
      port: opts.ports.profiles,
      host: opts.host,
      portVariable: PORT_VARIABLES.profiles,
    });
    closers.push(() => profilesServer.close());

    const app = await buildApp(config, opts.logger);
    closers.push(() => app.close());
    const shopifyPort = await listenHttp(app.server.http, opts.ports.shopify, opts.host, PORT_VARIABLES.shopify);
    const shopifyUrl = `http://${reachableHost(opts.host)}:${shopifyPort}/graphql`;

    const token = await signDemoToken(secret, { issuer: config.auth.issuer, audience: config.auth.audience });
    const exampleProfileId = pickExampleProfile(profiles, customers);

    let gatewayUrl: string | null = null;
    if (withGateway) {
      // Composed from what the running subgraphs serve, exactly as a router would see them.
      const supergraphSdl = composeOrThrow([
        { name: SUBGRAPH_NAMES.profiles, url: profilesServer.url, sdl: await fetchSubgraphSdl(profilesServer.url) },
        {
          name: SUBGRAPH_NAMES.shopify,
          url: shopifyUrl,
          sdl: await fetchSubgraphSdl(shopifyUrl, routerSecret ? { 'router-authorization': routerSecret } : {}),
        },
      ]);
      const card = loadExampleOperation('profile-card');
      const gateway = await startGateway({
        supergraphSdl,
        port: opts.ports.gateway,
        host: opts.host,
        portVariable: PORT_VARIABLES.gateway,
        routerSecret: routerSecret ?? undefined,
        sandbox: {
          document: card.document,
          variables: fillPlaceholders(card.variables, { profileId: exampleProfileId }),
          headers: { Authorization: `Bearer ${token}` },
        },
      });
      closers.push(() => gateway.close());
      gatewayUrl = gateway.url;
    }

    let closed: Promise<void> | null = null;
    return {
      urls: { gateway: gatewayUrl, shopify: shopifyUrl, profiles: profilesServer.url, simulator: simUrl },
      token,
      routerSecret,
      customers,
      profiles,
      exampleProfileId,
      config,
      close: () => (closed ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function fetchCustomers(simulatorUrl: string): Promise<SimCustomer[]> {
  const res = await fetch(`${simulatorUrl}/__simulator/customers`);
  if (!res.ok) throw new Error(`The demo store did not list its customers (HTTP ${res.status})`);
  return (await res.json()) as SimCustomer[];
}

/** The first profile whose email belongs to a customer with orders, for Sandbox's example operation. */
export function pickExampleProfile(profiles: readonly DemoProfile[], customers: readonly SimCustomer[]): string {
  const withOrders = new Set(customers.filter((c) => c.email && c.numberOfOrders > 0).map((c) => c.email!.toLowerCase()));
  const found = profiles.find((p) => p.emails.some((e) => withOrders.has(e.toLowerCase())));
  return (found ?? profiles[0])?.id ?? 'profile-0001';
}
