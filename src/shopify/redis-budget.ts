/**
 * The cost budget shared by every replica that talks to one store: the bucket state lives in one Redis hash and is
 * changed only by Lua scripts, which Redis runs atomically, so N replicas together hold no more points than the
 * store's bucket has. Same model as LocalCostBudget (./budget.ts); time comes from Redis (TIME), so replicas with
 * skewed clocks still agree on the restore. Each process queues its own takers first come first served and polls
 * while it waits, since a refund seen by another replica wakes nobody here. The holds in flight are shared as well (a
 * sorted set whose members expire after HOLD_TTL_MS), so Shopify's report can be taken as the truth less every
 * replica's holds, by observeInto's rule.
 *
 * If Redis fails, the process falls back to its own local bucket (and says so in the log): serving with a budget
 * that only knows this replica's traffic is better than not serving; Shopify's THROTTLED answers still correct it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { LocalCostBudget, PROBE_MS, QueuedBudget, type ThrottleStatus, type TryTake } from './budget.js';
import { HOLD_TTL_MS, OutstandingHolds } from './budget-holds.js';

// KEYS[1] = the bucket hash, KEYS[2] = the holds in flight (sorted set: "holdId|charge" scored by expiry).
// Levels travel as strings: Lua numbers returned to Redis are truncated to integers.
const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local s = redis.call('HMGET', KEYS[1], 'level', 'at', 'max', 'rate', 'probe', 'charged')
local charged = tonumber(s[6]) or 0
local function level()
  return math.min(tonumber(s[3]), tonumber(s[1]) + (now - tonumber(s[2])) / 1000 * tonumber(s[4]))
end
-- A hold whose replica died (or never settled) stops counting at its expiry.
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
`;

/** ARGV: cost, ttlMs, probeMs, holdTtlMs, holdId → {granted 0|1, waitMs, level|'', max|'', rate|'', hold|'', mark|''} */
const TAKE = `${PRELUDE}
local function hold(charge)
  local member = ARGV[5] .. '|' .. tostring(charge)
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), member)
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
  return member
end
if not s[1] then
  -- Bucket size unknown: one request (the probe) goes to learn it, the others wait for its answer.
  if s[5] and now - tonumber(s[5]) < tonumber(ARGV[3]) then
    return {0, tostring(tonumber(ARGV[3]) - (now - tonumber(s[5]))), '', '', '', '', ''}
  end
  redis.call('HSET', KEYS[1], 'probe', tostring(now))
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, '0', '', '', '', hold(tonumber(ARGV[1])), tostring(charged)}
end
-- More than the bucket holds is charged as a full bucket: the plan may have grown; Shopify decides.
local charge = math.min(tonumber(ARGV[1]), tonumber(s[3]))
local l = level()
if l < charge then
  return {0, tostring(math.ceil((charge - l) / tonumber(s[4]) * 1000)), tostring(l), s[3], s[4], '', ''}
end
redis.call('HSET', KEYS[1], 'level', tostring(l - charge), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, '0', tostring(l - charge), s[3], s[4], hold(charge), tostring(charged)}
`;

/**
 * ARGV: charged, ttlMs, hold|'' (none: a report for a hold not taken here), its mark, then (when Shopify reported one)
 * currentlyAvailable, maximumAvailable, restoreRate → level|''. The rule is observeInto's (./budget.ts), with the holds
 * of every replica; the running total of charges ('charged') is shared too, so "charged since" spans replicas.
 */
