/**
 * compose.yaml, checked against the code without a Docker daemon: the services it needs, the variables it sets
 * (each one the subgraph, the router or an image reads), its ports and host names (every URL points at a service and
 * a port that service listens on), and the subgraph replicas' environment through the real `loadConfig`. Then the one
 * piece of wiring that could only fail at run time: a production-mode subgraph reaching the demo store over TLS with
 * the certificate compose shares (dev/demo-store.ts), serving the card.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, loadConfig } from '../../src/config.js';
import { compose as composeSupergraph, localSubgraphs } from '../../dev/compose.js';
import { GATEWAY_ENV_VARIABLES, readGatewayAuthSettings } from '../../deploy/hive-gateway/auth.js';
import { parseDockerfile } from './dockerfile.js';
import {
  agentToken,
  baseEnv,
  CUSTOMER_1,
  drainForceExitMs,
  fetchCustomerCard,
  freePort,
  interpolate,
  readRepoFile,
  readYaml,
  REPO_ROOT,
  startChild,
  waitForOk,
} from './helpers.js';

const file = readYaml('compose.yaml');
const services: Record<string, any> = file.services;

/** A service's environment with compose's interpolation applied (nothing set in the shell: the file's defaults). */
function environment(name: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries((services[name].environment ?? {}) as Record<string, string>).map(([k, v]) => [k, interpolate(v)]),
  );
}

/** The value after `--flag` in a service's command. */
function argument(name: string, flag: string): string {
  const command: string[] = services[name].command;
  const at = command.indexOf(flag);
  if (at < 0) throw new Error(`${name}'s command has no ${flag}`);
  return command[at + 1]!;
}

/** The port a healthcheck's URL asks. */
function healthcheckUrl(name: string): URL {
  const test: string[] = services[name].healthcheck.test;
  return new URL(/'(https?:\/\/[^']+)'/.exec(test.join(' '))![1]!);
}

/** Variables the official images read (postgres: its documented POSTGRES_*) or Node itself reads. */
const NODE_VARIABLES = ['NODE_EXTRA_CA_CERTS'];
/** Variables the `hive-gateway` CLI reads beside its config's (its --port and --host defaults). */
const HIVE_CLI_VARIABLES = ['PORT', 'HOST'];

