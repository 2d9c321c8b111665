/**
 * The shared cache store: Redis, every key under the deployment's prefix. Replicas behind one router then share
 * what any of them fetched, and an invalidation by one (after an action or a webhook) holds for all.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import type { CacheKv } from './kv.js';

/** Connects to Redis for the cache and the shared budget; fails (rather than hangs) when Redis does not answer. */
export async function connectRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    // A request must not wait on a dead Redis: fail the command and let the caller fall back.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    connectTimeout: 2_000,
  });
  // Without a listener ioredis reports connection errors as unhandled 'error' events.
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ err: { message: error.message } }, 'Redis connection error');
  });
  redis.on('ready', () => {
    lastError = '';
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new Error(`REDIS_URL: cannot connect to Redis (${(error as Error).message})`);
  }
  return redis;
}

/** CacheKv over Redis; keys are prefixed so deployments (and tests) sharing a Redis never see each other's. */
export class RedisKv implements CacheKv {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async mget(keys: readonly string[]): Promise<Array<string | null>> {
    if (keys.length === 0) return [];
    return this.redis.mget(keys.map((k) => this.prefix + k));
  }

  async mset(entries: ReadonlyArray<readonly [string, string]>, ttlMs: number): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [k, v] of entries) pipeline.set(this.prefix + k, v, 'PX', Math.max(1, Math.round(ttlMs)));
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async del(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.redis.del(...keys.map((k) => this.prefix + k));
  }
}
