import { describe, expect, it } from 'vitest';
import { toShape } from '../../bench/proxy.js';
import { runRequests } from '../../bench/requests.js';
import { runStoresRequests } from '../../bench/stores.js';

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

  it('several stores: one batch costs one packed request set per store, each what one store costs (N × in all), the stores asked in parallel', async () => {
    const r = await runStoresRequests({ k: 5, storeCounts: [1, 2], log: () => undefined });
    expect(r.rows.map((x) => [x.id, x.perStore.map((s) => [s.store, s.linked, s.requests]), x.total.requests, x.errors])).toEqual([
      ['stores/requests/customer/stores=1/K=5', [['us', 5, 1]], 1, []],
      ['stores/requests/card/stores=1/K=5', [['us', 5, 3]], 3, []],
      [
        'stores/requests/customer/stores=2/K=5',
        [
          ['us', 5, 1],
          ['eu', 5, 1],
        ],
        2,
        [],
      ],
      [
        'stores/requests/card/stores=2/K=5',
        [
          ['us', 5, 3],
          ['eu', 5, 3],
        ],
        6,
        [],
      ],
    ]);
    // Both stores' requests go out in the same round, not one store's after the other's.
    expect(r.rows.map((x) => x.rounds)).toEqual([
      { all: 1, perStore: [1] },
      { all: 1, perStore: [1] },
      { all: 1, perStore: [1, 1] },
      { all: 1, perStore: [1, 1] },
    ]);
  }, 20_000);
});
