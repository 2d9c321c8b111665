/**
 * Issue 10, defect 3: Shopify search syntax in an email (`*`, quotes, parentheses, `OR`, a leading `-`) must never
 * act as a wildcard or operator, a lookup whose page may have been cut short must never turn into "no customer",
 * and "no customer" is cached only when Shopify answered that exact lookup completely.
 *
 * The simulator treats `*` as a wildcard even inside quotes (the worst case: Shopify does not document otherwise),
 * and can be told to match `email:` by prefix, as a search index may, so a page can be full without any injection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { createShopifyClient } from '../../src/shopify/client.js';
import { CUSTOMER_ONLY, type CustomerHit, type CustomerTarget } from '../../src/domain/lookup.js';
import { ShopifyCustomerSource } from '../../src/shopify/customers.js';
import { emailQuery } from '../../src/shopify/search-syntax.js';
import { parseStoreDomain } from '../../src/shopify/transport.js';
import { startSupergraph, type SimCustomer, type SupergraphHarness, type TestProfile } from '../../dev/supergraph-harness.js';

/** Emails that are not plain addresses: each would be an operator or a wildcard if it reached a search as is. */
const VARIANTS = ['*@*.*', '*@example.org', '"a"@x.io', 'a@x.io OR email:*', '(a@x.io)', '-a@x.io'];
const CARD = /* GraphQL */ `
  query Cards($ids: [ID!]!) {
    profiles(ids: $ids) {
      id
      shopifyCustomer {
        id
      }
    }
  }
`;
const SEARCH = /* GraphQL */ `
  query Search($q: String!) {
    shopifyCustomerSearch(query: $q, first: 10) {
      id
    }
  }
`;

let h: SupergraphHarness;
let customers: Array<SimCustomer & { firstName?: string | null; lastName?: string | null }>;
/** five customers with an email per variant, and five more for the truncated-page case */
let groups: SimCustomer[][];
/** the last five customers with an email: a wildcard page (sorted by id) reaches them last */
let last: SimCustomer[];

function makeProfiles(all: SimCustomer[]): TestProfile[] {
  customers = all;
  const withEmail = all.filter((c) => c.email);
  last = withEmail.slice(-5);
  // From the end of the store: a wildcard page (sorted by id) would hold the first customers, not these.
  groups = Array.from({ length: VARIANTS.length + 1 }, (_, g) => withEmail.slice(withEmail.length - (g + 1) * 5, withEmail.length - g * 5));
  const out: TestProfile[] = groups.flatMap((group, g) =>
    group.map((c, i) => ({ id: `g${g}p${i}`, name: `G${g} P${i}`, emails: [c.email!] })),
  );
  VARIANTS.forEach((email, g) => out.push({ id: `w${g}`, name: `Wildcard ${g}`, emails: [email] }));
  out.push({ id: 'kim', name: 'Kim', emails: ['kim@shop.example'] }, { id: 'lee', name: 'Lee', emails: ['lee@shop.example'] });
  return out;
}

const stats = () => h.sim<{ requests: number; byOperation: Record<string, number> }>('stats');
const cards = async (ids: string[]) => {
  const res = await h.query(CARD, { ids });
  expect(res.body.errors).toBeUndefined();
  return Object.fromEntries(res.body.data.profiles.map((p: any) => [p.id, p.shopifyCustomer?.id ?? null]));
};
const groupIds = (g: number) => groups[g]!.map((_, i) => `g${g}p${i}`);
const expected = (g: number) => Object.fromEntries(groups[g]!.map((c, i) => [`g${g}p${i}`, c.id]));

beforeAll(async () => {
  h = await startSupergraph({
    simulator: { customers: 80, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    env: { SHOPIFY_CACHE_TTL_S: '30' },
    profiles: makeProfiles,
  });
});
afterAll(async () => h?.close());

describe('an email with search syntax, in a batch', () => {
  it("hides no other profile's customer, and the cache keeps the right answers", async () => {
    await h.sim('reset', {});
    for (const [g, variant] of VARIANTS.entries()) {
      const answer = await cards([...groupIds(g), `w${g}`]);
      expect({ variant, answer }).toEqual({ variant, answer: { ...expected(g), [`w${g}`]: null } });
    }
    await new Promise((r) => setTimeout(r, 1_000));
    await h.sim('reset', {});
    for (const g of VARIANTS.keys()) expect(await cards(groupIds(g))).toEqual(expected(g));
    // Every one of them was cached as found, none as "no customer".
    expect((await stats()).requests).toBe(0);
  });
});

describe('a lookup whose page may have been cut short', () => {
  it('is completed, never reported or cached as "no customer"', async () => {
    await h.sim('reset', {});
    await h.sim('search', { emailMatch: 'prefix' });
    // Two customers whose emails start with Kim's, created before Kim: they come first in the search's order.
    for (const email of ['kim@shop.example.au', 'kim@shop.example.co.uk', 'kim@shop.example']) await h.sim('customers', { email });
    const kim = (await h.sim<SimCustomer[]>('customers')).find((c) => c.email === 'kim@shop.example')!;
    const g = VARIANTS.length;
    const before = await stats();
    expect(await cards([...groupIds(g), 'kim'])).toEqual({ ...expected(g), kim: kim.id });
    const first = await stats();
    // The full page is followed by a complete lookup of the one email it left unknown, then Kim's card by id.
    expect(first.requests - before.requests).toBe(3);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await cards(['kim', ...groupIds(g)])).toEqual({ ...expected(g), kim: kim.id });
    expect((await stats()).requests).toBe(first.requests);
  }, 20_000);
});

