/** The leaky bucket: THROTTLED at HTTP 200 once the bucket cannot hold a query's requested cost, then refill. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bucket } from '../src/bucket.js';
import type { Simulator } from '../src/index.js';
import { control, gql, simulator } from './helpers.js';

// requested 2 + 98 × 1 = 100; the seed has 500 customers, so 98 come back and the actual cost is also 100
const COST_100 = 'query Hundred { customers(first: 98) { nodes { id } } }';

describe('throttling (Standard plan: 2000 points, 100 per second)', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await simulator({ maximumAvailable: 2000, restoreRate: 100 });
  });
  afterAll(() => sim.close());

  it('throttles the 21st quick request of cost 100 and refills at the restore rate', async () => {
    // sent together so that even a slow machine takes far less than the 1 s it would need to refill 100 points
    const first20 = await Promise.all(Array.from({ length: 20 }, () => gql(sim, COST_100)));
    for (const ok of first20) {
      expect(ok.status).toBe(200);
      expect(ok.body.extensions.cost.requestedQueryCost).toBe(100);
      expect(ok.body.extensions.cost.actualQueryCost).toBe(100);
      expect(ok.body.data.customers.nodes).toHaveLength(98);
    }
    const throttled = await gql(sim, COST_100);
    const t1 = performance.now();
    expect(throttled.status).toBe(200);
    expect(throttled.body.data).toBeUndefined();
    expect(throttled.body.errors).toEqual([
      { message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/limits#rate-limits' } },
    ]);
    const status = throttled.body.extensions.cost;
    expect(status.requestedQueryCost).toBe(100);
    expect(status.actualQueryCost).toBeNull();
    expect(status.throttleStatus.maximumAvailable).toBe(2000);
    expect(status.throttleStatus.restoreRate).toBe(100);
    const before = status.throttleStatus.currentlyAvailable as number;
    expect(before).toBeLessThan(100);

    await new Promise((r) => setTimeout(r, 1000));
    const t2 = performance.now();
    // `shop` is one object: requested and actual cost 1
    const later = await gql(sim, '{ shop { id } }');
    const t3 = performance.now();
    const after = later.body.extensions.cost.throttleStatus.currentlyAvailable as number;
    // refilled 100/s for the time between the two answers (bounded by what we measured), minus the 1 point taken
    const low = Math.floor(before + ((t2 - t1) / 1000) * 100) - 1 - 1;
    const high = Math.ceil(before + ((t3 - t1) / 1000) * 100 + 5);
    expect(after).toBeGreaterThanOrEqual(low);
    expect(after).toBeLessThanOrEqual(high);

    const stats = await control(sim, 'stats');
    expect(stats).toMatchObject({
      requests: 22,
      throttled: 1,
      byOperation: { Hundred: 21, anonymous: 1 },
      requestedCost: 2001,
      actualCost: 2001,
    });
  });

  it('/__simulator/throttle changes the plan; /reset restores the starting plan, full', async () => {
    expect(await control(sim, 'throttle', { maximumAvailable: 150, restoreRate: 1 })).toMatchObject({
      maximumAvailable: 150,
      restoreRate: 1,
    });
    const first = await gql(sim, COST_100);
    expect(first.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThanOrEqual(50);
    expect((await gql(sim, COST_100)).body.errors[0].extensions.code).toBe('THROTTLED');
    await control(sim, 'reset', {});
    const fresh = await gql(sim, COST_100);
    expect(fresh.body.extensions.cost.throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: 1900, restoreRate: 100 });
    expect(await control(sim, 'stats')).toMatchObject({ requests: 1, throttled: 0 });
  });
});

describe('Bucket', () => {
  it('takes the requested cost, gives back the difference, and refills with time', () => {
    let now = 0;
    const bucket = new Bucket({ maximumAvailable: 1000, restoreRate: 50, now: () => now });
    expect(bucket.take('t', 800)).toEqual({ ok: true, status: { maximumAvailable: 1000, currentlyAvailable: 200, restoreRate: 50 } });
    expect(bucket.giveBack('t', 300).currentlyAvailable).toBe(500);
    expect(bucket.take('t', 600).ok).toBe(false);
    now += 2000; // +100 points
    expect(bucket.take('t', 600)).toEqual({ ok: true, status: { maximumAvailable: 1000, currentlyAvailable: 0, restoreRate: 50 } });
    expect(bucket.status('other').currentlyAvailable).toBe(1000);
    now += 60_000;
    expect(bucket.status('t').currentlyAvailable).toBe(1000);
  });
});
