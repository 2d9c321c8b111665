/**
 * Two stores of one brand share some customers: exactly round(fraction × customers) of the second store's customers
 * have the email and name of one of the first's, under other ids, with their own orders, amounts and currency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedStore, type SeedOptions } from '../src/index.js';
import { control, gql, sharedCustomers, sharedEmails, simulator, storePair, type SimCustomer, type StorePair } from './helpers.js';

const EU: SeedOptions = { seed: 2, customers: 500, currencyCode: 'EUR', sharedCustomers: { seed: 1, customers: 500, fraction: 0.3 } };

/** The shared emails of two seeded stores, computed in-process (no simulator), sorted. */
function seededShared(a: SeedOptions, b: SeedOptions): string[] {
  const emails = new Set([...seedStore(a).customers.values()].flatMap((c) => (c.email ? [c.email] : [])));
  return [...seedStore(b).customers.values()].flatMap((c) => (c.email && emails.has(c.email) ? [c.email] : [])).sort();
}

let pair: StorePair;
beforeAll(async () => {
  pair = await storePair();
});
afterAll(() => pair.close());

describe('shared customers', () => {
  it('the EU store shares exactly 30% of its 500 customers with the US store, under other ids', async () => {
    const shared = await sharedCustomers(pair.us, pair.eu);
    expect(shared).toHaveLength(150);
    expect(shared.filter((s) => s.a.firstName !== s.b.firstName || s.a.lastName !== s.b.lastName)).toEqual([]);
    expect(shared.filter((s) => s.a.email !== s.b.email)).toEqual([]);
    const [us, eu] = await Promise.all([control<SimCustomer[]>(pair.us, 'customers'), control<SimCustomer[]>(pair.eu, 'customers')]);
    const usIds = new Set([...us.map((c) => c.id), ...us.flatMap((c) => c.orderIds)]);
    expect([...eu.map((c) => c.id), ...eu.flatMap((c) => c.orderIds)].filter((id) => usIds.has(id))).toEqual([]);
    // the EU store counts its own ids and order numbers: ids from the shared-store offset, orders from #1001 again
    expect(eu[0]!.id).toBe('gid://shopify/Customer/1001000001');
    const firstOrder = (await control<Array<{ id: string; name: string }>>(pair.eu, 'orders'))[0]!;
    expect(firstOrder).toMatchObject({ id: 'gid://shopify/Order/1005000001', name: '#1001' });
    expect(await control(pair.eu, 'shop')).toEqual({
      name: 'EU store',
      currencyCode: 'EUR',
      myshopifyDomain: new URL(pair.eu.url).host,
      idOffset: 1_000_000_000,
      seed: 2,
      customers: 500,
      sharedCustomers: { seed: 1, customers: 500, currencyCode: 'USD', fraction: 0.3 },
    });
  });

  it('a shared person is one customer in each store, each with its own orders and currency', async () => {
    const shared = await sharedCustomers(pair.us, pair.eu);
    // a person who bought in both stores, so both amounts mean something
    const s = shared.find((x) => x.a.numberOfOrders > 0 && x.b.numberOfOrders > 0)!;
    const FIND = `query($email: String!) { customerByIdentifier(identifier: { emailAddress: $email }) {
      id firstName lastName amountSpent { amount currencyCode } orders(first: 50) { nodes { id } } } }`;
    const [inUs, inEu] = await Promise.all([pair.us, pair.eu].map(async (sim) => (await gql(sim, FIND, { email: s.email })).body.data));
    expect(inUs.customerByIdentifier).toEqual({
      id: s.a.id,
      firstName: s.a.firstName,
      lastName: s.a.lastName,
      amountSpent: { amount: s.a.amountSpent, currencyCode: 'USD' },
      orders: { nodes: s.a.orderIds.map((id) => ({ id })) },
    });
    expect(inEu.customerByIdentifier).toEqual({
      id: s.b.id,
      firstName: s.a.firstName,
      lastName: s.a.lastName,
      amountSpent: { amount: s.b.amountSpent, currencyCode: 'EUR' },
      orders: { nodes: s.b.orderIds.map((id) => ({ id })) },
    });
  });

  it('is deterministic: the same options give the same store and the same shared emails, in or out of a simulator', async () => {
    const again = await simulator({ ...EU, name: 'EU store' });
    try {
      expect(await control(again, 'customers')).toEqual(await control(pair.eu, 'customers'));
      expect(await control(again, 'orders')).toEqual(await control(pair.eu, 'orders'));
      const emails = await sharedEmails(pair.us, again);
      expect(emails).toEqual(await sharedEmails(pair.us, pair.eu));
      expect(emails).toEqual(seededShared({ seed: 1, customers: 500 }, EU));
    } finally {
      await again.close();
    }
    const a = seedStore(EU);
    const b = seedStore(EU);
    expect([...b.customers.values()]).toEqual([...a.customers.values()]);
    expect([...b.orders.values()]).toEqual([...a.orders.values()]);
  });

  it('shares exactly the configured count for other sizes, and nothing by accident', () => {
    const us = { seed: 1, customers: 500 };
    const share = (customers: number, fraction: number) =>
      seededShared(us, { seed: 2, customers, currencyCode: 'EUR', sharedCustomers: { seed: 1, fraction } }).length;
    expect(share(200, 0.1)).toBe(20);
    expect(share(333, 0.5)).toBe(167);
    expect(share(40, 1)).toBe(40);
    // two unrelated seeds happen to give some people the same address; a sharing store's own customers never do
    expect(seededShared(us, { seed: 2, customers: 500 }).length).toBeGreaterThan(0);
    expect(share(500, 0)).toBe(0);
  });

  it('a reset keeps sharing (with the seed it resets to)', async () => {
    const before = await sharedEmails(pair.us, pair.eu);
    await control(pair.eu, 'reset', { seed: 5, customers: 100 });
    try {
      expect(await sharedEmails(pair.us, pair.eu)).toEqual(seededShared({ seed: 1, customers: 500 }, { ...EU, seed: 5, customers: 100 }));
      expect((await sharedEmails(pair.us, pair.eu)).length).toBe(30);
    } finally {
      await control(pair.eu, 'reset', { seed: 2, customers: 500 });
    }
    expect(await sharedEmails(pair.us, pair.eu)).toEqual(before);
    // 30% of 2000 is more than seed 1's 500 customers can give: refused, and the store stays as it was
    const res = await fetch(`${pair.eu.url}/__simulator/reset`, { method: 'POST', body: JSON.stringify({ customers: 2000 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^sharedCustomers: 600 customers to share \(fraction 0\.3 of 2000\)/);
    expect(await sharedEmails(pair.us, pair.eu)).toEqual(before);
    expect((await control(pair.eu, 'shop')).customers).toBe(500);
  });

  it('refuses a share the other store cannot give, and bad sharing options', async () => {
    // seed 1's 500 customers include some without an email, so 500 of them cannot all be shared
    const withEmail = [...seedStore({ seed: 1, customers: 500 }).customers.values()].filter((c) => c.email).length;
    await expect(simulator({ seed: 2, sharedCustomers: { seed: 1, fraction: 1 } })).rejects.toThrow(
      `sharedCustomers: 500 customers to share (fraction 1 of 500), but the store of seed 1 has only ${withEmail} customers with an email`,
    );
    await expect(simulator({ seed: 2, sharedCustomers: { seed: 1.5, fraction: 1.2, currencyCode: 'XXX' as never } })).rejects.toThrow(
      'invalid simulator options: sharedCustomers.seed must be an integer, got 1.5; sharedCustomers.currencyCode must be one of USD, EUR, GBP, CAD, got "XXX"; ' +
        'sharedCustomers.fraction must be a number from 0 to 1, got 1.2',
    );
  });
});
