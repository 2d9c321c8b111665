/** The webhook variables: PUBLIC_URL (https, or http to loopback), the long TTL and what "verified" waits for. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const STORE = { SHOPIFY_STORE_DOMAIN: 'acme.myshopify.com', SHOPIFY_ADMIN_ACCESS_TOKEN: 'shpat_x', AUTH_MODE: 'none' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
}

describe('webhook config', () => {
  it('defaults: no managed subscriptions, 600 s while verified, an hour of quiet, a minute for our own change', () => {
    expect(loadConfig({}).webhooks).toEqual({
      publicUrl: undefined,
      declared: false,
      ttlSeconds: 600,
      recentSeconds: 3_600,
      expectWithinSeconds: 60,
    });
  });

  it('takes an https PUBLIC_URL (trailing slash dropped) or plain http to loopback', () => {
    const secret = { SHOPIFY_WEBHOOK_SECRET: 's' };
    expect(loadConfig({ ...STORE, ...secret, PUBLIC_URL: 'https://subgraph.example.com/shopify/' }).webhooks.publicUrl).toBe(
      'https://subgraph.example.com/shopify',
    );
    expect(loadConfig({ ...STORE, ...secret, PUBLIC_URL: 'http://127.0.0.1:4001' }).webhooks.publicUrl).toBe('http://127.0.0.1:4001');
    expect(loadConfig({ ...STORE, ...secret, PUBLIC_URL: 'http://localhost:4001' }).webhooks.publicUrl).toBe('http://localhost:4001');
  });

  it('lists every webhook problem without repeating the values', () => {
    expect(problems({ ...STORE, PUBLIC_URL: 'http://subgraph.internal:4001' })).toEqual([
      'PUBLIC_URL: must be an https:// URL (plain http only to localhost or 127.0.0.1)',
      'PUBLIC_URL: subscribing needs SHOPIFY_WEBHOOK_SECRET, or every delivery would be refused as unsigned',
    ]);
    expect(problems({ ...STORE, SHOPIFY_WEBHOOK_SECRET: 's', PUBLIC_URL: 'https://u:p@x.example.com' })).toEqual([
      'PUBLIC_URL: must not carry a user name or password',
    ]);
    expect(problems({ ...STORE, SHOPIFY_WEBHOOK_SECRET: 's', PUBLIC_URL: 'https://x.example.com/?a=1' })).toEqual([
      'PUBLIC_URL: must not have a query or fragment (the webhook path is appended to it)',
    ]);
    expect(
      problems({
        ...STORE,
        SHOPIFY_WEBHOOK_SECRET: 's',
        PUBLIC_URL: 'https://x.example.com',
        SHOPIFY_WEBHOOKS_SUBSCRIBED: 'true',
        SHOPIFY_CACHE_TTL_S: '120',
        SHOPIFY_CACHE_TTL_WEBHOOKS_S: '60',
        SHOPIFY_WEBHOOKS_EXPECT_S: '0',
      }),
    ).toEqual([
      'SHOPIFY_WEBHOOKS_EXPECT_S: must be a whole number from 1 to 3600',
      'SHOPIFY_WEBHOOKS_SUBSCRIBED: cannot be used with PUBLIC_URL, which makes the subgraph check the subscriptions itself',
      'SHOPIFY_CACHE_TTL_WEBHOOKS_S: must be at least SHOPIFY_CACHE_TTL_S (it applies while webhooks keep the cache fresh)',
    ]);
  });

  it('declares hand-made subscriptions without PUBLIC_URL', () => {
    expect(loadConfig({ ...STORE, SHOPIFY_WEBHOOK_SECRET: 's', SHOPIFY_WEBHOOKS_SUBSCRIBED: 'true' }).webhooks).toMatchObject({
      publicUrl: undefined,
      declared: true,
    });
  });
});