describe('an email lookup whose own page is full', () => {
  it('pages on to the end, and the customer is found', async () => {
    await h.sim('reset', {});
    await h.sim('search', { emailMatch: 'prefix' });
    // More near-misses than the lookup's headroom, all before Lee: the lookup's first page holds none but them.
    for (let i = 0; i < 12; i++) await h.sim('customers', { email: `lee@shop.example.c${i}` });
    await h.sim('customers', { email: 'lee@shop.example' });
    const lee = (await h.sim<SimCustomer[]>('customers')).find((c) => c.email === 'lee@shop.example')!;
    const before = await stats();
    expect(await cards(['lee'])).toEqual({ lee: lee.id });
    const after = await stats();
    // The card search (1 result: a near-miss), two lookup pages of 11, then Lee's card by id.
    expect(after.byOperation.CustomerIdsByEmail! - (before.byOperation.CustomerIdsByEmail ?? 0)).toBe(2);
    expect(after.requests - before.requests).toBe(4);
  }, 20_000);
});

describe('ShopifyCustomerSource, for callers that build targets themselves', () => {
  it("looks an email with search syntax up exactly, and it hides no other target's customer", async () => {
    await h.sim('reset', {});
    const client = createShopifyClient({
      endpoint: parseStoreDomain(h.simulatorUrl),
      accessToken: 'shpat_simulator',
      apiVersion: '2026-07',
      timeoutMs: 5_000,
      maxWaitMs: 5_000,
      logger: silentLogger(),
    });
    const source = new ShopifyCustomerSource(client);
    for (const variant of [...VARIANTS, 'A*@X.IO', 'a\\@x.io', 'a@x.io\\']) {
      const targets: CustomerTarget[] = [
        ...last.map((c): CustomerTarget => ({ kind: 'emails', emails: [c.email!] })),
        { kind: 'emails', emails: [variant] },
      ];
      const answers = await source.load(targets, CUSTOMER_ONLY);
      const ids = answers.map((a) => (a instanceof Error ? a.message : ((a as CustomerHit | null)?.bundle.customer.id ?? null)));
      expect({ variant, ids }).toEqual({ variant, ids: [...last.map((c) => c.id), null] });
    }
  });

  it('never puts a non-plain email in a search query', () => {
    expect(emailQuery(['a@x.io', 'b+tag@y.co'])).toBe('email:"a@x.io" OR email:"b+tag@y.co"');
    // A leading hyphen is a valid address, and inside quotes it is a literal, not NOT.
    expect(emailQuery(['-a@x.io'])).toBe('email:"-a@x.io"');
    for (const variant of [...VARIANTS.filter((v) => v !== '-a@x.io'), 'A*@x.io', 'a@x.io*', 'a@x.io\\', "a@x.io'"]) {
      expect(() => emailQuery(['a@x.io', variant])).toThrow(/not a plain email address/);
    }
  });
});

describe('shopifyCustomerSearch', () => {
  const search = (q: string) => h.query(SEARCH, { q });

  it('refuses an email-looking query that is not a plain address, naming query', async () => {
    for (const q of [
      '*@*',
      '*@*.*',
      'a*@x.io',
      '*@example.org',
      '"a"@x.io',
      '(a@x.io)',
      'a@x.io OR email:*',
      'a@x.io)',
      'email:*@x.io',
      'a@x.io -tag:vip',
    ]) {
      const res = await search(q);
      expect({ q, data: res.body.data, error: res.body.errors?.[0]?.extensions }).toEqual({
        q,
        data: null,
        error: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'query' }),
      });
    }
  });

  it('finds exactly the customer of a plain address, and no one for one nobody has', async () => {
    const c = customers.find((x) => x.email)!;
    expect((await search(` ${c.email!.toUpperCase()} `)).body).toEqual({ data: { shopifyCustomerSearch: [{ id: c.id }] } });
    expect((await search('-a@x.io')).body).toEqual({ data: { shopifyCustomerSearch: [] } });
  });

  it('takes search syntax in a name, phone or order number as plain text', async () => {
    const ids = async (q: string) => {
      const res = await search(q);
      expect(res.body.errors).toBeUndefined();
      return res.body.data.shopifyCustomerSearch.map((x: any) => x.id) as string[];
    };
    const named = customers.find((x) => x.lastName && x.firstName)! as SimCustomer & { lastName: string };
    const byName = await ids(named.lastName!);
    expect(byName).toContain(named.id);
    // Operators and wildcards around a name are dropped: the same customers as the name alone.
    for (const q of [
      `${named.lastName} OR *`,
      `(${named.lastName})`,
      `${named.lastName} NOT *`,
      `"${named.lastName}"`,
      `-${named.lastName}*`,
    ]) {
      expect({ q, ids: await ids(q) }).toEqual({ q, ids: byName });
    }
    // A field name typed as text is a word like any other: it narrows, never widens.
    for (const q of [`${named.lastName} OR email:*`, `${named.lastName} -tag:vip`]) {
      expect({ q, widened: (await ids(q)).filter((id) => !byName.includes(id)) }).toEqual({ q, widened: [] });
    }
    for (const q of ['*', '* OR *', '-*', '(*)', '"*"', "'*'", 'email:*', 'OR', ':']) {
      const res = await search(q);
      const listed = res.body.data?.shopifyCustomerSearch ?? [];
      expect({ q, listed }).toEqual({ q, listed: [] });
    }
    // A phone or order number with syntax around it is not a wildcard search either.
    expect(await ids('#1001*')).toEqual([]);
  });
});
