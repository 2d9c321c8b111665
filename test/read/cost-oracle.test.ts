/**
 * The client's cost estimate (costOf → src/shopify/cost.ts) against the simulator's own cost rules
 * (shopify-admin-simulator, written apart from Shopify's docs): they must agree on every document the subgraph sends,
 * so a wrong rule on either side fails here. Lives in the root tree because the simulator package must not import src/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'graphql';
import { loadAdminSchema } from 'shopify-admin-schema';
import { requestedCost, startSimulator, type Simulator } from 'shopify-admin-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '../../src/shopify/document-cost.js';
import { CASES, sentDocuments } from './cost-oracle-cases.js';

const oracle = (document: string, variables: Record<string, unknown>) =>
  requestedCost(loadAdminSchema(), parse(document), { variables }).total;
const docs = sentDocuments();

describe('cost oracle: client estimate vs the simulator’s own rules', () => {
  it('has variables for every document the subgraph sends (a new document without a case fails here)', () => {
    expect([...new Set(Object.values(CASES).map(([name]) => name))].sort()).toEqual([...docs.keys()].sort());
  });

  it('agrees on every document with realistic variables, to the point', () => {
    const figures = Object.fromEntries(
      Object.entries(CASES).map(([name, [doc, vars]]) => [
        name,
        { client: costOf(docs.get(doc)!, vars), simulator: oracle(docs.get(doc)!, vars) },
      ]),
    );
    const both = (n: number) => ({ client: n, simulator: n });
    expect(figures).toEqual({
      'profile: 25 linked cards, no orders': both(100),
      'profile: 10 cards by email': both(42),
      'profile: 3 linked + 2 by email, 5 orders': both(157),
      'profile: 1 linked, full card (orders, line items, tracking, location)': both(161),
      // product { id } is one point per line item: 10 orders × 5 lines
      'profile: 1 by email, 10 orders, line items with product ids': both(328),
      'profile: 2 by email, 10 orders with tracking': both(154),
      // shippingAddress is one point per order: 2 cards × 10 orders on top of the 112 without it
      'profile: 2 linked, 10 orders with shipping addresses': both(132),
      'line items of 4 orders, 20 each': both(332),
      'line items of 4 orders, 20 each, with product ids': both(412),
      'customer search, 10': both(42),
      'customer by order name': both(7),
      'customer by id': both(4),
      'shop currency': both(1),
      'customer ids by 40 emails': both(82),
      'customer id by email address': both(2),
      // a first page of 5 line items, the rest only for an order that has more (it was 100 lines: 511)
      'action order (payload)': both(36),
      // the same with the order's shipping address: one point more
      'action order (edit payload, with its shipping address)': both(37),
      'action order check with line items': both(104),
      'action order check without line items': both(2),
      'suggested refund of 2 line items': both(22),
      'refund create': both(14),
      'order cancel': both(12),
      'order cancelled?': both(1),
      'discount create': both(19),
      'discount by code': both(8),
      'action customer': both(2),
      'edit order check': both(2),
      // a mutation is 10; its payload's order { id } / node { id } and userErrors a point each
      'edit order note': both(12),
      'edit shipping address': both(12),
      'edit tags add': both(11),
      'edit tags remove': both(11),
      'order shipping address': both(2),
    });
  });

  it('is the simulator package’s own code: nothing under packages/shopify-admin-simulator imports src/', () => {
    const root = new URL('../../packages/shopify-admin-simulator/', import.meta.url).pathname;
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.includes('node_modules'));
    const leaks = files.flatMap((f) =>
      [...readFileSync(join(root, f), 'utf8').matchAll(/from '([^']+)'|import\('([^']+)'\)/g)]
        .map((m) => m[1] ?? m[2]!)
        .filter((spec) => spec.includes('/src/shopify') || spec.startsWith('../../') || spec.includes('shopify-profile-subgraph'))
        .map((spec) => `${f}: ${spec}`),
    );
    expect(files.length).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
  });
});

describe('cost oracle over HTTP: the simulator charges what the client estimated', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
  });
  afterAll(() => sim.close());

  it('reports requestedQueryCost equal to costOf for every case', async () => {
    const mismatches: string[] = [];
    for (const [name, [doc, variables]] of Object.entries(CASES)) {
      const res = await fetch(sim.graphqlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': sim.token },
        body: JSON.stringify({ query: docs.get(doc), variables }),
      });
      const body = (await res.json()) as { extensions?: { cost?: { requestedQueryCost?: number } } };
      const charged = body.extensions?.cost?.requestedQueryCost;
      if (charged !== costOf(docs.get(doc)!, variables))
        mismatches.push(`${name}: simulator ${charged}, client ${costOf(docs.get(doc)!, variables)}`);
    }
    expect(mismatches).toEqual([]);
  });
});
