/**
 * The local supergraph itself: the two demo stores, Sandbox's initial state, real agent-token checks through the
 * gateway, the demo profiles subgraph's seed and queries, ports explained by their variables, and `npm run dev`
 * stopping on Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/auth.js';
import { signDemoToken } from '../../dev/demo-token.js';
import { supergraphForGateway } from '../../dev/gateway.js';
import { loadExampleOperation } from '../../dev/operations.js';
import { checkPorts, PortInUseError, readPort } from '../../dev/ports.js';
import { demoProfiles, type SimCustomer } from '../../dev/profiles-subgraph.js';
import { PROJECT_ROOT } from '../../dev/schema-check.js';
import { DEFAULT_PORTS, PORT_VARIABLES, pickExampleProfile, startDevStack, type DevStack } from '../../dev/stack.js';
import { silentLogger } from '../../src/logger.js';
import { composeSupergraph } from '../../dev/supergraph-harness.js';

const FREE = { gateway: 0, shopify: 0, profiles: 0, simulator: 0, simulatorEu: 0 };
let stack: DevStack;

async function gql(url: string, query: string, variables: Record<string, unknown> = {}, authorization?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string } }> };
}

/** Holds a loopback port until released, to see how the stack reports it. */
async function occupyPort(): Promise<{ port: number; release(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, release: () => new Promise((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  stack = await startDevStack({ ports: FREE, host: '127.0.0.1', env: { DEMO_CUSTOMERS: '60' }, logger: silentLogger() });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

describe('the demo stores', () => {
  it('are both up: us in USD and eu in EUR, each a simulator of its own, served by this subgraph in that order', async () => {
    expect(stack.stores.map((s) => [s.handle, s.currencyCode])).toEqual([
      ['us', 'USD'],
      ['eu', 'EUR'],
    ]);
    expect(stack.urls.simulator).toBe(stack.urls.simulators.us);
    expect(Object.keys(stack.urls.simulators)).toEqual(['us', 'eu']);
    expect(stack.urls.simulators.us).not.toBe(stack.urls.simulators.eu);
    for (const store of stack.stores) {
      expect(stack.urls.simulators[store.handle]).toBe(store.url);
      const res = await fetch(`${store.url}/__simulator/shop`);
      expect(res.status, store.handle).toBe(200);
      expect(await res.json()).toMatchObject({ currencyCode: store.currencyCode, customers: 60 });
      expect(store.customers).toHaveLength(60);
    }
    expect(stack.config.stores.map((s) => [s.handle, s.endpoint.storeDomain])).toEqual(
      stack.stores.map((s) => [s.handle, new URL(s.url).host]),
    );
    const { data } = await gql(stack.urls.gateway!, '{ shopifyStores { handle currencyCode } }', {}, `Bearer ${stack.token}`);
    expect(data.shopifyStores).toEqual([
      { handle: 'us', currencyCode: 'USD' },
      { handle: 'eu', currencyCode: 'EUR' },
    ]);
  });

  it('share customers: a customer of both is one profile, and the example profile is linked in both, with orders in both', async () => {
    const [us, eu] = stack.stores;
    const usEmails = new Set(us!.customers.flatMap((c) => (c.email ? [c.email.toLowerCase()] : [])));
    const shared = eu!.customers.filter((c) => c.email && usEmails.has(c.email.toLowerCase()));
    expect(shared.length).toBe(Math.round(0.3 * eu!.customers.length));
    for (const c of shared) {
      const holders = stack.profiles.filter((p) => p.emails.some((e) => e.toLowerCase() === c.email!.toLowerCase()));
      expect(holders, c.email!).toHaveLength(1);
    }

    const profile = stack.profiles.find((p) => p.id === stack.exampleProfileId)!;
    const inStore = (s: typeof us) => s!.customers.find((c) => c.email && profile.emails.includes(c.email))!;
    expect(inStore(us).numberOfOrders).toBeGreaterThan(0);
    expect(inStore(eu).numberOfOrders).toBeGreaterThan(0);
    const { data, errors } = await gql(
      stack.urls.gateway!,
      'query($id: ID!) { profile(id: $id) { shopifyCustomers { id store { handle } } us: shopifyLink(store: "us") { method customerId } eu: shopifyLink(store: "eu") { method customerId } } }',
      { id: profile.id },
      `Bearer ${stack.token}`,
    );
    expect(errors).toBeUndefined();
    expect(data.profile).toEqual({
      shopifyCustomers: [
        { id: inStore(us).id, store: { handle: 'us' } },
        { id: inStore(eu).id, store: { handle: 'eu' } },
      ],
      us: { method: 'AUTO_EMAIL', customerId: inStore(us).id },
      eu: { method: 'AUTO_EMAIL', customerId: inStore(eu).id },
    });
  });
});

describe('the gateway', () => {
  it('opens Apollo Sandbox on the profile card, with its variables and the demo token', async () => {
    const res = await fetch(stack.urls.gateway!, { headers: { accept: 'text/html' } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('embeddable-sandbox.cdn.apollographql.com');
    const config = JSON.parse(/var embeddedSandboxConfig = (\{.*\});/.exec(html)![1]!);
    expect(config.initialState).toMatchObject({
      document: loadExampleOperation('profile-card').document,
      variables: { id: stack.exampleProfileId, store: 'us' },
      headers: { Authorization: `Bearer ${stack.token}` },
      pollForSchemaUpdates: false,
    });
  });

  it('forwards the agent token: none is UNAUTHENTICATED, a token without the scope is FORBIDDEN, the demo token reads', async () => {
    const query = 'query($id: ID!) { profile(id: $id) { id shopifyCustomer { id } } }';
    const variables = { id: stack.exampleProfileId };

    const anonymous = await gql(stack.urls.gateway!, query, variables);
    expect(anonymous.data.profile).toEqual({ id: stack.exampleProfileId, shopifyCustomer: null });
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);

    const secret = stack.config.auth.jwtSecret!;
    const noRead = await signDemoToken(secret, { scopes: SCOPES.filter((s) => s !== 'shopify:read') });
    const forbidden = await gql(stack.urls.gateway!, query, variables, `Bearer ${noRead}`);
    expect(forbidden.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['FORBIDDEN', expect.stringContaining('shopify:read')]]);

    const ok = await gql(stack.urls.gateway!, query, variables, `Bearer ${stack.token}`);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.profile.shopifyCustomer.id).toMatch(/^gid:\/\/shopify\/Customer\//);
  });

  it('is the only way in: the subgraph refuses callers without the router secret', async () => {
    const res = await fetch(stack.urls.shopify, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(res.status).toBe(401);
    expect(stack.routerSecret).not.toBeNull();
  });

  it('loads a supergraph with @requiresScopes, which @apollo/gateway refuses as an unsupported SECURITY feature', () => {
    const sdl = composeSupergraph();
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)');
    const forGateway = supergraphForGateway(sdl);
    expect(forGateway).toContain('@link(url: "https://specs.apollo.dev/requiresScopes/v0.1")');
    expect(forGateway).toContain('@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)');
    expect(forGateway).toContain('@requiresScopes(scopes: [["shopify:read"]])');
  });
});

describe('the demo profiles subgraph', () => {
  const customers: SimCustomer[] = Array.from({ length: 30 }, (_, i) => ({
    id: `gid://shopify/Customer/${1000001 + i}`,
    email: i === 2 ? null : `c${i + 1}@example.org`,
    phone: null,
    displayName: `Customer ${i + 1}`,
    numberOfOrders: i % 3,
  }));

  it('has a profile per customer, a work email first on every 7th, none for customers without email, and walk-ins after every 25th', () => {
    const profiles = demoProfiles(customers);
    expect(profiles).toHaveLength(31);
    expect(profiles[0]).toEqual({ id: 'profile-0001', name: 'Customer 1', emails: ['c1@example.org'] });
    expect(profiles[2]).toEqual({ id: 'profile-0003', name: 'Customer 3', emails: [] });
    expect(profiles[6]).toEqual({ id: 'profile-0007', name: 'Customer 7', emails: ['c7@work.example', 'c7@example.org'] });
    expect(profiles[25]).toEqual({ id: 'profile-0026', name: 'Walk-in Visitor 1', emails: ['visitor1@no-shop.example'] });
    expect(profiles[26]!.name).toBe('Customer 26');
    expect(demoProfiles(customers)).toEqual(profiles);
  });

  it('has one profile for a customer of two stores (same email, any case), so it is linked in both', () => {
    const eu: SimCustomer[] = [
      { id: 'gid://shopify/Customer/2000001', email: 'C2@example.org', phone: null, displayName: 'Customer 2', numberOfOrders: 1 },
      { id: 'gid://shopify/Customer/2000002', email: 'eu1@example.org', phone: null, displayName: 'EU 1', numberOfOrders: 0 },
      { id: 'gid://shopify/Customer/2000003', email: null, phone: null, displayName: 'Customer 3', numberOfOrders: 0 },
    ];
    const profiles = demoProfiles([...customers, ...eu]);
    expect(profiles.slice(0, 31)).toEqual(demoProfiles(customers));
    expect(profiles.slice(31)).toEqual([
      { id: 'profile-0032', name: 'EU 1', emails: ['eu1@example.org'] },
      { id: 'profile-0033', name: 'Customer 3', emails: [] },
    ]);
    expect(profiles.filter((p) => p.emails.includes('c2@example.org'))).toHaveLength(1);
  });

  it('opens Sandbox on a profile with orders in every store, at most 10 in all when there is one', () => {
    const c = (email: string | null, numberOfOrders: number): SimCustomer => ({
      id: `id-${email}`,
      email,
      phone: null,
      displayName: 'x',
      numberOfOrders,
    });
    const profiles = ['a', 'b', 'c', 'd'].map((x, i) => ({ id: `p${i + 1}`, name: x, emails: [`${x}@example.org`] }));
    const us = { customers: [c('a@example.org', 3), c('b@example.org', 9), c('c@example.org', 2), c('d@example.org', 4)] };
    const eu = { customers: [c('b@example.org', 5), c('c@example.org', 1), c('d@example.org', 1)] };
    expect(pickExampleProfile(profiles, [us, eu])).toBe('p3');
    expect(pickExampleProfile(profiles, [us, { customers: [c('b@example.org', 5)] }])).toBe('p2');
    expect(pickExampleProfile(profiles, [us, { customers: [] }])).toBe('p1');
  });

  it('pages with first/after, finds by ids and by email (case-insensitive), and rejects a bad page size', async () => {
    const url = stack.urls.profiles;
    const first = await gql(url, '{ profiles(first: 2) { id } }');
    expect(first.data.profiles).toEqual(stack.profiles.slice(0, 2).map(({ id }) => ({ id })));
    const next = await gql(url, 'query($after: ID) { profiles(first: 2, after: $after) { id } }', { after: stack.profiles[1]!.id });
    expect(next.data.profiles).toEqual(stack.profiles.slice(2, 4).map(({ id }) => ({ id })));
    const byIds = await gql(url, '{ profiles(ids: ["profile-0003", "nope", "profile-0001"]) { id } }');
    expect(byIds.data.profiles).toEqual([{ id: 'profile-0003' }, { id: 'profile-0001' }]);
    const withEmail = stack.profiles.find((p) => p.emails.length > 0)!;
    const byEmail = await gql(url, 'query($e: String!) { profileByEmail(email: $e) { id name emails } }', {
      e: withEmail.emails[0]!.toUpperCase(),
    });
    expect(byEmail.data.profileByEmail).toEqual(withEmail);
    const bad = await gql(url, '{ profiles(first: 0) { id } }');
    expect(bad.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', 'first must be from 1 to 100, got 0']]);
  });
});

describe('ports', () => {
  it('reads each variable, and lists every problem naming the variable to change', async () => {
    expect(readPort({}, 'GATEWAY_PORT', 4000)).toEqual({ variable: 'GATEWAY_PORT', port: 4000 });
    expect(readPort({ PORT: '70000' }, 'PORT', 4001)).toBe('PORT: must be a whole number from 0 to 65535, got "70000"');
    const held = await occupyPort();
    try {
      expect(
        await checkPorts(
          [
            { variable: 'GATEWAY_PORT', port: held.port },
            { variable: 'PORT', port: 0 },
            { variable: 'PROFILES_PORT', port: 0 },
          ],
          '127.0.0.1',
        ),
      ).toEqual([
        `Port ${held.port} is already in use: set GATEWAY_PORT to a free port (for example GATEWAY_PORT=${held.port + 10} npm run dev)`,
      ]);
      expect(
        await checkPorts(
          [
            { variable: 'PORT', port: 4999 },
            { variable: 'PROFILES_PORT', port: 4999 },
          ],
          '127.0.0.1',
        ),
      ).toEqual(['PROFILES_PORT and PORT are both 4999: give each server its own port']);
    } finally {
      await held.release();
    }
  });

  it('a port taken while starting fails with its variable, and stops what had started', async () => {
    const held = await occupyPort();
    try {
      const error = await startDevStack({
        ports: { ...FREE, profiles: held.port },
        host: '127.0.0.1',
        env: { DEMO_CUSTOMERS: '5' },
        logger: silentLogger(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error).toMatchObject({ variable: 'PROFILES_PORT', port: held.port });
    } finally {
      await held.release();
    }
  });

  it.each([['simulator'], ['simulatorEu']] as const)('a busy %s port fails naming its own variable', async (name) => {
    const held = await occupyPort();
    try {
      const error = await startDevStack({
        ports: { ...FREE, [name]: held.port },
        host: '127.0.0.1',
        env: { DEMO_CUSTOMERS: '5' },
        logger: silentLogger(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUseError);
      expect(error).toMatchObject({ variable: PORT_VARIABLES[name], port: held.port });
    } finally {
      await held.release();
    }
  });
});

describe('supergraph.yaml (rover dev)', () => {
  it("names this subgraph and the demo profiles subgraph by their schema files and npm run dev's default ports", () => {
    const yaml = readFileSync(join(PROJECT_ROOT, 'supergraph.yaml'), 'utf8');
    const subgraphs = [...yaml.matchAll(/^  (\w+):\n(?:\s+#.*\n)*\s+routing_url: (\S+)\n\s+schema:\n\s+file: (\S+)$/gm)].map((m) => [
      m[1],
      m[2],
      m[3],
    ]);
    expect(subgraphs).toEqual([
      ['profiles', `http://localhost:${DEFAULT_PORTS.profiles}/graphql`, './dev/profiles.graphql'],
      ['shopify', `http://localhost:${DEFAULT_PORTS.shopify}/graphql`, './schema.graphql'],
    ]);
    for (const [, , file] of subgraphs) expect(existsSync(join(PROJECT_ROOT, file!))).toBe(true);
  });
});

describe('npm run dev', () => {
  const entry = join(PROJECT_ROOT, 'dev/index.ts');
  const env = (extra: Record<string, string>) => ({
    ...process.env,
    GATEWAY_PORT: '0',
    PORT: '0',
    PROFILES_PORT: '0',
    SIMULATOR_PORT: '0',
    SIMULATOR_EU_PORT: '0',
    DEMO_CUSTOMERS: '20',
    ...extra,
  });

  // NODE_ENV=development as in a terminal: Apollo only installs its own signal handlers outside NODE_ENV=test.
  it.each([[[]], [['--subgraphs-only']]])(
    '%j prints the URLs and the token, then stops everything on Ctrl-C (SIGINT) and exits 0',
    async (args: string[]) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
        cwd: PROJECT_ROOT,
        env: env({ NODE_ENV: 'development' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const lastLine = args.length ? 'forwards the Authorization header' : 'Sandbox opens with';
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready in time:\n${out}`)), 45_000);
        child.stdout.on('data', () => {
          if (out.includes(lastLine)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      expect(out).toContain('Local supergraph running (Ctrl-C stops everything)');
      expect(out).toMatch(/This subgraph \(shopify\)\s+http:\/\/localhost:\d+\/graphql/);
      if (args.length) expect(out).not.toContain('Apollo Sandbox');
      else expect(out).toMatch(/Supergraph \+ Apollo Sandbox\s+http:\/\/localhost:\d+\//);
      expect(out).toMatch(/export DEMO_TOKEN=[\w-]+\.[\w-]+\.[\w-]+/);
      expect(out).toMatch(/Demo store us \(Shopify simulator\)\s+http:\/\/localhost:\d+\s+US demo store, USD, 20 customers, seed 1/);
      expect(out).toMatch(/Demo store eu \(Shopify simulator\)\s+http:\/\/localhost:\d+\s+EU demo store, EUR, 20 customers, seed 2/);
      const signalledAt = Date.now();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(5_000);
      expect(out).toContain('Stopped.');
    },
    60_000,
  );

  it('refuses to start when a port is in use, naming the variable', async () => {
    const held = await occupyPort();
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', entry], {
        cwd: PROJECT_ROOT,
        env: env({ GATEWAY_PORT: String(held.port) }),
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(
        `Cannot start the local supergraph:\n  - Port ${held.port} is already in use: set GATEWAY_PORT to a free port`,
      );
    } finally {
      await held.release();
    }
  }, 30_000);
});
