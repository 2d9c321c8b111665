/**
 * The rules of deploy/hive-gateway/auth.ts that the end-to-end test cannot reach cheaply: the environment check at
 * start, which headers go to which subgraph, scope alternatives, and the subgraph's claim rules.
 */
import { describe, expect, it } from 'vitest';
import {
  agentFromContext,
  GatewayConfigError,
  missingScope,
  propagateHeadersOptions,
  readGatewayAuthSettings,
} from '../../deploy/hive-gateway/auth.js';

const SECRET = 'a-jwt-secret-of-at-least-32-characters';

describe('readGatewayAuthSettings', () => {
  it('lists every problem at once and never prints a secret', () => {
    const short = 'short-secret';
    let error: unknown;
    try {
      readGatewayAuthSettings({ AUTH_JWT_SECRET: short, AUTH_JWKS_URL: 'ftp://idp/jwks', ROUTER_SECRET: 'tiny' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayConfigError);
    expect((error as GatewayConfigError).problems).toEqual([
      'AUTH_JWT_SECRET and AUTH_JWKS_URL: set only one (HS256 secret or JWKS URL)',
      'AUTH_JWT_SECRET: must be at least 32 characters',
      'AUTH_JWKS_URL: must be an http(s) URL',
      'ROUTER_SECRET: must be at least 16 characters',
    ]);
    expect((error as Error).message).not.toContain(short);
    expect((error as Error).message).not.toContain('tiny');
    expect(() => readGatewayAuthSettings({ AUTH_JWT_SECRET: ' ', ROUTER_SECRET: '' })).toThrow(
      'Invalid Hive Gateway configuration:\n' +
        '  - AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required to verify agent tokens\n' +
        '  - ROUTER_SECRET: required; the subgraph refuses requests without it in production',
    );
  });

  it('reads a secret or a JWKS URL, the optional issuer/audience and subgraph name', () => {
    expect(readGatewayAuthSettings({ AUTH_JWT_SECRET: SECRET, ROUTER_SECRET: 'r'.repeat(16) })).toEqual({
      key: { kind: 'secret', secret: SECRET },
      issuer: undefined,
      audience: undefined,
      routerSecret: 'r'.repeat(16),
      shopifySubgraphName: 'shopify',
    });
    expect(
      readGatewayAuthSettings({
        AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
        AUTH_ISSUER: 'https://idp.example/',
        AUTH_AUDIENCE: 'support-desk',
        ROUTER_SECRET: 'r'.repeat(16),
        SHOPIFY_SUBGRAPH_NAME: 'shop',
      }),
    ).toEqual({
      key: { kind: 'jwks', url: 'https://idp.example/.well-known/jwks.json' },
      issuer: 'https://idp.example/',
      audience: 'support-desk',
      routerSecret: 'r'.repeat(16),
      shopifySubgraphName: 'shop',
    });
  });
});

describe('propagateHeadersOptions', () => {
  const settings = readGatewayAuthSettings({ AUTH_JWT_SECRET: SECRET, ROUTER_SECRET: 'router-secret-0123456789' });
  const headersFor = (subgraphName: string, client: Record<string, string>) =>
    propagateHeadersOptions(settings).fromClientToSubgraphs!({
      request: new Request('http://gw/graphql', { headers: client }),
      subgraphName,
    } as never);

  it("sends the agent's Authorization to every subgraph and the router secret only to the Shopify one", () => {
    const client = { authorization: 'Bearer a.b.c', cookie: 'session=1', 'router-authorization': 'forged-by-client' };
    expect(headersFor('shopify', client)).toEqual({ authorization: 'Bearer a.b.c', 'router-authorization': 'router-secret-0123456789' });
    expect(headersFor('profiles', client)).toEqual({ authorization: 'Bearer a.b.c' });
    expect(headersFor('shopify', {})).toEqual({ 'router-authorization': 'router-secret-0123456789' });
  });
});

describe('missingScope', () => {
  it('is null when one alternative is fully granted, else the first missing scope of the first alternative', () => {
    expect(missingScope([['shopify:read']], ['shopify:read'])).toBeNull();
    expect(missingScope([['shopify:read']], ['shopify:link'])).toBe('shopify:read');
    expect(missingScope([['a', 'b'], ['c']], ['c'])).toBeNull();
    expect(missingScope([['a', 'b'], ['c']], ['a'])).toBe('b');
    expect(missingScope([], [])).toBeNull();
  });
});

describe('agentFromContext', () => {
  const context = (payload: Record<string, unknown> | undefined, authorization?: string) =>
    ({
      jwt: payload ? { payload, token: { value: 'x' } } : undefined,
      request: new Request('http://gw/graphql', { headers: authorization ? { authorization } : {} }),
    }) as never;
  const exp = Math.floor(Date.now() / 1000) + 3600;

  it("applies the subgraph's claim rules to a verified token", () => {
    expect(agentFromContext(context({ sub: 'agent-7', exp, scope: ' shopify:read\tshopify:link ' }))).toEqual({
      authenticated: true,
      agentId: 'agent-7',
      scopes: ['shopify:read', 'shopify:link'],
    });
    expect(agentFromContext(context({ sub: 'agent-7', exp }))).toEqual({ authenticated: true, agentId: 'agent-7', scopes: [] });
    expect(agentFromContext(context({ sub: 'agent-7', scope: 'shopify:read' }))).toEqual({
      authenticated: false,
      reason: 'The agent token was rejected (missing "exp" claim)',
    });
    for (const sub of [' ', 123, 'a'.repeat(256), 'agent\u0000']) {
      expect(agentFromContext(context({ sub, exp }))).toMatchObject({ authenticated: false });
    }
    expect(agentFromContext(context({ sub: 'agent-7', exp, scope: ['shopify:read'] }))).toEqual({
      authenticated: false,
      reason: 'The agent token was rejected (its "scope" claim must be a space-separated string of at most 4096 characters)',
    });
  });

  it('tells a missing token from a rejected one', () => {
    expect(agentFromContext(context(undefined))).toEqual({
      authenticated: false,
      reason: 'A valid agent token is required (Authorization: Bearer <JWT>)',
    });
    expect(agentFromContext(context(undefined, 'Bearer nope'))).toEqual({
      authenticated: false,
      reason: 'The agent token was rejected by the router',
    });
  });
});