const SETTLE = `${PRELUDE}
local refund, since = 0, 0
if ARGV[3] ~= '' then
  redis.call('ZREM', KEYS[2], ARGV[3])
  refund = math.max(0, tonumber(string.match(ARGV[3], '|([^|]+)$')) - tonumber(ARGV[1]))
  -- The total only grows while a hold is out (the hash outlives every hold), so this is never negative.
  since = math.max(0, charged - tonumber(ARGV[4]))
  redis.call('HSET', KEYS[1], 'charged', tostring(charged + tonumber(ARGV[1])))
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
if ARGV[5] then
  local reported = math.min(tonumber(ARGV[5]), tonumber(ARGV[6]))
  local others = 0
  for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
    others = others + tonumber(string.match(m, '|([^|]+)$'))
  end
  local l = reported - others - since
  if s[1] then
    local ours = math.min(level() + refund, reported)
    -- Without its hold we cannot know what was charged while that request was out: only the old, safe rule applies.
    if ARGV[3] == '' or ours > l then l = ours end
  end
  redis.call('HSET', KEYS[1], 'level', tostring(l), 'at', tostring(now), 'max', ARGV[6], 'rate', ARGV[7])
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
  budgetTake(
    bucket: string,
    holds: string,
    cost: number,
    ttlMs: number,
    probeMs: number,
    holdTtlMs: number,
    holdId: string,
  ): Promise<string[]>;
  budgetSettle(
    bucket: string,
    holds: string,
    charged: number,
    ttlMs: number,
    hold: string,
    mark: number,
    ...status: number[]
  ): Promise<string>;
};

export interface RedisCostBudgetOptions {
  /** how long a hold counts when its request never settles (a replica died mid-request); default HOLD_TTL_MS */
  holdTtlMs?: number;
}

/**
 * The Redis-backed CostBudget; `key` names the store's bucket (one per store and app), `${key}:holds` its holds in
 * flight. This process remembers its own holds (id and mark) to name them when they settle: see ./budget-holds.ts for
 * how a settle, which carries only a cost, is paired with one.
 */
export class RedisCostBudget extends QueuedBudget {
  private readonly redis: BudgetRedis;
  private readonly fallback = new LocalCostBudget();
  private readonly holds: OutstandingHolds;
  private readonly holdTtlMs: number;
  private readonly holdPrefix = randomUUID();
  private holdCount = 0;
  private last: ThrottleStatus | null = null;
  private failing = false;
  protected readonly pollMs = POLL_MS;

  constructor(
    redis: Redis,
    private readonly key: string,
    private readonly logger: Logger,
    options: RedisCostBudgetOptions = {},
  ) {
    super();
    this.holdTtlMs = options.holdTtlMs ?? HOLD_TTL_MS;
    this.holds = new OutstandingHolds(this.holdTtlMs);
    this.redis = redis as BudgetRedis;
    if (typeof this.redis.budgetTake !== 'function') {
      redis.defineCommand('budgetTake', { numberOfKeys: 2, lua: TAKE });
      redis.defineCommand('budgetSettle', { numberOfKeys: 2, lua: SETTLE });
    }
  }

  snapshot(): ThrottleStatus | null {
    return this.failing ? this.fallback.snapshot() : this.last;
  }

  protected async tryTake(cost: number): Promise<TryTake> {
    let reply: string[];
    const holdId = `${this.holdPrefix}:${++this.holdCount}`;
    try {
      // Tried even while failing: with no offline queue a dead connection fails at once, and Redis may be back.
      reply = await this.redis.budgetTake(this.key, this.holdsKey, cost, STATE_TTL_MS, PROBE_MS, this.holdTtlMs, holdId);
      this.recovered();
    } catch (error) {
      this.failed(error);
      const taken = await this.fallbackTake(cost);
      // Named '' so its settle, paired like any other, tells Redis of no hold of its own.
      if (taken.granted) this.holds.add({ taken: cost, charge: cost, mark: 0, at: Date.now(), id: '' });
      return taken;
    }
    const [granted, wait, level, max, rate, hold, mark] = reply.map(String);
    if (level) this.remember(level, max!, rate!);
    if (granted === '1') this.holds.add({ taken: cost, charge: cost, mark: Number(mark), at: Date.now(), id: hold! });
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
    this.holds.prune(Date.now());
    const hold = this.holds.settle(taken);
    const statusArgs = status ? [status.currentlyAvailable, status.maximumAvailable, status.restoreRate] : [];
    try {
      const level = await this.redis.budgetSettle(
        this.key,
        this.holdsKey,
        charged,
        STATE_TTL_MS,
        hold?.id ?? '',
        hold?.mark ?? 0,
        ...statusArgs,
      );
      if (level !== '' && status) this.remember(level, String(status.maximumAvailable), String(status.restoreRate));
      this.recovered();
    } catch (error) {
      this.failed(error);
    }
    this.notify();
  }

  private get holdsKey(): string {
    return `${this.key}:holds`;
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
