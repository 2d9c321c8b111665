/**
 * The simulator's email search, as the wildcard tests rely on it: `*` is a wildcard even inside quotes (the worst
 * case, since Shopify does not document a quoted `*` as literal), customers can be added (emails stay unique, as on
 * Shopify), and `email:` can be made to match by prefix until the next reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { control, customerIds, simulator } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator({ customers: 40 });
});
afterAll(() => sim.close());

const ids = (query: string) => customerIds(sim, query);

describe('email search', () => {
  it('takes * as a wildcard even inside quotes', async () => {
    const withEmail = (await control<Array<{ id: string; email: string | null }>>(sim, 'customers')).filter((c) => c.email);
    expect(await ids('email:"*@*.*"')).toEqual(withEmail.map((c) => c.id));
  });

  it('adds a customer, refuses a taken email, and matches by prefix only when asked', async () => {
    const kim = await control<{ id: string; email: string }>(sim, 'customers', { email: 'kim@shop.example' });
    const decoy = await control<{ id: string }>(sim, 'customers', { email: 'kim@shop.example.au', firstName: 'Kim' });
    await expect(control(sim, 'customers', { email: 'KIM@shop.example' })).rejects.toThrow(/HTTP 409/);
    expect(await ids('email:"kim@shop.example"')).toEqual([kim.id]);
    expect(await control(sim, 'search', { emailMatch: 'prefix' })).toEqual({ emailMatch: 'prefix' });
    expect(await ids('email:"kim@shop.example"')).toEqual([kim.id, decoy.id]);
    await control(sim, 'reset', {});
    expect(await ids('email:"kim@shop.example"')).toEqual([]);
  });
});
