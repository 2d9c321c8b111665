/**
 * Auto-link policy `unique` (Gladly's rule), in a running subgraph over the simulator, with the customer cache on:
 * a profile links only when exactly one customer matches its emails; two emails of different customers link nobody
 * (where `first` would link the first), and that ambiguity is never cached as "no customer" for either email.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'shopify-admin-simulator';
import type { SimCustomer } from 'shopify-admin-simulator/testing';
import { simStats, startStack, startTestSimulator, token, type Stack } from '../actions/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'unique-link-'));
let simulator: Simulator;
let unique: Stack;
let first: Stack;
let a: SimCustomer;
let b: SimCustomer;

/** A subgraph serving the simulator as store `us` with this auto-link policy (cache on: the default TTL). */
function stackWith(autoLink: 'first' | 'unique'): Promise<Stack> {
  const path = join(dir, `${autoLink}.json`);
  writeFileSync(path, JSON.stringify({ stores: [{ handle: 'us', name: 'US', domain: simulator.url, tokenEnv: 'US_TOKEN', autoLink }] }));
  return startStack({
    simulator,
    env: {
      SHOPIFY_STORE_DOMAIN: '',
      SHOPIFY_ADMIN_ACCESS_TOKEN: '',
      SHOPIFY_STORES_FILE: path,
      US_TOKEN: simulator.token,
      SHOPIFY_CACHE_TTL_S: '60',
    },
  });
}

const LINK = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile { id shopifyCustomer { id } shopifyLink { customerId method matchedEmail } } } }`;

async function linkOf(h: Stack, id: string, emails: string[]) {
  const res = await h.query(LINK, { r: [{ __typename: 'CustomerProfile', id, emails }] }, { authorization: `Bearer ${await token()}` });
  expect(res.body.errors).toBeUndefined();
  const { shopifyCustomer, shopifyLink } = res.body.data._entities[0];
  return { shopifyCustomer, shopifyLink } as {
    shopifyCustomer: { id: string } | null;
    shopifyLink: { customerId: string; method: string; matchedEmail: string } | null;
  };
}

beforeAll(async () => {
  simulator = await startTestSimulator();
  [unique, first] = await Promise.all([stackWith('unique'), stackWith('first')]);
  const customers = (await unique.sim<SimCustomer[]>('customers')).filter((c) => c.email);
  [a, b] = [customers[0]!, customers[1]!];
});
afterAll(async () => {
  await Promise.all([unique?.close(), first?.close()]);
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('auto-link policy unique', () => {
  it('links when exactly one customer matches, whichever of the emails it is', async () => {
    const link = await linkOf(unique, 'u-one', ['nobody-1@example.invalid', b.email!]);
    expect(link.shopifyCustomer).toEqual({ id: b.id });
    expect(link.shopifyLink).toEqual({ customerId: b.id, method: 'AUTO_EMAIL', matchedEmail: b.email!.toLowerCase() });
  });

  it('links nobody when two of the emails belong to different customers, where first links the first', async () => {
    const emails = [a.email!, b.email!];
    expect(await linkOf(unique, 'u-two', emails)).toEqual({ shopifyCustomer: null, shopifyLink: null });
    expect((await linkOf(first, 'f-two', emails)).shopifyCustomer).toEqual({ id: a.id });
  });

  it('never caches the ambiguity as "no customer": each email alone still links, and the ambiguous profile is asked again', async () => {
    const emails = [a.email!, b.email!];
    await linkOf(unique, 'u-again', emails);
    expect((await linkOf(unique, 'u-a', [a.email!])).shopifyCustomer).toEqual({ id: a.id });
    expect((await linkOf(unique, 'u-b', [b.email!])).shopifyCustomer).toEqual({ id: b.id });
    // Both emails are now known to the cache, each with its customer: the ambiguous profile is decided from it.
    const before = await simStats(unique);
    expect(await linkOf(unique, 'u-cached', emails)).toEqual({ shopifyCustomer: null, shopifyLink: null });
    expect((await simStats(unique)).requests).toBe(before.requests);
  });
});
