/**
 * Issue 10, defects 1 and 9: `_entities` representations are checked once per request, before any resolver runs.
 * Too many, or any malformed one, and the whole request is refused with BAD_USER_INPUT (HTTP 400, as Apollo answers
 * variables it cannot coerce) naming the representation and the field — and no Shopify request is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';

const ENTITIES = /* GraphQL */ `
  query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on CustomerProfile {
        shopifyCustomer {
          id
        }
      }
    }
  }
`;

let h: SupergraphHarness;
let email: string;
let customerId: string;

beforeAll(async () => {
  h = await startSupergraph({
    env: { SHOPIFY_CACHE_TTL_S: '0' },
    simulator: { customers: 20, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    profiles: (all) => {
      const c = all.find((x) => x.email)!;
      email = c.email!;
      customerId = c.id;
      return [{ id: 'p0', name: 'P0', emails: [email] }];
    },
  });
}, 60_000);
afterAll(async () => h?.close());

const post = (body: unknown) =>
  fetch(h.subgraphUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));
const requests = async () => (await h.sim<{ requests: number }>('stats')).requests;
const valid = () => ({ __typename: 'CustomerProfile', id: 'p0', emails: [email] });

/** Posts the representations (a valid one first, so anything that ran would have asked Shopify) and the Shopify requests it caused. */
async function refused(representations: unknown[]) {
  const before = await requests();
  const res = await post({ query: ENTITIES, variables: { representations } });
  return { ...res, sent: (await requests()) - before };
}

describe('_entities representations', () => {
  it('well-formed ones are served, emails null, missing or empty included', async () => {
    const before = await requests();
    const res = await post({
      query: ENTITIES,
      variables: {
        representations: [
          valid(),
          { __typename: 'CustomerProfile', id: 'p1', emails: null },
          { __typename: 'CustomerProfile', id: 'p2' },
          { __typename: 'CustomerProfile', id: 'p3', emails: [] },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: {
        _entities: [
          { shopifyCustomer: { id: customerId } },
          { shopifyCustomer: null },
          { shopifyCustomer: null },
          { shopifyCustomer: null },
        ],
      },
    });
    expect((await requests()) - before).toBe(1);
  });

  it(`more than GRAPHQL_MAX_REPRESENTATIONS (1000) are refused before anything runs`, async () => {
    const thousand = Array.from({ length: 1000 }, (_, i) => ({ __typename: 'CustomerProfile', id: `p${i}` }));
    const ok = await refused(thousand);
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(ok.body.data._entities).toHaveLength(1000);

    const res = await refused([valid(), ...thousand]);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      errors: [
        {
          message: 'representations: at most 1000 representations are accepted in one request, got 1001',
          extensions: { code: 'BAD_USER_INPUT', field: 'representations' },
        },
      ],
    });
    expect(res.sent).toBe(0);
  });

  const MALFORMED: Array<[string, Record<string, unknown>, string, string]> = [
    ['emails as a string', { __typename: 'CustomerProfile', id: 'x', emails: 'a@x.io' }, 'emails', 'must be a list of strings'],
    ['emails as an object', { __typename: 'CustomerProfile', id: 'x', emails: { a: 'a@x.io' } }, 'emails', 'must be a list of strings'],
    ['emails as numbers', { __typename: 'CustomerProfile', id: 'x', emails: [1, 2] }, 'emails', 'must be a list of strings'],
    ['an email null', { __typename: 'CustomerProfile', id: 'x', emails: ['a@x.io', null] }, 'emails', 'must be a list of strings'],
    ['id null', { __typename: 'CustomerProfile', id: null, emails: [] }, 'id', 'must be a non-empty string of at most 200 characters'],
    ['id missing', { __typename: 'CustomerProfile', emails: [] }, 'id', 'must be a non-empty string of at most 200 characters'],
    [
      'id an object',
      { __typename: 'CustomerProfile', id: { a: 1 }, emails: [] },
      'id',
      'must be a non-empty string of at most 200 characters',
    ],
    ['id too long', { __typename: 'CustomerProfile', id: 'p'.repeat(201) }, 'id', 'must be a non-empty string of at most 200 characters'],
    ['no __typename', { id: 'x', emails: [] }, '__typename', 'must be "CustomerProfile"'],
    ['an unknown __typename', { __typename: 'ShopifyOrder', id: 'x' }, '__typename', 'must be "CustomerProfile"'],
  ];

  for (const [name, representation, field, problem] of MALFORMED) {
    it(`${name} is BAD_USER_INPUT naming the representation and field; nothing is sent to Shopify`, async () => {
      const res = await refused([valid(), valid(), valid(), representation]);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        errors: [
          {
            message: `representations[3].${field}: ${problem}`,
            extensions: { code: 'BAD_USER_INPUT', field: `representations[3].${field}` },
          },
        ],
      });
      expect(res.sent).toBe(0);
    });
  }

  it('a representation that is not an object, and representations given inline, are checked too', async () => {
    const notObject = await refused([valid(), 'CustomerProfile:p0']);
    expect(notObject.status).toBe(400);
    expect(notObject.body.errors).toEqual([
      {
        message: 'representations[1]: must be an object with __typename, id and emails',
        extensions: { code: 'BAD_USER_INPUT', field: 'representations[1]' },
      },
    ]);
    expect(notObject.sent).toBe(0);

    const before = await requests();
    const inline = await post({
      query: `{ entities: _entities(representations: [{ __typename: "CustomerProfile", id: "p0", emails: ["${email}"] }, { __typename: "CustomerProfile", id: "p1", emails: "${email}" }]) { ... on CustomerProfile { shopifyCustomer { id } } } }`,
    });
    expect(inline.status).toBe(400);
    expect(inline.body.errors).toEqual([
      {
        message: 'representations[1].emails: must be a list of strings',
        extensions: { code: 'BAD_USER_INPUT', field: 'representations[1].emails' },
      },
    ]);
    expect((await requests()) - before).toBe(0);
  });
});
