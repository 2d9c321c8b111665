import { describe, expect, it } from 'vitest';
import { mulberry32, startSimulator } from 'shopify-admin-simulator';
import { ChangeMaker, type DeskProfile } from '../../bench/desk-changes.js';
import { zipf } from '../../bench/desk-pool.js';
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

  it('section 7 desk: Zipf draws are seeded (the same desk for every subgraph), rank 1 about a fifth of 400 at s = 1.1', () => {
    const draw = zipf(400, 1.1, mulberry32(14));
    expect(Array.from({ length: 12 }, draw)).toEqual([5, 5, 8, 3, 0, 5, 27, 0, 222, 134, 3, 0]);
    const again = zipf(400, 1.1, mulberry32(1));
    const counts = new Array<number>(400).fill(0);
    for (let i = 0; i < 10_000; i++) counts[again()]!++;
    expect(counts.slice(0, 5)).toEqual([2015, 879, 571, 444, 350]);
  });

  it('section 7 desk: each change happens in the simulator, with its webhooks, and tells a card that shows it from one that does not', async () => {
    const sim = await startSimulator({ port: 0, seed: 1, customers: 60 });
    try {
      const control = async (path: string, body?: unknown) => {
        const res = await fetch(`${sim.url}/__simulator/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
        return res.json() as Promise<any>;
      };
      // Deliveries to a closed port still record their topic.
      await control('webhooks', { url: 'http://127.0.0.1:9/hooks', secret: 'bench' });
      const customers = (await control('customers')) as Array<{ id: string; email: string | null; displayName: string }>;
      const pool: DeskProfile[] = customers
        .filter((c) => c.email)
        .slice(0, 20)
        .map((c, i) => ({ id: `p${i}`, name: c.displayName, emails: [c.email!], customerId: c.id }));
      pool.push({ id: 'newcomer', name: 'Newcomer', emails: ['desk-newcomer-0@example.com'], customerId: null });
      const maker = new ChangeMaker(sim, pool, mulberry32(3), await control('orders'));
      const seenBefore: string[] = [];
      const made = [];
      for (let i = 0; i < 3; i++) {
        const change = await maker.next(async (p) => void seenBefore.push(p.id));
        made.push(change!);
      }
      expect(made.map((c) => c.kind)).toEqual(['new-order', 'cancel-order', 'new-customer']);
      expect(seenBefore).toEqual(made.map((c) => c.profile.id));
      expect(maker.failures).toBe(0);

      const [placed, cancelled, created] = made as [(typeof made)[0], (typeof made)[0], (typeof made)[0]];
      const state = (await control('customers')) as Array<{ id: string; email: string | null; orderIds: string[] }>;
      const newOrderId = state.find((c) => c.id === placed.profile.customerId)!.orderIds.at(-1)!;
      expect(placed.shows({ orders: [{ id: newOrderId, status: 'Paid' }] })).toBe(true);
      expect(placed.shows({ orders: [] })).toBe(false);
      const cancelledOrder = (await control('orders')).find((o: any) => o.cancelled && o.customerId === cancelled.profile.customerId);
      expect(cancelled.shows({ orders: [{ id: cancelledOrder.id, status: 'Cancelled' }] })).toBe(true);
      expect(cancelled.shows({ orders: [{ id: cancelledOrder.id, status: 'Paid' }] })).toBe(false);
      const newcomer = state.find((c) => c.email === 'desk-newcomer-0@example.com')!;
      expect(created.profile.customerId).toBe(newcomer.id);
      expect(created.shows({ shopifyCustomer: { id: newcomer.id } })).toBe(true);
      expect(created.shows({ shopifyCustomer: null })).toBe(false);

      const { deliveries } = await control('webhooks?settle');
      // new order; cancel (its items refunded without money, then the order updated and cancelled); new customer
      expect(deliveries.map((d: { topic: string }) => d.topic)).toEqual([
        'orders/create',
        'customers/update',
        'refunds/create',
        'orders/updated',
        'orders/cancelled',
        'orders/updated',
        'customers/create',
      ]);
    } finally {
      await sim.close();
    }
  }, 20_000);
});