describe('compose.yaml', () => {
  it('runs the subgraph twice beside PostgreSQL, Redis, the demo store, the profiles subgraph and a router', () => {
    expect(Object.keys(services).sort()).toEqual(['demo-store', 'postgres', 'profiles', 'redis', 'router', 'shopify', 'supergraph']);
    expect(services.shopify.deploy).toEqual({ replicas: 2 });
    // The production image for the replicas, the build stage for the dev-only pieces: both stages exist.
    const stages = parseDockerfile(readRepoFile('Dockerfile')).stages.map((s) => s.name);
    expect(services.shopify.build).toEqual({ context: '.', target: 'runtime' });
    expect(stages).toContain(services.shopify.build.target);
    for (const name of ['demo-store', 'profiles', 'supergraph']) {
      expect([name, services[name].build]).toEqual([name, { context: '.', target: 'build' }]);
    }
    expect(stages).toContain('build');
    // The dev CLIs the build-stage services run are in the repository.
    for (const name of ['demo-store', 'profiles', 'supergraph']) {
      const script = (services[name].command as string[])[1]!;
      expect([name, script, existsSync(join(REPO_ROOT, script))]).toEqual([name, script, true]);
    }
  });

  it('sets on the subgraph only variables it reads (plus Node’s NODE_EXTRA_CA_CERTS), and every production one', () => {
    const env = environment('shopify');
    expect(Object.keys(env).filter((k) => !ENV_VARIABLES.includes(k))).toEqual(NODE_VARIABLES);
    for (const required of ['NODE_ENV', 'SHOPIFY_STORE_DOMAIN', 'SHOPIFY_ADMIN_ACCESS_TOKEN', 'AUTH_JWT_SECRET', 'ROUTER_SECRET']) {
      expect([required, typeof env[required]]).toEqual([required, 'string']);
    }
    expect(env.NODE_ENV).toBe('production');
  });

  it('gives the replicas an environment that loadConfig accepts, in production, sharing PostgreSQL and Redis', () => {
    const env = environment('shopify');
    const config = loadConfig(env);
    expect({
      env: config.env,
      port: config.port,
      shopify: config.stores[0]?.endpoint,
      auth: config.auth.mode,
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
    }).toEqual({
      env: 'production',
      port: 4001,
      shopify: { storeDomain: 'demo-store:8443', protocol: 'https' },
      auth: 'jwt',
      databaseUrl: 'postgres://subgraph:compose-demo-db-password@postgres:5432/subgraph',
      redisUrl: 'redis://redis:6379',
    });
  });

  it('points the replicas at PostgreSQL and Redis as those services are set up', () => {
    const env = environment('shopify');
    const db = new URL(env.DATABASE_URL!);
    const pg = environment('postgres');
    expect(Object.keys(pg).sort()).toEqual(['POSTGRES_DB', 'POSTGRES_PASSWORD', 'POSTGRES_USER']);
    expect([db.hostname, db.port, db.username, db.password, db.pathname]).toEqual([
      'postgres',
      '5432',
      pg.POSTGRES_USER,
      pg.POSTGRES_PASSWORD,
      `/${pg.POSTGRES_DB}`,
    ]);
    const redis = new URL(env.REDIS_URL!);
    expect([redis.hostname, redis.port]).toEqual(['redis', '6379']);
    expect(services.postgres.image).toMatch(/^postgres:/);
    expect(services.redis.image).toMatch(/^redis:/);
  });

  it('listens, exposes and health-checks the subgraph on the same port, and stops it after the drain', () => {
    const env = environment('shopify');
    expect(services.shopify.expose).toEqual([env.PORT]);
    expect([healthcheckUrl('shopify').port, healthcheckUrl('shopify').pathname]).toEqual([env.PORT, '/healthz']);
    // Docker's SIGKILL must come after src/main.ts's own forced exit.
    expect(Number.parseInt(services.shopify.stop_grace_period, 10) * 1000).toBeGreaterThan(drainForceExitMs());
    expect([services.shopify.read_only, services.shopify.tmpfs]).toEqual([true, ['/tmp']]);
  });

  it('reaches the demo store by its service name, on its TLS port, trusting the certificate it shares', () => {
    const env = environment('shopify');
    const store = new URL(env.SHOPIFY_STORE_DOMAIN!);
    expect([store.protocol, store.hostname, store.port]).toEqual(['https:', 'demo-store', argument('demo-store', '--tls-port')]);
    expect(argument('demo-store', '--name')).toBe(store.hostname);
    expect(services['demo-store'].expose).toEqual([store.port]);
    // The certificate file compose hands to Node is the one dev/demo-store.ts writes, on a volume both mount.
    const certDir = argument('demo-store', '--cert-dir');
    expect(env.NODE_EXTRA_CA_CERTS).toBe(`${certDir}/${store.hostname}.pem`);
    expect(services['demo-store'].volumes).toEqual([`demo-store-certs:${certDir}`]);
    expect(services.shopify.volumes).toEqual([`demo-store-certs:${certDir}:ro`]);
    expect(environment('demo-store')).toEqual({ NODE_EXTRA_CA_CERTS: env.NODE_EXTRA_CA_CERTS });
    expect(healthcheckUrl('demo-store').href).toBe(`https://localhost:${store.port}/__simulator/stats`);
    // The profiles subgraph seeds itself from the store's plain-http control port.
    expect(argument('profiles', '--store')).toBe(`http://demo-store:${argument('demo-store', '--port')}`);
    expect(services['demo-store'].ports).toEqual([`${argument('demo-store', '--port')}:${argument('demo-store', '--port')}`]);
  });

  it('routes to services and ports that exist, and the supergraph composes from those URLs', () => {
    const shopifyUrl = new URL(argument('supergraph', '--shopify-url'));
    const profilesUrl = new URL(argument('supergraph', '--profiles-url'));
    expect([shopifyUrl.hostname, shopifyUrl.port, shopifyUrl.pathname]).toEqual(['shopify', environment('shopify').PORT, '/graphql']);
    expect([profilesUrl.hostname, profilesUrl.port, profilesUrl.pathname]).toEqual([
      'profiles',
      argument('profiles', '--port'),
      '/graphql',
    ]);
    expect(services.profiles.expose).toEqual([profilesUrl.port]);
    expect(healthcheckUrl('profiles').port).toBe(profilesUrl.port);
    const composed = composeSupergraph(localSubgraphs({ profiles: profilesUrl.href, shopify: shopifyUrl.href }));
    expect(composed.ok).toBe(true);
    // The router reads the file the one-shot writes, through the volume both mount at the same place.
    const out = argument('supergraph', '--out');
    expect(services.supergraph.volumes).toEqual([`supergraph:${out.slice(0, out.lastIndexOf('/'))}`]);
    expect(services.router.volumes).toContain(`supergraph:${out.slice(0, out.lastIndexOf('/'))}:ro`);
    expect(services.router.command.slice(0, 2)).toEqual(['supergraph', out]);
  });

  it('runs Hive Gateway at the version this repository tests, with the shipped config and the subgraph’s secrets', () => {
    const version = createRequire(import.meta.url)('@graphql-hive/gateway/package.json').version as string;
    expect(services.router.image).toBe(`ghcr.io/graphql-hive/gateway:${version}`);
    // The config folder is mounted beside the image's bundle, and the CLI is pointed at its config file.
    expect(services.router.volumes).toContain('./deploy/hive-gateway:/gateway/hive:ro');
    expect(argument('router', '--config-path')).toBe('/gateway/hive/gateway.config.ts');
    expect(existsSync(join(REPO_ROOT, 'deploy/hive-gateway/gateway.config.ts'))).toBe(true);
    const router = environment('router');
    expect(
      Object.keys(router).filter((k) => !(GATEWAY_ENV_VARIABLES as readonly string[]).includes(k) && !HIVE_CLI_VARIABLES.includes(k)),
    ).toEqual([]);
    // The gateway's own validation accepts its environment, and it signs nothing the subgraph would refuse.
    expect(() => readGatewayAuthSettings(router)).not.toThrow();
    const subgraph = environment('shopify');
    expect([router.AUTH_JWT_SECRET, router.ROUTER_SECRET]).toEqual([subgraph.AUTH_JWT_SECRET, subgraph.ROUTER_SECRET]);
    expect(services.router.ports).toEqual([`${router.PORT}:${router.PORT}`]);
    expect([healthcheckUrl('router').port, healthcheckUrl('router').pathname]).toEqual([router.PORT, '/readiness']);
  });

  it('starts each service after what it needs is healthy (or, for the one-shot, done)', () => {
    const waits: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, { condition }] of Object.entries((service.depends_on ?? {}) as Record<string, { condition: string }>)) {
        waits.push(`${name} → ${dependency}: ${condition}`);
        if (condition === 'service_healthy') expect([dependency, typeof services[dependency].healthcheck]).toEqual([dependency, 'object']);
        if (condition === 'service_completed_successfully') expect([dependency, services[dependency].restart]).toEqual([dependency, 'no']);
      }
    }
    expect(waits).toEqual([
      'shopify → postgres: service_healthy',
      'shopify → redis: service_healthy',
      'shopify → demo-store: service_healthy',
      'profiles → demo-store: service_healthy',
      'router → supergraph: service_completed_successfully',
      'router → shopify: service_healthy',
      'router → profiles: service_healthy',
    ]);
  });
});

