/**
 * The cost budget: points are held while a request is in flight and what Shopify did not charge comes back; waiters
 * are served in order; the Redis budget is one bucket for every process that shares it. Redis must be running
 * (TEST_REDIS_URL): these tests fail, not skip, without it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/cache/redis-kv.js';
import { silentLogger } from '../../src/logger.js';
import { LocalCostBudget } from '../../src/shopify/budget.js';
import { HOLD_TTL_MS } from '../../src/shopify/budget-holds.js';
import { RedisCostBudget } from '../../src/shopify/redis-budget.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const status = (currentlyAvailable: number, maximumAvailable = 100, restoreRate = 1000) => ({
  currentlyAvailable,
  maximumAvailable,
  restoreRate,
});
const soon = (ms: number) => Date.now() + ms;
const standard = (currentlyAvailable: number, maximumAvailable = 2000) => status(currentlyAvailable, maximumAvailable, 100);

/** A local budget on a clock the test moves, started from a report of a full Standard bucket. */
function onClock(level = 2000, max = 2000) {
  const clock = { t: 0 };
  const budget = new LocalCostBudget(() => clock.t);
  budget.settle(0, standard(level, max), 0);
  return { clock, budget, level: () => budget.snapshot()?.currentlyAvailable };
}

describe('LocalCostBudget', () => {
  it('sends the first request alone to learn the bucket, then serves the others', async () => {
    const b = new LocalCostBudget();
    expect(await b.take(10, soon(1000))).toBe(0);
    const second = b.take(10, soon(1000));
    let done = false;
    void second.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    b.settle(10, status(95), 5);
    expect(await second).not.toBeNull();
    expect(b.snapshot()?.currentlyAvailable).toBeLessThanOrEqual(95);
  });

  it('waits for the restore rate when the bucket is short, first come first served', async () => {
    const b = new LocalCostBudget();
    b.settle(0, status(100, 100, 1000), 0);
    expect(await b.take(80, soon(1000))).toBe(0);
    const order: string[] = [];
    const big = b.take(90, soon(2000)).then((w) => (order.push('big'), w));
    const small = b.take(5, soon(2000)).then((w) => (order.push('small'), w));
    expect(await big).toBeGreaterThanOrEqual(50);
    expect(await small).not.toBeNull();
    // The cheap request did not overtake the expensive one in front of it.
    expect(order).toEqual(['big', 'small']);
  });

  it('a refund wakes the waiter at once instead of after the restore time', async () => {
    const b = new LocalCostBudget();
    b.settle(0, status(100, 100, 1), 0); // 1 point per second
    expect(await b.take(90, soon(1000))).toBe(0);
    const waiting = b.take(90, soon(5000));
    await new Promise((r) => setTimeout(r, 20));
    b.settle(90, status(95, 100, 1), 5); // it really cost 5
    const waited = await waiting;
    expect(waited).not.toBeNull();
    expect(waited!).toBeLessThan(1000);
  });

  it('refuses at once what the restore rate cannot give before the deadline when nothing is in flight', async () => {
    const b = new LocalCostBudget();
    b.settle(0, status(0, 100, 1), 0);
    const t0 = Date.now();
    expect(await b.take(50, soon(2000))).toBeNull();
    expect(Date.now() - t0).toBeLessThan(500);
  });
});

