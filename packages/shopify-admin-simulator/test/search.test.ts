/** Shopify search syntax over customers and orders. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { parseSearch } from '../src/search.js';
import { control, customerIds, gql, simulator, type OrderSummary } from './helpers.js';

let sim: Simulator;
let customers: any[];
beforeAll(async () => {
  sim = await simulator();
  customers = await control<any[]>(sim, 'customers');
});
afterAll(() => sim.close());

const ids = (query: string) => customerIds(sim, query);

describe('parseSearch', () => {
  it('parses AND by default, OR, NOT, parentheses, quotes and comparisons', () => {
    expect(parseSearch('email:a@x.com OR (first_name:"Mary Ann" -tag:vip) created_at:>=2024-01-01')).toEqual({
      kind: 'or',
      items: [
        { kind: 'term', field: 'email', op: ':', value: 'a@x.com' },
        {
          kind: 'and',
          items: [
            {
              kind: 'and',
              items: [
                { kind: 'term', field: 'first_name', op: ':', value: 'Mary Ann' },
                { kind: 'not', item: { kind: 'term', field: 'tag', op: ':', value: 'vip' } },
              ],
            },
            { kind: 'term', field: 'created_at', op: '>=', value: '2024-01-01' },
          ],
        },
      ],
    });
  });
});

describe('customers(query:)', () => {
  it('finds a customer by email, case-insensitively', async () => {
    const c = customers.find((x) => x.email)!;
    expect(await ids(`email:${c.email.toUpperCase()}`)).toEqual([c.id]);
    expect(await ids(`email:"${c.email}"`)).toEqual([c.id]);
  });

  it('finds a customer by phone, formatted or not', async () => {
    const c = customers.find((x) => x.phone?.startsWith('+1'))!;
    const digits = c.phone.slice(2);
    expect(await ids(`phone:${c.phone}`)).toEqual([c.id]);
    expect(await ids(`phone:"+1 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}"`)).toEqual([c.id]);
  });

  it('finds customers by name', async () => {
    const c = customers.find((x) => x.firstName && x.lastName)!;
    const expected = customers.filter((x) => x.firstName === c.firstName && x.lastName === c.lastName).map((x) => x.id);
    expect(await ids(`first_name:${c.firstName} last_name:'${c.lastName}'`)).toEqual(expected);
    expect(await ids(`"${c.firstName} ${c.lastName}"`)).toEqual(expect.arrayContaining(expected));
  });

  it('ORs several emails, and combines OR with AND through parentheses', async () => {
    const three = customers.filter((x) => x.email).slice(10, 13);
    expect(await ids(three.map((c) => `email:${c.email}`).join(' OR '))).toEqual(three.map((c) => c.id));
    const tagged = three.find((c) => c.tags.length);
    const q = `(${three.map((c) => `email:${c.email}`).join(' OR ')}) AND tag:${tagged?.tags[0] ?? 'none-such'}`;
    expect(await ids(q)).toEqual(three.filter((c) => tagged && c.tags.includes(tagged.tags[0])).map((c) => c.id));
    expect(await ids(`email:${three[0].email} -email:${three[0].email}`)).toEqual([]);
  });

  it('ignores an unknown field and reports it in extensions.search', async () => {
    const res = await gql(sim, '{ customers(first: 1, query: "favourite_colour:blue") { nodes { id } } }');
    expect(res.body.data.customers.nodes).toHaveLength(1);
    expect(res.body.extensions.search).toEqual([
      {
        path: ['customers'],
        query: 'favourite_colour:blue',
        warnings: [{ field: 'favourite_colour', message: 'Invalid search field for this query.', code: 'invalid_field' }],
      },
    ]);
  });
});

describe('orders(query:)', () => {
  it('finds an order by name, with or without #', async () => {
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const o = orders.find((x) => x.name === '#1042')!;
    for (const q of ['name:#1042', 'name:1042', 'name:"#1042"']) {
      const res = await gql(sim, 'query($q: String!) { orders(first: 5, query: $q) { nodes { id name } } }', { q });
      expect(res.body.data.orders.nodes).toEqual([{ id: o.id, name: '#1042' }]);
    }
  });

  it('filters a customer’s orders by financial status', async () => {
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const refunded = orders.find((o) => o.financialStatus === 'REFUNDED' && o.customerId)!;
    const expected = orders
      .filter((o) => o.customerId === refunded.customerId && o.financialStatus === 'REFUNDED')
      .map((o) => o.id)
      .sort();
    const res = await gql(
      sim,
      'query($id: ID!) { customer(id: $id) { orders(first: 50, query: "financial_status:refunded") { nodes { id } } } }',
      { id: refunded.customerId },
    );
    expect(res.body.data.customer.orders.nodes.map((n: { id: string }) => n.id).sort()).toEqual(expected);
  });
});