describe('the demo store over TLS, as compose wires it', () => {
  it('serves the card from a production-mode subgraph that trusts the store’s certificate through NODE_EXTRA_CA_CERTS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-tls-'));
    // node --import tsx rather than the tsx CLI: one process, so killing it leaves nothing behind.
    const tsx = (script: string, ...args: string[]) => [process.execPath, ['--import', 'tsx', script, ...args]] as const;
    const store = startChild(...tsx('dev/demo-store.ts', '--port', '0', '--tls-port', '0', '--cert-dir', join(dir, 'certs')), {
      cwd: REPO_ROOT,
      env: baseEnv(),
    });
    let subgraph: ReturnType<typeof startChild> | undefined;
    try {
      const tlsPort = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the demo store did not start:\n${store.output()}`)), 30_000);
        store.process.stdout!.on('data', () => {
          const match = /TLS listening on https:\/\/demo-store:(\d+)/.exec(store.output());
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      // compose's replica environment; only what differs on one machine is replaced: the store is reached as
      // localhost (the certificate names it too), the certificate is in the temporary folder, SQLite stands in for
      // PostgreSQL and the cache stays in-process.
      const port = await freePort();
      const env = environment('shopify');
      const { DATABASE_URL: _db, REDIS_URL: _redis, ...rest } = env;
      subgraph = startChild(...tsx('src/main.ts'), {
        cwd: REPO_ROOT,
        env: {
          ...baseEnv(),
          ...rest,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          SHOPIFY_STORE_DOMAIN: `https://localhost:${tlsPort}`,
          NODE_EXTRA_CA_CERTS: join(dir, 'certs/demo-store.pem'),
          SQLITE_PATH: join(dir, 'subgraph.sqlite'),
        },
      });
      await waitForOk(`http://127.0.0.1:${port}/readyz`, subgraph, 30_000);
      const card = await fetchCustomerCard(
        `http://127.0.0.1:${port}/graphql`,
        env.ROUTER_SECRET!,
        await agentToken(env.AUTH_JWT_SECRET!, ['shopify:read']),
      );
      expect(card).toEqual({
        status: 200,
        body: {
          data: { _entities: [{ shopifyCustomer: { ...CUSTOMER_1, shopifyUrl: `https://localhost:${tlsPort}/admin/customers/1000001` } }] },
        },
      });
    } finally {
      subgraph?.process.kill('SIGKILL');
      store.process.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
