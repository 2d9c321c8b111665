/**
 * The cost budget shared by every replica that talks to one store: the bucket state lives in one Redis hash and is
 * changed only by Lua scripts, which Redis runs atomically, so N replicas together hold no more points than the
 * store's bucket has. Same model as LocalCostBudget (./budget.ts); time comes from Redis (TIME), so replicas with
 * skewed clocks still agree on the restore. Each process queues its own takers first come first served and polls
 * while it waits, since a refund seen by another replica wakes nobody here.
 *
 * If Redis fails, the process falls back to its own local bucket (and says so in the log): serving with a budget
 * that only knows this replica's traffic is better than not serving; Shopify's THROTTLED answers still correct it.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { LocalCostBudget, PROBE_MS, QueuedBudget, type ThrottleStatus, type TryTake } from './budget.js';

// KEYS[1] = the bucket hash. Levels travel as strings: Lua numbers returned to Redis are truncated to integers.
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'level', 'at', 'max', 'rate', 'probe')
local function level()
  return math.min(tonumber(s[3]), tonumber(s[1]) + (now - tonumber(s[2])) / 1000 * tonumber(s[4]))
end
`;

/** ARGV: cost, ttlMs, probeMs → {granted 0|1, waitMs, level|'', max|'', rate|''} */
const TAKE = `${PRELUDE}
if not s[1] then
  -- Bucket size unknown: one request (the probe) goes to learn it, the others wait for its answer.
  if s[5] and now - tonumber(s[5]) < tonumber(ARGV[3]) then
    return {0, tostring(tonumber(ARGV[3]) - (now - tonumber(s[5]))), '', '', ''}
  end
  redis.call('HSET', KEYS[1], 'probe', tostring(now))
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, '0', '', '', ''}
end
-- More than the bucket holds is charged as a full bucket: the plan may have grown; Shopify decides.
local charge = math.min(tonumber(ARGV[1]), tonumber(s[3]))
local l = level()
if l < charge then
  return {0, tostring(math.ceil((charge - l) / tonumber(s[4]) * 1000)), tostring(l), s[3], s[4]}
end
redis.call('HSET', KEYS[1], 'level', tostring(l - charge), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, '0', tostring(l - charge), s[3], s[4]}
`;

/** ARGV: refund, ttlMs, then (when Shopify reported one) currentlyAvailable, maximumAvailable, restoreRate → level|'' */
const SETTLE = `${PRELUDE}
local refund = math.max(0, tonumber(ARGV[1]))
if ARGV[3] then
  local l = tonumber(ARGV[3])
  if s[1] then l = math.min(level() + refund, l, tonumber(ARGV[4])) end
  redis.call('HSET', KEYS[1], 'level', tostring(l), 'at', tostring(now), 'max', ARGV[4], 'rate', ARGV[5])
  redis.call('HDEL', KEYS[1], 'probe')
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tostring(l)
end
if not s[1] then
  redis.call('HDEL', KEYS[1], 'probe')
  return ''
end
if refund > 0 then
  local l = level() + refund
  redis.call('HSET', KEYS[1], 'level', tostring(l), 'at', tostring(now))
  return tostring(l)
end
return tostring(level())
`;

/** Bucket state older than this is forgotten (Shopify's bucket is full again long before). */
const STATE_TTL_MS = 10 * 60_000;
/** How often a waiting process asks Redis again. */
const POLL_MS = 50;

type BudgetRedis = Redis & {
  budgetTake(key: string, cost: number, ttlMs: number, probeMs: number): Promise<string[]>;
  budgetSettle(key: string, refund: number, ttlMs: number, ...status: number[]): Promise<string>;
};

/** The Redis-backed CostBudget; `key` names the store's bucket (one per store and app). */
export class RedisCostBudget extends QueuedBudget {
  private readonly redis: BudgetRedis;
  private readonly fallback = new LocalCostBudget();
  private last: ThrottleStatus | null = null;
  private failing = false;
  protected readonly pollMs = POLL_MS;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly logger: Logger,
  ) {
    super();
    this.redis = redis as BudgetRedis;
    if (typeof this.redis.budgetTake !== 'function') {
      redis.defineCommand('budgetTake', { numberOfKeys: 1, lua: TAKE });
      redis.defineCommand('budgetSettle', { numberOfKeys: 1, lua: SETTLE });
    }
  }

  snapshot(): ThrottleStatus | null {
    return this.failing ? this.fallback.snapshot() : this.last;
  }

  protected async tryTake(cost: number): Promise<TryTake> {
    let reply: string[];
    try {
      // Tried even while failing: with no offline queue a dead connection fails at once, and Redis may be back.
      reply = await this.redis.budgetTake(this.key, cost, STATE_TTL_MS, PROBE_MS);
      this.recovered();
    } catch (error) {
      this.failed(error);
      return this.fallbackTake(cost);
    }
    const [granted, wait, level, max, rate] = reply.map(String);
    if (level) this.remember(level, max!, rate!);
    return { granted: granted === '1', waitMs: Number(wait) };
  }

  protected async giveBack(cost: number): Promise<void> {
    await this.settle(cost, null, 0);
  }

  protected hopeless(): boolean {
    // Other replicas' refunds are invisible from here: only the deadline says it is too late.
    return false;
  }

  async settle(taken: number, status: ThrottleStatus | null, charged: number): Promise<void> {
    this.fallback.settle(taken, status, charged);
    const statusArgs = status ? [status.currentlyAvailable, status.maximumAvailable, status.restoreRate] : [];
    try {
      const level = await this.redis.budgetSettle(this.key, taken - charged, STATE_TTL_MS, ...statusArgs);
      if (level !== '' && status) this.remember(level, String(status.maximumAvailable), String(status.restoreRate));
      this.recovered();
    } catch (error) {
      this.failed(error);
    }
    this.notify();
  }

  /** While Redis is down: this process's own bucket, with the same probe rules. */
  private async fallbackTake(cost: number): Promise<TryTake> {
    const waited = await this.fallback.take(cost, Date.now() + POLL_MS);
    return waited === null ? { granted: false, waitMs: POLL_MS } : { granted: true, waitMs: 0 };
  }

  private remember(level: string, max: string, rate: string): void {
    this.last = { currentlyAvailable: Math.max(0, Math.floor(Number(level))), maximumAvailable: Number(max), restoreRate: Number(rate) };
  }

  private failed(error: unknown): void {
    if (this.failing) return;
    this.failing = true;
    this.logger.warn(
      { err: { message: (error as Error).message } },
      "shared Shopify budget unreachable in Redis: using this process's own bucket",
    );
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.logger.info('shared Shopify budget in Redis reachable again');
  }
}
