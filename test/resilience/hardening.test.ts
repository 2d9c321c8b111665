/**
 * Production hardening, spoken to as the router speaks to the subgraph: introspection and Sandbox off while
 * `_service` and `_entities` keep working; depth and alias limits that the router's full-card query passes; CSRF
 * prevention; no stack traces in errors.
 */
import { buildSchema, parse, validate } from 'graphql';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryLimitsRule } from '../../src/hardening.js';
import { JWT_ENV, token } from '../actions/helpers.js';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';

const ROUTER_SECRET = 'router-secret-for-hardening-tests';

/** What a router sends for the full profile card: depth 5 below _entities. */
const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on CustomerProfile {
        shopifyCustomer {
          id
          displayName
          totalSpent {
            amount
            currencyCode
          }
        }
        orders(limit: 10) {
          id
          status
          total {
            amount
          }
          products {
            id
            name
            unitPrice {
              amount
              currencyCode
            }
          }
        }
        products {
          id
        }
        shopifyLink {
          customerId
          method
        }
      }
    }
  }
`;

describe('queryLimitsRule', () => {
  const schema = buildSchema(`type Node { id: ID! child: Node } type Query { node: Node }`);
  /** A query exactly `depth` fields deep: node, then children, then id. */
  const nested = (depth: number) => `{ node { ${'child { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;
  const check = (doc: string, limits = { maxDepth: 12, maxAliases: 30 }) =>
    validate(schema, parse(doc), [queryLimitsRule(limits)]).map((e) => e.message);

  it('counts field depth, through fragments, and refuses beyond the limit', () => {
    expect(check(nested(12))).toEqual([]);
    expect(check(nested(13))).toEqual(['The query is nested more than 12 levels deep']);
    expect(check(`{ node { ...F } } fragment F on Node { child { child { child { id } } } }`, { maxDepth: 3, maxAliases: 30 })).toEqual([
      'The query is nested more than 3 levels deep',
    ]);
    // Introspection is not counted (it is deep by design, and off in production).
    expect(
      check(
        `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`,
        { maxDepth: 2, maxAliases: 30 },
      ),
    ).toEqual([]);
  });

  it('counts aliases, including those a fragment repeats', () => {
    const aliases = (n: number) => `{ ${[...Array(n)].map((_, i) => `a${i}: node { id }`).join(' ')} }`;
    expect(check(aliases(30))).toEqual([]);
    expect(check(aliases(31))).toEqual(['The query uses more than 30 aliases']);
    const bomb = `{ n1: node { ...A } n2: node { ...A } } fragment A on Node { x1: id x2: id x3: id x4: id x5: id x6: id x7: id x8: id x9: id x10: id x11: id x12: id x13: id x14: id x15: id }`;
    expect(check(bomb)).toEqual(['The query uses more than 30 aliases']);
  });

  it('counts fields repeated in one selection set (through fragments too): graphql-js compares them pairwise', () => {
    const repeated = (n: number) => `{ ${'node { id } '.repeat(n)}}`;
    expect(check(repeated(31))).toEqual([]);
    expect(check(repeated(32))).toEqual(['The query repeats fields more than 30 times']);
    expect(check(`{ node { id } ...R } fragment R on Query { ${'node { id } '.repeat(31)}}`)).toEqual([
      'The query repeats fields more than 30 times',
    ]);
    // The same field in different selection sets is no repeat.
    expect(check(`{ ${[...Array(30)].map((_, i) => `n${i}: node { id child { id } }`).join(' ')} }`)).toEqual([]);
  });

  it('with stopValidation, a refused document is not walked by the other rules (no quadratic overlap check)', () => {
    // The CommonJS graphql build, as Apollo Server runs validate() (vitest may give this file the ESM build).
    const cjs = createRequire(import.meta.url)('graphql') as typeof import('graphql');
    const cjsSchema = cjs.buildSchema(`type Node { id: ID! child: Node } type Query { node: Node }`);
    const doc = cjs.parse(`{ ${'node { id } '.repeat(100)}nope }`);
    const messages = (stopValidation: boolean) =>
      cjs
        .validate(cjsSchema, doc, [...cjs.specifiedRules, queryLimitsRule({ maxDepth: 12, maxAliases: 30 }, { stopValidation })])
        .map((e) => e.message);
    expect(messages(true)).toEqual(['The query repeats fields more than 30 times', 'Validation aborted.']);
    expect(messages(false)).toEqual([
      'The query repeats fields more than 30 times',
      'Cannot query field "nope" on type "Query". Did you mean "node"?',
    ]);
  });

  it('counts every alias, of __typename and introspection fields too (issue 10, defect 8)', () => {
    const typenames = (n: number) => `{ ${[...Array(n)].map((_, i) => `t${i}: __typename`).join(' ')} }`;
    expect(check(typenames(30))).toEqual([]);
    expect(check(typenames(31))).toEqual(['The query uses more than 30 aliases']);
    expect(check(`{ __schema { ${[...Array(31)].map((_, i) => `t${i}: types { name }`).join(' ')} } }`)).toEqual([
      'The query uses more than 30 aliases',
    ]);
    expect(check(`{ node { ...T } } fragment T on Node { ${[...Array(31)].map((_, i) => `t${i}: __typename`).join(' ')} }`)).toEqual([
      'The query uses more than 30 aliases',
    ]);
  });
});

describe('production subgraph', () => {
  let h: SupergraphHarness;
  let emails: string[];
  let agent: string;
  beforeAll(async () => {
    agent = `Bearer ${await token()}`;
    h = await startSupergraph({
      // What production requires (config.ts): a real store (the simulator), agent tokens and the router's secret.
      env: { NODE_ENV: 'production', ...JWT_ENV, ROUTER_SECRET: ROUTER_SECRET },
      simulator: { customers: 20, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
      profiles: (all) => {
        emails = all.filter((c) => c.email && c.numberOfOrders > 0).map((c) => c.email!);
        return [{ id: 'p0', name: 'Name 0', emails: [emails[0]!] }];
      },
    });
  });
  afterAll(async () => h?.close());

  /** As the router sends it: its secret and the agent's token (each can be overridden). */
  const post = (query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
    fetch(h.subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET, authorization: agent, ...headers },
      body: JSON.stringify({ query, variables }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('introspection is refused, but the router gets _service and _entities', async () => {
    const intro = await post(`{ __schema { types { name } } }`);
    expect(intro.body.errors?.[0].message).toMatch(/introspection/i);
    expect(intro.body.data).toBeUndefined();

    const service = await post(`{ _service { sdl } }`);
    expect(service.body.errors).toBeUndefined();
    expect(service.body.data._service.sdl).toContain('type ShopifyOrder');

    const entities = await post(ENTITIES, { representations: [{ __typename: 'CustomerProfile', id: 'p0', emails: [emails[0]] }] });
    expect(entities.body.errors).toBeUndefined();
    expect(entities.body.data._entities[0].shopifyCustomer.id).toMatch(/^gid:\/\/shopify\/Customer\//);
    expect(entities.body.data._entities[0].orders.length).toBeGreaterThan(0);
  });

  it('_service answers only the router: without its secret, 401 and nothing else (issue 10, defect 7)', async () => {
    const anyone = await post(`{ _service { sdl } }`, {}, { 'router-authorization': '' });
    expect(anyone).toEqual({
      status: 401,
      body: { errors: [{ message: 'Missing or wrong router-authorization header', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
  });

  it('no schema suggestions: misspelt fields, arguments, types, enum values and input fields answer without "Did you mean" (issue 10, defect 7)', async () => {
    const order = 'gid://shopify/Order/1';
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [`{ _servce { sdl } }`, {}, 'Cannot query field "_servce" on type "Query".'],
      [
        `{ shopifyCustomerSearch(query: "a", qury: "a", first: 1) { id } }`,
        {},
        'Unknown argument "qury" on field "Query.shopifyCustomerSearch".',
      ],
      [`query($q: Strin!) { shopifyCustomerSearch(query: $q, first: 1) { id } }`, { q: 'a' }, 'Unknown type "Strin".'],
      [`{ ... on Quer { __typename } }`, {}, 'Unknown type "Quer".'],
      [
        `mutation { cancelOrder(input: { orderId: "${order}", reason: CUSTOMR, refund: true, restock: true, idempotencyKey: "k" }) { jobId } }`,
        {},
        'Value "CUSTOMR" does not exist in "ShopifyCancelReason" enum.',
      ],
      [
        `mutation($input: ShopifyCancelOrderInput!) { cancelOrder(input: $input) { jobId } }`,
        { input: { orderId: order, reason: 'CUSTOMR', refund: true, restock: true, idempotencyKey: 'k' } },
        'Variable "$input" got invalid value "CUSTOMR" at "input.reason"; Value "CUSTOMR" does not exist in "ShopifyCancelReason" enum.',
      ],
      [
        `mutation($input: ShopifyCancelOrderInput!) { cancelOrder(input: $input) { jobId } }`,
        { input: { orderId: order, reasn: 'CUSTOMER', reason: 'CUSTOMER', refund: true, restock: true, idempotencyKey: 'k' } },
        'Variable "$input" got invalid value { orderId: "gid://shopify/Order/1", reasn: "CUSTOMER", reason: "CUSTOMER", refund: true, restock: true, idempotencyKey: "k" }; Field "reasn" is not defined by type "ShopifyCancelOrderInput".',
      ],
    ];
    for (const [query, variables, message] of cases) {
      const res = await post(query, variables);
      expect(
        res.body.errors?.map((e: { message: string }) => e.message),
        query,
      ).toEqual([message]);
      expect(JSON.stringify(res.body)).not.toMatch(/did you mean/i);
    }
  });

  it('every alias counts and a document over the token limit is refused at parse (issue 10, defect 8)', async () => {
    const { maxTokens, maxAliases } = h.app.deps.config.limits;
    const typenames = (n: number) => `{ ${[...Array(n)].map((_, i) => `t${i}: __typename`).join(' ')} }`;
    const aliases = await post(typenames(maxAliases + 1), {}, { authorization: '' });
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors).toEqual([
      {
        message: `The query uses more than ${maxAliases} aliases`,
        locations: [{ line: 1, column: 1 }],
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
      },
      { message: 'Validation aborted.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);

    // The probe's document, and the costliest documents just under the token limit; no agent token.
    const under = (per: number) => Math.floor((maxTokens - 4) / per);
    const aborted = { message: 'Validation aborted.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
    const shapes: Array<[string, string, unknown[]]> = [
      [
        '100 000 aliased __typename (the probe)',
        typenames(100_000),
        [
          {
            message: `Syntax Error: Document contains more that ${maxTokens} tokens. Parsing aborted.`,
            locations: [{ line: 1, column: expect.any(Number) }],
            extensions: { code: 'GRAPHQL_PARSE_FAILED' },
          },
        ],
      ],
      [
        `${under(3)} aliased __typename`,
        typenames(under(3)),
        [
          {
            message: `The query uses more than ${maxAliases} aliases`,
            locations: [{ line: 1, column: 1 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
          aborted,
        ],
      ],
      [
        `${under(4)} repeated _service { sdl }`,
        `{ ${'_service { sdl } '.repeat(under(4))}}`,
        [
          {
            message: `The query repeats fields more than ${maxAliases} times`,
            locations: [{ line: 1, column: 1 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
          aborted,
        ],
      ],
      [
        `_service nested ${under(3)} deep`,
        `${'{ _service '.repeat(under(3))}${'}'.repeat(under(3))}`,
        [
          {
            message: 'The query is nested more than 12 levels deep',
            locations: [{ line: 1, column: 1 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
          aborted,
        ],
      ],
    ];
    for (const [name, query, errors] of shapes) {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const refused = await post(query, {}, { authorization: '' });
        ms.push(performance.now() - started);
        expect(refused.status, name).toBe(400);
        expect(refused.body.errors, name).toEqual(errors);
      }
      ms.sort((a, b) => a - b);
      console.log(
        `[limits figures] ${name}: ${(query.length / 1024).toFixed(0)} KB, ${maxTokens}-token limit, refused in ${ms[2]!.toFixed(1)} ms median, ${ms[4]!.toFixed(1)} ms max (5 requests over loopback HTTP, client time included)`,
      );
    }
  });

  it('no Sandbox landing page', async () => {
    const res = await fetch(h.subgraphUrl, { headers: { accept: 'text/html', 'router-authorization': ROUTER_SECRET } });
    expect(await res.text()).not.toMatch(/sandbox|embeddable/i);
  });

  it('alias limit: 30 pass, 31 are refused before anything runs', async () => {
    const aliases = (n: number) => `{ ${[...Array(n)].map((_, i) => `s${i}: _service { sdl }`).join(' ')} }`;
    expect((await post(aliases(30))).body.errors).toBeUndefined();
    const refused = await post(aliases(31));
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({
      message: 'The query uses more than 30 aliases',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('CSRF prevention: a GET or a simple-content-type POST without a preflight header is refused', async () => {
    const router = { 'router-authorization': ROUTER_SECRET };
    const get = await fetch(`${h.subgraphUrl}?query=${encodeURIComponent('{ _service { sdl } }')}`, { headers: router });
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/CSRF/);
    const simple = await fetch(h.subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...router },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(simple.status).toBe(400);
    const preflighted = await fetch(`${h.subgraphUrl}?query=${encodeURIComponent('{ _service { sdl } }')}`, {
      headers: { 'apollo-require-preflight': 'true', ...router },
    });
    expect(preflighted.status).toBe(200);
  });

  it('errors carry a code and a message, never a stack trace', async () => {
    const bad = await post(`{ shopifyCustomerSearch(query: "", first: 5) { id } }`);
    expect(bad.body.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'query' });
    const invalid = await post(`{ nope }`);
    expect(invalid.status).toBe(400);
    for (const e of [...bad.body.errors, ...invalid.body.errors]) expect(JSON.stringify(e)).not.toMatch(/stacktrace|at .*\.(ts|js):\d+/);
  });
});
