/**
 * deploy/graphos-router/router.yaml cannot run here (the router binary is a download), so this checks it against
 * what the subgraph reads: the headers its rules produce are sent to a real subgraph (over the simulator), which must
 * accept them; every `${env.…}` it uses is one of the subgraph's own variables; and it agrees with the Hive Gateway
 * config on header names, subgraph name and token algorithms.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AUTHORIZATION_HEADER, GATEWAY_ENV_VARIABLES, jwtOptions, ROUTER_SECRET_HEADER } from '../../deploy/hive-gateway/auth.js';
import { SUBGRAPH_NAMES } from '../../dev/compose.js';
import { ENV_VARIABLES } from '../../src/config.js';
import { startStack, token, type Stack } from '../actions/helpers.js';

const ROUTER_YAML = readFileSync(new URL('../../deploy/graphos-router/router.yaml', import.meta.url), 'utf8');
const config = parse(ROUTER_YAML) as RouterConfig;

interface HeaderRule {
  propagate?: { named: string };
  insert?: { name: string; value: string };
}
interface RouterConfig {
  authentication: {
    router: {
      jwt: {
        header_name: string;
        header_value_prefix: string;
        ignore_other_prefixes: boolean;
        on_error: string;
        jwks: Array<{ url: string; algorithms: string[] }>;
      };
    };
  };
  authorization: { require_authentication: boolean; directives: { enabled: boolean } };
  headers: { all: { request: HeaderRule[] }; subgraphs: Record<string, { request: HeaderRule[] }> };
  include_subgraph_errors: { subgraphs: Record<string, boolean> };
}

/** `${env.NAME}` as the router expands it; an unset variable is an error, as it is for the router. */
function expandEnv(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{env\.([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    if (env[name] === undefined) throw new Error(`router.yaml uses \${env.${name}}, which is not set`);
    return env[name];
  });
}

/** The headers the router's `headers` rules (propagate by name, insert) send one subgraph for a client request. */
function subgraphHeaders(subgraph: string, client: Record<string, string>, env: Record<string, string>): Record<string, string> {
  const rules = [...config.headers.all.request, ...(config.headers.subgraphs[subgraph]?.request ?? [])];
  const out: Record<string, string> = {};
  for (const rule of rules) {
    if (rule.propagate) {
      const value = client[rule.propagate.named.toLowerCase()];
      if (value !== undefined) out[rule.propagate.named.toLowerCase()] = value;
    } else if (rule.insert) {
      out[rule.insert.name.toLowerCase()] = expandEnv(rule.insert.value, env);
    } else {
      throw new Error(`a header rule this test does not interpret: ${JSON.stringify(rule)}`);
    }
  }
  return out;
}

describe('deploy/graphos-router/router.yaml', () => {
  it('uses only variables the subgraph reads, under the same names', () => {
    const used = [...new Set([...ROUTER_YAML.matchAll(/\$\{env\.([A-Za-z0-9_]+)\}/g)].map((m) => m[1]!))].sort();
    expect(used).toEqual(['AUTH_JWKS_URL', 'ROUTER_SECRET']);
    for (const name of used) expect(ENV_VARIABLES).toContain(name);
    // The Hive Gateway config reads the same ones (plus its own optional subgraph name).
    for (const name of used) expect(GATEWAY_ENV_VARIABLES).toContain(name);
    for (const name of GATEWAY_ENV_VARIABLES.filter((n) => n !== 'SHOPIFY_SUBGRAPH_NAME')) expect(ENV_VARIABLES).toContain(name);
  });

  it('verifies agent JWTs from the JWKS, enforces the authorization directives, and keeps partial data', () => {
    const { jwt } = config.authentication.router;
    expect(jwt).toEqual({
      header_name: AUTHORIZATION_HEADER,
      header_value_prefix: 'Bearer',
      ignore_other_prefixes: true,
      on_error: 'Continue',
      jwks: [{ url: '${env.AUTH_JWKS_URL}', algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'] }],
    });
    // The same algorithms Hive Gateway (and the subgraph) accept from a JWKS.
    const hive = jwtOptions({
      key: { kind: 'jwks', url: 'https://idp.example/jwks.json' },
      routerSecret: 'x'.repeat(16),
      shopifySubgraphName: 'shopify',
    });
    expect(jwt.jwks[0]!.algorithms).toEqual(hive.tokenVerification?.algorithms);
    expect(config.authorization).toEqual({ require_authentication: false, directives: { enabled: true } });
    expect(config.include_subgraph_errors).toEqual({ subgraphs: { [SUBGRAPH_NAMES.shopify]: true } });
  });

  it('forwards Authorization to every subgraph and the router secret only to the Shopify subgraph', () => {
    const env = { ROUTER_SECRET: 'router-secret-from-env-0123' };
    const client = { authorization: 'Bearer agent.jwt.here', cookie: 'session=1' };
    expect(Object.keys(config.headers.subgraphs)).toEqual([SUBGRAPH_NAMES.shopify]);
    expect(subgraphHeaders(SUBGRAPH_NAMES.shopify, client, env)).toEqual({
      [AUTHORIZATION_HEADER]: 'Bearer agent.jwt.here',
      [ROUTER_SECRET_HEADER]: 'router-secret-from-env-0123',
    });
    expect(subgraphHeaders(SUBGRAPH_NAMES.profiles, client, env)).toEqual({ [AUTHORIZATION_HEADER]: 'Bearer agent.jwt.here' });
  });
});

describe('the headers router.yaml produces, sent to the real subgraph', () => {
  const ROUTER_SECRET = 'router-secret-for-graphos-checks';
  const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile { id shopifyCustomer { id } } } }`;
  let stack: Stack;
  let emailOfFirst: string;

  beforeAll(async () => {
    stack = await startStack({ env: { ROUTER_SECRET } });
    emailOfFirst = (await stack.sim<Array<{ email: string | null }>>('customers'))[0]!.email!;
  });
  afterAll(async () => stack?.close());

  const representations = () => ({ r: [{ __typename: 'CustomerProfile', id: 'p1', emails: [emailOfFirst] }] });

  it('are what the subgraph checks: the secret lets the router in, the agent token authorizes the fields', async () => {
    const client = { authorization: `Bearer ${await token(['shopify:read'])}` };
    const res = await stack.query(ENTITIES, representations(), subgraphHeaders(SUBGRAPH_NAMES.shopify, client, { ROUTER_SECRET }));
    expect(res).toEqual({
      status: 200,
      body: { data: { _entities: [{ id: 'p1', shopifyCustomer: { id: 'gid://shopify/Customer/1000001' } }] } },
    });
  });

  it('without the inserted secret (what the profiles subgraph gets) the subgraph refuses the request', async () => {
    const client = { authorization: `Bearer ${await token(['shopify:read'])}` };
    const res = await stack.query(ENTITIES, representations(), subgraphHeaders(SUBGRAPH_NAMES.profiles, client, { ROUTER_SECRET }));
    expect(res).toEqual({
      status: 401,
      body: { errors: [{ message: 'Missing or wrong router-authorization header', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });

  it('without a client token nothing is propagated, and the subgraph answers UNAUTHENTICATED for its fields', async () => {
    const res = await stack.query(ENTITIES, representations(), subgraphHeaders(SUBGRAPH_NAMES.shopify, {}, { ROUTER_SECRET }));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ _entities: [{ id: 'p1', shopifyCustomer: null }] });
    expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
  });
});
