import { describe, expect, it } from 'vitest';
import { toShape } from '../../bench/proxy.js';
import { runRequests } from '../../bench/requests.js';

// Counts only: the bench's timings are never asserted in tests.
describe('bench', () => {
  it('groups recorded Shopify requests into rounds: parallel ones together, dependent ones after', () => {
    const shape = toShape([
      { body: 'b', arrivedAt: 2, answeredAt: 12 },
      { body: 'a', arrivedAt: 1, answeredAt: 10 },
      { body: 'c', arrivedAt: 11, answeredAt: 20 },
      { body: 'd', arrivedAt: 13, answeredAt: 21 },
    ]);
    expect(shape).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });

  it('the naive subgraph returns the same data as this subgraph, with more Shopify requests (two full customers fit one 1000-point request)', async () => {
    const r = await runRequests({ ks: [3], latencyKs: [2], log: () => undefined });
    expect(r.rows.map((x) => [x.id, x.sameData, x.errors])).toEqual([
      ['requests/customer/K=3', true, []],
      ['requests/orders/K=3', true, []],
      ['requests/card/K=3', true, []],
    ]);
    expect(r.rows.map((x) => [x.subgraph.requests, x.naive.requests])).toEqual([
      [1, 3],
      [2, 6],
      [2, 12],
    ]);
    expect(r.entitiesShapes[2]!.map((round) => round.length)).toEqual([1]);
  }, 20_000);
});
