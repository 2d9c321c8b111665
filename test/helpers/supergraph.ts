/**
 * End-to-end harness: a real @apollo/gateway supergraph composed from a small profiles subgraph (owning
 * CustomerProfile { id name emails }) and this subgraph, which talks to an in-process Shopify simulator.
 * Tests speak GraphQL to the gateway exactly as a frontend would.
 */
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'graphql';
import { buildApp, type App, type BuildOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger, type Logger } from '../../src/logger.js';
import { SCHEMA_PATH } from '../../src/server.js';
import { startSimulator } from '../../src/simulator/index.js';

export interface TestProfile {
  id: string;
  name: string;
  emails: string[];
}

/** The profiles subgraph's SDL: what this subgraph requires of the entity's owner. */
export const PROFILES_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])
  type CustomerProfile @key(fields: "id") {
    id: ID!
    name: String!
    emails: [String!]
  }
  type Query {
    profiles(ids: [ID!]!): [CustomerProfile!]!
    profile(id: ID!): CustomerProfile
  }
`;

/** A profiles subgraph over a fixed list. */
export function profilesSchema(profiles: TestProfile[]) {
  const byId = new Map(profiles.map((p) => [p.id, p]));
  return buildSubgraphSchema({
    typeDefs: parse(PROFILES_SDL),
    resolvers: {
      Query: {
        profiles: (_: unknown, { ids }: { ids: string[] }) => ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
        profile: (_: unknown, { id }: { id: string }) => byId.get(id) ?? null,
      },
      CustomerProfile: { __resolveReference: (ref: { id: string }) => byId.get(ref.id) ?? null },
    } as never,
  });
}

/** Composes the supergraph SDL from the two subgraphs (throws with composition errors). */
export function composeSupergraph(profilesUrl = 'http://profiles', shopifyUrl = 'http://shopify'): string {
  const result = composeServices([
    { name: 'profiles', url: profilesUrl, typeDefs: parse(PROFILES_SDL) },
    { name: 'shopify', url: shopifyUrl, typeDefs: parse(readFileSync(SCHEMA_PATH, 'utf8')) },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.supergraphSdl;
}

export interface SupergraphHarness {
  gatewayUrl: string;
  subgraphUrl: string;
  simulatorUrl: string;
  app: App;
  /** POST a GraphQL request to the gateway. */
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
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

export interface SimCustomer {
  id: string;
  email: string | null;
  phone: string | null;
  displayName: string;
  numberOfOrders: number;
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
      const res = await fetch(`${simulatorUrl}/__simulator/${path}`, body === undefined ? {} : {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
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
    await new Promise<void>((resolve) => app.server.http.listen(0, '127.0.0.1', resolve));
    const subgraphUrl = `http://127.0.0.1:${(app.server.http.address() as { port: number }).port}/graphql`;

    const profilesServer = new ApolloServer({ schema: profilesSchema(profiles) });
    const { url: profilesUrl } = await startStandaloneServer(profilesServer, { listen: { port: 0, host: '127.0.0.1' } });
    closers.unshift(() => profilesServer.stop());

    const routerSecret = config.routerSecret;
    const gateway = new ApolloGateway({
      supergraphSdl: composeSupergraph(profilesUrl, subgraphUrl),
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource({
          url,
          willSendRequest({ request, context }) {
            const ctx = context as { authorization?: string };
            if (ctx.authorization) request.http?.headers.set('authorization', ctx.authorization);
            if (routerSecret) request.http?.headers.set('router-authorization', routerSecret);
          },
        }),
    });
    const gatewayServer = new ApolloServer({ gateway });
    const { url: gatewayUrl } = await startStandaloneServer(gatewayServer, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    });
    closers.unshift(() => gatewayServer.stop());

    return {
      gatewayUrl,
      subgraphUrl,
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
