/** The simulator's own cost rules (src/cost.ts), hand-computed; MAX_COST_EXCEEDED; the cost-debug header. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actualCost, requestedCost } from '../src/cost.js';
import type { Simulator } from '../src/index.js';
import { describeShopifyCostRules } from './cost-rules.js';
import { gql, simulator } from './helpers.js';

describeShopifyCostRules('the simulator’s own src/cost.ts', { requestedCost, actualCost });

describe('cost in the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await simulator();
  });
  afterAll(() => sim.close());

  it('returns extensions.cost with requested and actual cost', async () => {
    const res = await gql(sim, '{ customers(first: 3) { nodes { id } } }');
    // requested 2 + 3 × 1 = 5; three customers came back, so actual is 5 too
    expect(res.body.extensions.cost).toEqual({
      requestedQueryCost: 5,
      actualQueryCost: 5,
      throttleStatus: { maximumAvailable: 1_000_000, currentlyAvailable: expect.any(Number), restoreRate: 1_000_000 },
    });
  });

  it('refuses a query over 1000 with MAX_COST_EXCEEDED', async () => {
    // 2 + 250 × (1 + (2 + 5 × 1)) = 2 + 250 × 8 = 2002
    const res = await gql(sim, '{ customers(first: 250) { nodes { orders(first: 5) { nodes { id } } } } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors).toEqual([
      {
        message: expect.stringMatching(/^Query cost is 2002, which exceeds the single query max cost limit \(1000\)\./),
        extensions: { code: 'MAX_COST_EXCEEDED', cost: 2002, maxCost: 1000 },
      },
    ]);
    expect(res.body.extensions.cost).toMatchObject({ requestedQueryCost: 2002, actualQueryCost: null });
  });

  it('adds per-field costs with Shopify-GraphQL-Cost-Debug: 1', async () => {
    const plain = await gql(sim, '{ customers(first: 2) { nodes { id } } }');
    expect(plain.body.extensions.cost.fields).toBeUndefined();
    const debug = await gql(sim, '{ customers(first: 2) { nodes { id } } }', {}, { 'Shopify-GraphQL-Cost-Debug': '1' });
    expect(debug.body.extensions.cost.fields).toContainEqual({
      path: ['customers'],
      definedCost: null,
      requestedTotalCost: 4,
      requestedChildrenCost: 1,
    });
  });
});
