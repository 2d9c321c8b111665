import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('config', () => {
  it('defaults to the demo store, SQLite, auto-link on, no auth checks', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 4001, shopify: null, apiVersion: '2026-07', autoLink: true, timeoutMs: 10_000, maxWaitMs: 5_000,
      cacheTtlSeconds: 30, sqlitePath: './data/subgraph.sqlite', databaseUrl: undefined, auth: { mode: 'none' },
    });
  });

  it('reads a real store and allows plain http only on loopback', () => {
    const c = loadConfig({ SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com', SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', AUTH_JWT_SECRET: 'x'.repeat(32) });
    expect(c.shopify).toEqual({ endpoint: { storeDomain: 'acme.myshopify.com', protocol: 'https' }, accessToken: 'shpat_x', apiVersion: '2026-07' });
    expect(c.auth.mode).toBe('jwt');
    expect(loadConfig({ SHOPIFY_STORE_DOMAIN: 'http://127.0.0.1:4100', SHOPIFY_ADMIN_ACCESS_TOKEN: 't', AUTH_MODE: 'none' }).shopify?.endpoint)
      .toEqual({ storeDomain: '127.0.0.1:4100', protocol: 'http' });
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
    expect(problems).toEqual(expect.arrayContaining([
      'PORT: must be a whole number from 0 to 65535',
      'SHOPIFY_AUTO_LINK: must be true or false',
      expect.stringMatching(/^SHOPIFY_STORE_DOMAIN: plain http is allowed only for loopback hosts/),
      expect.stringMatching(/^DATABASE_URL: must start with postgres:\/\//),
      'AUTH_JWT_SECRET: must be at least 32 characters',
    ]));
    expect((error as Error).message).not.toContain(secret);
    expect((error as Error).message).not.toContain('short');
  });

  it('refuses a real store without agent authentication unless AUTH_MODE=none is explicit', () => {
    expect(() => loadConfig({ SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com', SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x' })).toThrow(/AUTH_JWT_SECRET: a real store needs agent authentication/);
    expect(loadConfig({ SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com', SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', AUTH_MODE: 'none' }).auth.mode).toBe('none');
    expect(() => loadConfig({ SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com' })).toThrow(/SHOPIFY_ADMIN_ACCESS_TOKEN: is required/);
  });
});
