import { describe, expect, it } from 'vitest';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('defaults to the demo store, SQLite, auto-link on, no auth checks', () => {
    // Blank values are unset: SHOPIFY_AUTO_LINK= keeps its default.
    expect(loadConfig({ SHOPIFY_AUTO_LINK: '' }).autoLink).toBe(true);
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 4001,
      stores: [],
      apiVersion: '2026-07',
      autoLink: true,
      timeoutMs: 10_000,
      maxWaitMs: 5_000,
      cacheTtlSeconds: 30,
      sqlitePath: './data/subgraph.sqlite',
      databaseUrl: undefined,
      auth: { mode: 'none' },
    });
  });

  it('reads a real store and allows plain http only on loopback', () => {
    const c = loadConfig({
      SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com',
      SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x',
      AUTH_JWT_SECRET: 'x'.repeat(32),
    });
    expect(c.stores).toMatchObject([
      {
        handle: 'default',
        endpoint: { storeDomain: 'acme.myshopify.com', protocol: 'https' },
        accessToken: 'shpat_x',
        apiVersion: '2026-07',
      },
    ]);
    expect(c.auth.mode).toBe('jwt');
    expect(
      loadConfig({ SHOPIFY_STORE_DOMAIN: 'http://127.0.0.1:4100', SHOPIFY_ADMIN_ACCESS_TOKEN: 't', AUTH_MODE: 'none' }).stores[0]?.endpoint,
    ).toEqual({ storeDomain: '127.0.0.1:4100', protocol: 'http' });
  });

  it('lists every problem at once, by variable, without secret values', () => {
    const secret = 'shpat_supersecret_value';
    let error: unknown;
    try {
      loadConfig({
        SHOPIFY_STORE_DOMAIN: 'http://shop.example.com',
        SHOPIFY_ADMIN_ACCESS_TOKEN: secret,
        PORT: 'eighty',
        SHOPIFY_AUTO_LINK: 'maybe',
        DATABASE_URL: 'mysql://x',
        AUTH_JWT_SECRET: 'short',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'PORT: must be a whole number from 0 to 65535',
        'SHOPIFY_AUTO_LINK: must be true or false',
        expect.stringMatching(/^SHOPIFY_STORE_DOMAIN: plain http is allowed only for loopback hosts/),
        expect.stringMatching(/^DATABASE_URL: must start with postgres:\/\//),
        'AUTH_JWT_SECRET: must be at least 32 characters',
      ]),
    );
    expect((error as Error).message).not.toContain(secret);
    expect((error as Error).message).not.toContain('short');
  });

  it('refuses a real store without agent authentication unless AUTH_MODE=none is explicit', () => {
    expect(() => loadConfig({ SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com', SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x' })).toThrow(
      /AUTH_JWT_SECRET: a real store needs agent authentication/,
    );
    expect(
      loadConfig({ SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com', SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', AUTH_MODE: 'none' }).auth.mode,
    ).toBe('none');
    expect(() => loadConfig({ SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com' })).toThrow(/SHOPIFY_ADMIN_ACCESS_TOKEN: is required/);
  });

  it('tracing: off unless OTEL_EXPORTER_OTLP_ENDPOINT is an http(s) URL; the service name has a default (issue 12)', () => {
    expect(loadConfig({}).tracing).toEqual({ endpoint: undefined, serviceName: 'shopify-profile-subgraph' });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_SERVICE_NAME: '' }).tracing).toEqual({
      endpoint: undefined,
      serviceName: 'shopify-profile-subgraph',
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'support-shopify' }).tracing).toEqual({
      endpoint: 'http://collector:4318',
      serviceName: 'support-shopify',
    });
    // The value is not repeated: a collector URL may carry credentials.
    for (const bad of ['collector:4318', 'grpc://user:pw@collector:4317', 'not a url']) {
      let error: unknown;
      try {
        loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: bad });
      } catch (e) {
        error = e;
      }
      expect((error as ConfigError).problems).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL']);
    }
    expect(ENV_VARIABLES).toEqual(expect.arrayContaining(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME']));
  });

  describe('production refuses to start unsafe (issue 10, defect 6)', () => {
    const STORE = { SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com', SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x' };
    const JWT = { AUTH_JWT_SECRET: 'j'.repeat(32) };
    const ROUTER = { ROUTER_SECRET: 'r'.repeat(32) };
    const problems = (env: Record<string, string>): string[] => {
      try {
        loadConfig({ NODE_ENV: 'production', ...env });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as Error).message).not.toContain('r'.repeat(16));
        return (e as ConfigError).problems;
      }
      return [];
    };

    it('lists every missing safeguard at once', () => {
      expect(problems({})).toEqual([
        'SHOPIFY_STORE_DOMAIN: is required in production (without a store the built-in demo store would be served); set it and SHOPIFY_ADMIN_ACCESS_TOKEN',
        'AUTH_JWT_SECRET: production needs agent authentication: set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL',
        'ROUTER_SECRET: is required in production so that only the router can call this subgraph (set ROUTER_SECRET_OPTIONAL=true only if the network already guarantees that)',
      ]);
      expect(problems({ AUTH_MODE: 'none' })).toEqual([
        'SHOPIFY_STORE_DOMAIN: is required in production (without a store the built-in demo store would be served); set it and SHOPIFY_ADMIN_ACCESS_TOKEN',
        'AUTH_MODE: none is not allowed in production: agent tokens must be checked (set AUTH_JWT_SECRET or AUTH_JWKS_URL)',
        'ROUTER_SECRET: is required in production so that only the router can call this subgraph (set ROUTER_SECRET_OPTIONAL=true only if the network already guarantees that)',
      ]);
    });

    it('names each unsafe setting alone', () => {
      expect(problems({ ...STORE, ...JWT })).toEqual([
        'ROUTER_SECRET: is required in production so that only the router can call this subgraph (set ROUTER_SECRET_OPTIONAL=true only if the network already guarantees that)',
      ]);
      expect(problems({ ...STORE, ...ROUTER })).toEqual([
        'AUTH_JWT_SECRET: production needs agent authentication: set AUTH_JWT_SECRET (HS256) or AUTH_JWKS_URL',
      ]);
      expect(problems({ ...STORE, ...ROUTER, AUTH_MODE: 'none' })).toEqual([
        'AUTH_MODE: none is not allowed in production: agent tokens must be checked (set AUTH_JWT_SECRET or AUTH_JWKS_URL)',
      ]);
      expect(problems({ ...JWT, ...ROUTER })).toEqual([
        'SHOPIFY_STORE_DOMAIN: is required in production (without a store the built-in demo store would be served); set it and SHOPIFY_ADMIN_ACCESS_TOKEN',
      ]);
      expect(problems({ ...STORE, ...JWT, ROUTER_SECRET: 'short' })).toEqual([
        'ROUTER_SECRET: must be at least 16 characters in production',
      ]);
      // A blank switch is unset, like every other variable: the secret is still required, and only that is said.
      expect(problems({ ...STORE, ...JWT, ROUTER_SECRET_OPTIONAL: ' ' })).toEqual([
        'ROUTER_SECRET: is required in production so that only the router can call this subgraph (set ROUTER_SECRET_OPTIONAL=true only if the network already guarantees that)',
      ]);
      expect(problems({ ...STORE, ...JWT, ROUTER_SECRET_OPTIONAL: 'maybe' })).toEqual([
        'ROUTER_SECRET_OPTIONAL: must be true or false',
        'ROUTER_SECRET: is required in production so that only the router can call this subgraph (set ROUTER_SECRET_OPTIONAL=true only if the network already guarantees that)',
      ]);
    });

    it('starts with a real store, agent tokens and the router secret, or with the explicit opt-out', () => {
      const safe = loadConfig({ NODE_ENV: 'production', ...STORE, ...JWT, ...ROUTER });
      expect(safe).toMatchObject({ env: 'production', auth: { mode: 'jwt' }, routerSecret: 'r'.repeat(32), routerSecretOptional: false });
      const optOut = loadConfig({
        NODE_ENV: 'production',
        ...STORE,
        AUTH_JWKS_URL: 'https://idp.example.com/jwks',
        ROUTER_SECRET_OPTIONAL: 'true',
      });
      expect(optOut).toMatchObject({ auth: { mode: 'jwt' }, routerSecret: undefined, routerSecretOptional: true });
      // Outside production nothing changes: the demo store and AUTH_MODE=none stay the defaults.
      expect(loadConfig({ NODE_ENV: 'development' })).toMatchObject({ stores: [], auth: { mode: 'none' }, routerSecret: undefined });
    });
  });
});
