/**
 * How an idempotency key's request is recognised: a stable hash of its normalized input (and the store it acts in), so
 * a retry matches its first attempt however its JSON was written, and another request under the key never does.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_STORE_HANDLE, type StoreHandle } from '../domain/stores.js';

/** Stable hash of a normalized request (keys sorted), so equal inputs hash equal however they were written. */
export function hashInput(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/**
 * The hash a key's request is compared by: its input without the key, and the store it acts in. The same key sent for
 * another store is another request (IDEMPOTENCY_KEY_REUSED), never a replay of the first store's outcome. The store
 * of SHOPIFY_STORE_DOMAIN alone (`default`) is left out, so keys stored before stores existed keep their hash and a
 * retry across the upgrade still replays.
 */
export function requestHash(req: { idempotencyKey: string }, store: StoreHandle): string {
  const { idempotencyKey: _key, ...rest } = req;
  return hashInput(store === DEFAULT_STORE_HANDLE ? rest : { ...rest, [STORE_HASH_FIELD]: store });
}

/** Where the store goes in the hashed request: not a name any action input uses. */
const STORE_HASH_FIELD = '@store';

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
