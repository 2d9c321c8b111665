/**
 * The key-value store under the customer cache: an LRU in this process by default, Redis when replicas share it
 * (./redis-kv.ts). Values are JSON strings in both, so a cached object can never be mutated by a reader and both
 * behave the same.
 */
import { LRUCache } from 'lru-cache';

/** What the cache needs from a store: batched reads, TTL'd writes, deletes. */
export interface CacheKv {
  mget(keys: readonly string[]): Promise<Array<string | null>>;
  /** Writes every pair with the same time to live. */
  mset(entries: ReadonlyArray<readonly [string, string]>, ttlMs: number): Promise<void>;
  del(keys: readonly string[]): Promise<void>;
}

/** The in-process store: bounded by entry count, least recently used out first. */
export class MemoryKv implements CacheKv {
  private readonly lru: LRUCache<string, string>;

  constructor(maxEntries: number) {
    this.lru = new LRUCache<string, string>({ max: maxEntries, ttlAutopurge: false });
  }

  async mget(keys: readonly string[]): Promise<Array<string | null>> {
    return keys.map((k) => this.lru.get(k) ?? null);
  }

  async mset(entries: ReadonlyArray<readonly [string, string]>, ttlMs: number): Promise<void> {
    for (const [k, v] of entries) this.lru.set(k, v, { ttl: ttlMs });
  }

  async del(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.lru.delete(k);
  }
}
