/** The per-order database loaders of one request (src/request.ts byOrderLoader: agentActions, refundRequests). */
import { describe, expect, it, vi } from 'vitest';
import type { StoreHandle } from '../../src/domain/stores.js';
import { byOrderLoader } from '../../src/request.js';

describe('byOrderLoader', () => {
  it("asks each store once for its orders in the batch's order, and answers every key from its own store", async () => {
    const list = vi.fn(async (store: StoreHandle, orderIds: string[]) => new Map(orderIds.map((id) => [id, [`${store}:${id}`]])));
    const loader = byOrderLoader<string>(list);
    const keys = [
      { store: 'us', orderId: 'o1' },
      { store: 'eu', orderId: 'o1' },
      { store: 'us', orderId: 'o2' },
      { store: 'eu', orderId: 'o3' },
      { store: 'us', orderId: 'o3' },
    ];
    expect(await loader.loadMany(keys)).toEqual([['us:o1'], ['eu:o1'], ['us:o2'], ['eu:o3'], ['us:o3']]);
    expect(list.mock.calls).toEqual([
      ['us', ['o1', 'o2', 'o3']],
      ['eu', ['o1', 'o3']],
    ]);
  });

  it('gives an order the store did not return an empty list, and takes a large batch in one query per store', async () => {
    const list = vi.fn(
      async (_store: StoreHandle, orderIds: string[]) => new Map(orderIds.filter((id) => id !== 'o5').map((id) => [id, [id]])),
    );
    const loader = byOrderLoader<string>(list);
    const keys = Array.from({ length: 20_000 }, (_, i) => ({ store: i % 2 ? 'eu' : 'us', orderId: `o${i}` }));
    const answers = await loader.loadMany(keys);
    expect(answers[5]).toEqual([]);
    expect(answers[19_999]).toEqual(['o19999']);
    expect(list.mock.calls.map(([store, ids]) => [store, ids.length])).toEqual([
      ['us', 10_000],
      ['eu', 10_000],
    ]);
  });
});