describe("LocalCostBudget's mirror of Shopify's level", () => {
  it("takes an answer's level less the other requests' holds, and after all settled is Shopify's last report", async () => {
    const { clock, budget, level } = onClock();
    // An answer lost (a 503): we must count it as charged in full, though Shopify never ran it. Shopify: 2000.
    expect(await budget.take(355, soon(100))).toBe(0);
    budget.settle(355, null, 355);
    expect(level()).toBe(1645);
    // A and B in flight; Shopify runs A (actual 80) before B arrives and reports 1920.
    expect(await budget.take(355, soon(100))).toBe(0);
    expect(await budget.take(355, soon(100))).toBe(0);
    budget.settle(355, standard(1920), 80);
    expect(level()).toBe(1920 - 355); // room left for B, which Shopify may not have taken yet
    // B ran after that report (actual 80): Shopify has 1840, and so do we.
    budget.settle(355, standard(1840), 80);
    expect(level()).toBe(1840);
    clock.t += 1000;
    expect(level()).toBe(1940);
  });

  it('never counts as free the points of a request answered before an older report is read', async () => {
    const { budget, level } = onClock();
    expect(await budget.take(355, soon(100))).toBe(0); // A
    expect(await budget.take(355, soon(100))).toBe(0); // B
    // Shopify reports 1920 to A before it takes B; B then costs 90 (1830). We read B's answer first, then A's.
    budget.settle(355, standard(1830), 90);
    expect(level()).toBe(2000 - 355 - 90); // A's hold still out, B's charge
    budget.settle(355, standard(1920), 80);
    // A's report is older than B's charge: 1920 would count B's 90 points twice.
    expect(level()).toBe(1830);
  });

  it('rises to a grown bucket at the first answer that says so', async () => {
    const { budget, level } = onClock(1000, 1000);
    expect(await budget.take(355, soon(100))).toBe(0);
    // Meanwhile the store was upgraded and its bucket filled to 2000: the answer says 2000 − 80.
    budget.settle(355, standard(1920, 2000), 80);
    expect(budget.snapshot()).toEqual(standard(1920, 2000));
    expect(level()).toBe(1920);
    expect(await budget.take(1500, soon(100))).toBe(0);
  });

  it('forgets a hold never settled after HOLD_TTL_MS', async () => {
    const { clock, budget, level } = onClock();
    expect(await budget.take(355, soon(100))).toBe(0); // never settled
    clock.t += HOLD_TTL_MS;
    expect(await budget.take(100, soon(100))).toBe(0);
    budget.settle(100, standard(1990), 10);
    expect(level()).toBe(1990);
  });
});

describe('RedisCostBudget', () => {
  let a: Redis;
  let b: Redis;
  beforeAll(async () => {
    a = await connectRedis(REDIS_URL, silentLogger());
    b = await connectRedis(REDIS_URL, silentLogger());
  });
  afterAll(async () => {
    await a?.quit();
    await b?.quit();
  });

  it('two processes share one bucket: together they hold no more points than it has', async () => {
    const key = `test:${randomUUID()}:budget`;
    const one = new RedisCostBudget(a, key, silentLogger());
    const two = new RedisCostBudget(b, key, silentLogger());
    await one.settle(0, status(500, 500, 10), 0);
    // 10 takers of 100 points in each "process", nobody settles: only 5 can be granted in 300 ms (restore: 3 points).
    const takes = [...Array(10)].flatMap(() => [one.take(100, soon(300)), two.take(100, soon(300))]);
    const granted = (await Promise.all(takes)).filter((w) => w !== null).length;
    expect(granted).toBe(5);
    expect(Number(await a.hget(key, 'level'))).toBeLessThan(100);
    await a.del(key, `${key}:holds`);
  });

  it('gives back what Shopify did not charge, capped by what Shopify reports', async () => {
    const key = `test:${randomUUID()}:budget`;
    const budget = new RedisCostBudget(a, key, silentLogger());
    await budget.settle(0, status(1000, 1000, 1), 0);
    expect(await budget.take(600, soon(100))).toBe(0);
    await budget.settle(600, status(900, 1000, 1), 100);
    expect(Math.floor(Number(await a.hget(key, 'level')))).toBe(900);
    await a.del(key, `${key}:holds`);
  });

  it('falls back to a local bucket when Redis stops answering', async () => {
    const broken = await connectRedis(REDIS_URL, silentLogger());
    const budget = new RedisCostBudget(broken, `test:${randomUUID()}:budget`, silentLogger());
    broken.disconnect();
    expect(await budget.take(10, soon(1000))).toBe(0);
    await budget.settle(10, status(90, 100, 1), 10);
    expect(budget.snapshot()?.currentlyAvailable).toBe(90);
  });

  it("shares the holds in flight: a report leaves room for another replica's hold, until that hold expires unsettled", async () => {
    const key = `test:${randomUUID()}:budget`;
    const dying = new RedisCostBudget(a, key, silentLogger(), { holdTtlMs: 300 });
    const living = new RedisCostBudget(b, key, silentLogger());
    await dying.settle(0, status(1000, 1000, 1), 0);
    expect(await dying.take(600, soon(100))).toBe(0); // its replica dies before sending: never settled
    expect(await living.take(100, soon(100))).not.toBeNull();
    // Shopify never saw the dying replica's request: 1000 − 10.
    await living.settle(100, status(990, 1000, 1), 10);
    expect(Math.floor(Number(await a.hget(key, 'level')))).toBe(990 - 600);
    await new Promise((r) => setTimeout(r, 350));
    expect(await living.take(100, soon(100))).not.toBeNull();
    await living.settle(100, status(980, 1000, 1), 10);
    expect(Math.floor(Number(await a.hget(key, 'level')))).toBe(980);
    expect(await a.zcard(`${key}:holds`)).toBe(0);
    await a.del(key, `${key}:holds`);
  });
});
