/**
 * The local supergraph as one unit: the two demo stores (simulators: `us` in USD, `eu` in EUR, sharing some
 * customers; src/demo-stores.ts), the demo profiles subgraph seeded from both stores' customers, this subgraph with
 * real agent-token checks serving both stores, and a gateway composed from what those serve.
 * `npm run dev` runs it; test/dev runs it on free ports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { startDemoStores, type DemoStore } from '../src/demo-stores.js';
import type { StoreHandle } from '../src/domain/stores.js';
import type { Logger } from '../src/logger.js';
import { startSimulator } from 'shopify-admin-simulator';
import { composeOrThrow, fetchSubgraphSdl, SUBGRAPH_NAMES } from './compose.js';
import { generateDevSecret, signDemoToken } from './demo-token.js';
import { startGateway } from './gateway.js';
import { fillPlaceholders, loadExampleOperation } from './operations.js';
import { listenHttp, listenOrExplain, reachableHost } from './ports.js';
import { demoProfiles, startProfilesSubgraph, type DemoProfile, type SimCustomer } from './profiles-subgraph.js';

/** Default ports; each is overridable by the variable that names it. */
export const DEFAULT_PORTS = { gateway: 4000, shopify: 4001, profiles: 4002, simulator: 4100, simulatorEu: 4101 } as const;
/**
 * The variable that sets each port (PORT is this subgraph's own, as in `npm start`). `simulator` is the `us` demo
 * store's (SIMULATOR_PORT, as before there were two), `simulatorEu` the `eu` one's.
 */
export const PORT_VARIABLES = {
  gateway: 'GATEWAY_PORT',
  shopify: 'PORT',
  profiles: 'PROFILES_PORT',
  simulator: 'SIMULATOR_PORT',
  simulatorEu: 'SIMULATOR_EU_PORT',
} as const;

/** The port setting of each demo store, in DEMO_STORES order (us, eu). */
const DEMO_STORE_PORTS = ['simulator', 'simulatorEu'] as const satisfies readonly ServerName[];

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

/** A running demo store, as the local supergraph serves it. */
export interface DevStore {
  handle: StoreHandle;
  name: string;
  currencyCode: string;
  /** the seed it was generated from */
  seed: number;
  /** the simulator's base URL (its control API is under /__simulator/) */
  url: string;
  /** its customers as `GET /__simulator/customers` lists them, in the store's order */
  customers: SimCustomer[];
}

/** A running local supergraph. */
export interface DevStack {
  urls: {
    gateway: string | null;
    shopify: string;
    profiles: string;
    /** the `us` demo store (the first served) */
    simulator: string;
    /** every demo store by handle */
    simulators: Record<StoreHandle, string>;
  };
  /** the demo agent's token (all scopes), valid against this run's secret */
  token: string;
  /** the secret the gateway sends as `router-authorization`; null when the subgraph does not ask for one */
  routerSecret: string | null;
  /** the demo stores, in served order (us, eu) */
  stores: DevStore[];
  /** one per person across the stores: a customer of both stores is one profile, linked in both */
  profiles: DemoProfile[];
  /** a profile linked in both stores whose customers have orders in both: the one Sandbox opens with */
  exampleProfileId: string;
  config: Config;
  /** Stops the gateway, the subgraphs, then the demo stores; safe to call twice. */
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

    // Validate this subgraph's configuration before anything starts, so a typo costs nothing to report. The store
    // variables are replaced (a placeholder store, so the checks that apply to a served store apply, and no stores
    // file or store name of the developer's): the demo stores started below are what is served.
    const placeholderStore = 'http://127.0.0.1:1';
    let config = loadConfig({
      ...opts.env,
      PORT: String(opts.ports.shopify),
      HOST: opts.host,
      SHOPIFY_STORES_FILE: '',
      SHOPIFY_STORE_DOMAIN: placeholderStore,
      SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_demo',
      SHOPIFY_STORE_HANDLE: '',
      SHOPIFY_STORE_NAME: '',
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: secret,
      AUTH_JWKS_URL: '',
      ROUTER_SECRET: routerSecret ?? '',
      ...(tmp ? { SQLITE_PATH: join(tmp, 'subgraph.sqlite') } : {}),
    });

    // The demo stores: fresh seeded stores per run, so the example ids and the data always agree. The same two that
    // `npm start` serves without credentials (src/demo-stores.ts); a busy port is named by its variable.
    const demo = await startDemoStores(
      {
        seed: config.demo.seed,
        customers: config.demo.customers,
        ports: [opts.ports[DEMO_STORE_PORTS[0]], opts.ports[DEMO_STORE_PORTS[1]]],
        host: opts.host,
        // Reached by loopback even when listening on every interface (HOST=0.0.0.0): plain http is loopback-only.
        reachableHost: reachableHost(opts.host),
        apiVersion: config.apiVersion,
        webhookSecret: config.webhookSecret ?? null,
        autoLink: config.autoLink,
      },
      (options, i) => {
        const port = DEMO_STORE_PORTS[i]!;
        return listenOrExplain(() => startSimulator(options), opts.ports[port], PORT_VARIABLES[port]);
      },
    );
    for (const d of demo) closers.push(() => d.simulator.close());
    config = { ...config, stores: demo.map((d) => d.config) };

    const stores = await Promise.all(demo.map(describeStore));
    const profiles = demoProfiles(stores.flatMap((s) => s.customers));
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
    const exampleProfileId = pickExampleProfile(profiles, stores);

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
      urls: {
        gateway: gatewayUrl,
        shopify: shopifyUrl,
        profiles: profilesServer.url,
        simulator: stores[0]!.url,
        simulators: Object.fromEntries(stores.map((s) => [s.handle, s.url])),
      },
      token,
      routerSecret,
      stores,
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

/** A demo store as the stack reports it, with its customers read from its control API. */
async function describeStore(store: DemoStore): Promise<DevStore> {
  const url = `${store.config.endpoint.protocol}://${store.config.endpoint.storeDomain}`;
  const res = await fetch(`${url}/__simulator/customers`);
  if (!res.ok) throw new Error(`The ${store.handle} demo store did not list its customers (HTTP ${res.status})`);
  return {
    handle: store.handle,
    name: store.config.name,
    currencyCode: store.simulator.currencyCode,
    seed: store.seed,
    url,
    customers: (await res.json()) as SimCustomer[],
  };
}

/**
 * The profile Sandbox opens with: a two-store card. The first profile whose emails belong to a customer with orders
 * in every store, preferring one with at most 10 orders in all (the card's 10 most recent then hold both stores'
 * orders); failing that (a tiny DEMO_CUSTOMERS), the first with orders in any store, else the first profile.
 */
export function pickExampleProfile(profiles: readonly DemoProfile[], stores: ReadonlyArray<Pick<DevStore, 'customers'>>): string {
  const CARD_ORDERS = 10;
  const ordersByEmail = stores.map(
    (s) => new Map(s.customers.filter((c) => c.email && c.numberOfOrders > 0).map((c) => [c.email!.toLowerCase(), c.numberOfOrders])),
  );
  const counts = (p: DemoProfile) =>
    ordersByEmail.map((byEmail) => p.emails.map((e) => byEmail.get(e.toLowerCase()) ?? 0).find((n) => n > 0) ?? 0);
  const inEvery = profiles.filter((p) => counts(p).every((n) => n > 0));
  const found =
    inEvery.find((p) => counts(p).reduce((a, b) => a + b, 0) <= CARD_ORDERS) ??
    inEvery[0] ??
    profiles.find((p) => counts(p).some((n) => n > 0));
  return (found ?? profiles[0])?.id ?? 'profile-0001';
}
