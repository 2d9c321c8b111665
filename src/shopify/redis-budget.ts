/**
 * The cost budget shared by every replica that talks to one store: the bucket state lives in one Redis hash and is
 * changed only by Lua scripts, which Redis runs atomically, so N replicas together take no more than the store's
 * bucket holds. Same model as LocalCostBudget (./budget.ts): the level may go into debt, callers sleep it off in
 * arrival order. Time comes from Redis (TIME), so replicas with skewed clocks still agree on the restore.
 *
 * If Redis fails, the process falls back to its own local bucket (and says so in the log): serving with a budget
 * that only knows this replica's traffic is better than not serving; Shopify's THROTTLED answers still correct it.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { LocalCostBudget, type CostBudget, type ThrottleStatus } from './budget.js';

// KEYS[1] = bucket hash. Levels are kept as strings: Lua numbers returned to Redis are truncated to integers.
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'level', 'at', 'max', 'rate')
local function level()
  local l = tonumber(s[1]) + (now - tonumber(s[2])) / 1000 * tonumber(s[4])
  return math.min(tonumber(s[3]), l)
end
`;

/** ARGV: cost, maxWaitMs, ttlMs → {granted 0|1, waitMs, level, max, rate} (nil state → granted, unknown). */
const TAKE = `${PRELUDE}
if not s[1] then return {1, '0'} end
local max = tonumber(s[3])
local charge = math.min(tonumber(ARGV[1]), max)
local l = level()
local wait = 0
if l < charge then wait = math.ceil((charge - l) / tonumber(s[4]) * 1000) end
if wait > tonumber(ARGV[2]) then return {0, tostring(wait), tostring(l), s[3], s[4]} end
redis.call('HSET', KEYS[1], 'level', tostring(l - charge), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, tostring(wait), tostring(l - charge), s[3], s[4]}
`;

/** ARGV: currentlyAvailable, maximumAvailable, restoreRate, refund, ttlMs → level */
const OBSERVE = `${PRELUDE}
local reported = tonumber(ARGV[1])
local l = reported
if s[1] then l = math.min(level() + math.max(0, tonumber(ARGV[4])), reported, tonumber(ARGV[2])) end
redis.call('HSET', KEYS[1], 'level', tostring(l), 'at', tostring(now), 'max', ARGV[2], 'rate', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return tostring(l)
`;

/** Bucket state older than this is forgotten (Shopify's bucket is full again long before). */
const STATE_TTL_MS = 10 * 60_000;

type BudgetRedis = Redis & {
  budgetTake(key: string, cost: number, maxWaitMs: number, ttlMs: number): Promise<Array<string | number>>;
  budgetObserve(key: string, available: number, max: number, rate: number, refund: number, ttlMs: number): Promise<string>;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The Redis-backed CostBudget; `key` names the store's bucket (one per store and app). */
export class RedisCostBudget implements CostBudget {
  private readonly redis: BudgetRedis;
  private readonly fallback = new LocalCostBudget();
  private last: ThrottleStatus | null = null;
  private failing = false;

  constructor(redis: Redis, private readonly key: string, private readonly logger: Logger) {
    this.redis = redis as BudgetRedis;
    if (typeof this.redis.budgetTake !== 'function') {
      redis.defineCommand('budgetTake', { numberOfKeys: 1, lua: TAKE });
      redis.defineCommand('budgetObserve', { numberOfKeys: 1, lua: OBSERVE });
    }
  }

  snapshot(): ThrottleStatus | null {
    return this.failing ? this.fallback.snapshot() : this.last;
  }

  async take(cost: number, deadline: number): Promise<number | null> {
    let reply: Array<string | number>;
    try {
      reply = await this.redis.budgetTake(this.key, cost, Math.max(0, deadline - Date.now()), STATE_TTL_MS);
      this.recovered();
    } catch (error) {
      this.failed(error);
      return this.fallback.take(cost, deadline);
    }
    const [granted, wait, level, max, rate] = reply;
    if (level !== undefined) {
      this.last = { currentlyAvailable: Math.max(0, Math.floor(Number(level))), maximumAvailable: Number(max), restoreRate: Number(rate) };
    }
    if (Number(granted) !== 1) return null;
    const waitMs = Number(wait);
    if (waitMs > 0) await sleep(waitMs);
    return waitMs;
  }

  async observe(status: ThrottleStatus, refund = 0): Promise<void> {
    this.fallback.observe(status, refund);
    try {
      const level = await this.redis.budgetObserve(
        this.key, status.currentlyAvailable, status.maximumAvailable, status.restoreRate, refund, STATE_TTL_MS,
      );
      this.last = { ...status, currentlyAvailable: Math.max(0, Math.floor(Number(level))) };
      this.recovered();
    } catch (error) {
      this.failed(error);
    }
  }

  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn({ err: { message: (error as Error).message } }, 'shared Shopify budget unreachable in Redis: using this process\'s own bucket');
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info('shared Shopify budget in Redis reachable again');
  }
}
