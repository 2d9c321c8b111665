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
import { RedisCostBudget } from '../../src/shopify/redis-budget.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const status = (currentlyAvailable: number, maximumAvailable = 100, restoreRate = 1000) => ({
  currentlyAvailable,
  maximumAvailable,
  restoreRate,
});
const soon = (ms: number) => Date.now() + ms;

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
    await a.del(key);
  });

  it('gives back what Shopify did not charge, capped by what Shopify reports', async () => {
    const key = `test:${randomUUID()}:budget`;
    const budget = new RedisCostBudget(a, key, silentLogger());
    await budget.settle(0, status(1000, 1000, 1), 0);
    expect(await budget.take(600, soon(100))).toBe(0);
    await budget.settle(600, status(900, 1000, 1), 100);
    expect(Math.floor(Number(await a.hget(key, 'level')))).toBe(900);
    await a.del(key);
  });

  it('falls back to a local bucket when Redis stops answering', async () => {
    const broken = await connectRedis(REDIS_URL, silentLogger());
    const budget = new RedisCostBudget(broken, `test:${randomUUID()}:budget`, silentLogger());
    broken.disconnect();
    expect(await budget.take(10, soon(1000))).toBe(0);
    await budget.settle(10, status(90, 100, 1), 10);
    expect(budget.snapshot()?.currentlyAvailable).toBe(90);
  });
});
