/**
 * Proof that the simulator's cost rules are an independent oracle: the client's cost module is replaced, for this
 * file's whole module graph, by a mutant with one deliberately wrong rule (a connection priced `first × node`,
 * without Shopify's 2 points). Had the simulator shared the client's code, it would have taken the mutant too and the
 * two would still agree; they must disagree exactly where a connection is priced, and agree where none is.
 */
import { parse } from 'graphql';
import { loadAdminSchema } from 'shopify-admin-schema';
import { requestedCost, startSimulator } from 'shopify-admin-simulator';
import { describe, expect, it, vi } from 'vitest';
import { costOf } from '../../src/shopify/document-cost.js';
import { CASES, sentDocuments } from './cost-oracle-cases.js';

vi.mock('../../src/shopify/cost.js', async () => {
  // hoisted above this file's imports, so the factory imports what it needs itself
  const { mkdirSync: mkdir, readFileSync: read, writeFileSync: write } = await import('node:fs');
  const source = read(new URL('../../src/shopify/cost.ts', import.meta.url), 'utf8');
  const RIGHT = 'total = 2 + size * child;';
  // fail loudly, never silently test nothing, if the client's connection rule is rewritten
  if (source.split(RIGHT).length !== 2) throw new Error(`cost-oracle mutant: "${RIGHT}" must occur once in src/shopify/cost.ts`);
  // under node_modules so the mutant's own `import 'graphql'` resolves as the original's does
  const dir = new URL('../../node_modules/.cost-oracle-mutant/', import.meta.url);
  mkdir(dir, { recursive: true });
  const file = new URL('cost.ts', dir);
  // the rules' sibling modules (how a document is read) are the originals: only the connection rule is wrong
  const siblings = (text: string) =>
    text.replace(
      /from '\.\/([\w-]+)\.js'/g,
      (_all, name: string) => `from '${new URL(`../../src/shopify/${name}.ts`, import.meta.url).href}'`,
    );
  write(file, siblings(source).replace(RIGHT, 'total = size * child; // MUTANT: connections without their 2 points'));
  return import(file.href);
});

const docs = sentDocuments();
const oracle = (document: string, variables: Record<string, unknown>) =>
  requestedCost(loadAdminSchema(), parse(document), { variables }).total;

describe('cost oracle against a deliberately wrong client rule', () => {
  it('disagrees wherever a connection is priced: by 2 per connection priced, and the simulator keeps Shopify’s figure', () => {
    const gap = (name: string) => {
      const [doc, vars] = CASES[name]!;
      return { client: costOf(docs.get(doc)!, vars), simulator: oracle(docs.get(doc)!, vars) };
    };
    // customers(first: 10) { nodes { card } }: right 2 + 10 × 4 = 42; the mutant forgets the 2
    expect(gap('customer search, 10')).toEqual({ client: 40, simulator: 42 });
    // 4 orders × (1 + lineItems(first: 20): 2 + 20 × 5, with product { id }): each order's connection loses 2 → 8 fewer
    expect(gap('line items of 4 orders, 20 each, with product ids')).toEqual({ client: 404, simulator: 412 });
    // the same without product ids: 20 × 4 per order
    expect(gap('line items of 4 orders, 20 each')).toEqual({ client: 324, simulator: 332 });
    // order(id) { lineItems(first: 100) … }: one connection
    expect(gap('action order check with line items')).toEqual({ client: 102, simulator: 104 });
  });

  it('still agrees where no connection is priced (the mutant changed one rule only)', () => {
    for (const name of ['customer by id', 'action order check without line items', 'order cancel', 'refund create', 'action customer']) {
      const [doc, vars] = CASES[name]!;
      expect({ name, client: costOf(docs.get(doc)!, vars) }).toEqual({ name, client: oracle(docs.get(doc)!, vars) });
    }
  });

  it('the simulator over HTTP charges the right figure, not the mutant’s', async () => {
    const sim = await startSimulator({ port: 0, maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
    try {
      const [doc, variables] = CASES['customer search, 10']!;
      const res = await fetch(sim.graphqlUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': sim.token },
        body: JSON.stringify({ query: docs.get(doc), variables }),
      });
      const body = (await res.json()) as { extensions: { cost: { requestedQueryCost: number } } };
      expect({ simulator: body.extensions.cost.requestedQueryCost, client: costOf(docs.get(doc)!, variables) }).toEqual({
        simulator: 42,
        client: 40,
      });
    } finally {
      await sim.close();
    }
  });
});
