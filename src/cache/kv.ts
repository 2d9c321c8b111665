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

/** Whatever the entry count, the in-process cache holds at most this much text (a full card is a few kB). */
export const MEMORY_KV_MAX_BYTES = 64 * 1024 * 1024;

/** The in-process store: bounded by entry count and total size, least recently used out first. */
export class MemoryKv implements CacheKv {
  private readonly lru: LRUCache<string, string>;

  constructor(maxEntries: number, maxBytes = MEMORY_KV_MAX_BYTES) {
    this.lru = new LRUCache<string, string>({
      max: maxEntries,
      maxSize: maxBytes,
      // UTF-16 code units, about the memory a JS string takes.
      sizeCalculation: (value, key) => 2 * (value.length + key.length),
    });
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
