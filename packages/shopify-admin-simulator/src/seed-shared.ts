/**
 * Customers two stores have in common, the way a brand's US and EU stores share some shoppers: the same person
 * (email and name) is a customer of both, with ids, orders, amounts and currencies of each store's own. Which of this
 * store's customers are shared, and with whom, comes from a PRNG of its own, so sharing never changes the draws of
 * the rest of the seed and the same options always give the same pairs.
 */
import type { Currency, CustomerRec } from './model.js';
import { mulberry32, type Rng } from './seed-draws.js';

/** The other store, and what share of this store's customers are also its customers. */
export interface SharedCustomersOptions {
  /** the other store's seed */
  seed: number;
  /** the other store's customer count; default 500 */
  customers?: number;
  /** the other store's currency (its customers' countries depend on it); default USD */
  currencyCode?: Currency;
  /** 0..1: exactly round(fraction × this store's customers) of them take the email and name of one of the other's */
  fraction: number;
}

/** Which of this store's customers are shared: customer index → the other store's customer it is. */
export interface SharedPlan {
  donors: Map<number, CustomerRec>;
  /** every email of the other store: this store's own customers never get one of them */
  otherEmails: Set<string>;
}

/** Customers with these indexes cover every consent state in a small seed, so they are shared last. */
const CONSENT_SAMPLE = 6;

/** How many of `count` customers a fraction shares (the number the tests assert). */
export function sharedCount(fraction: number, count: number): number {
  return Math.round(fraction * count);
}

/**
 * Picks the shared customers: round(fraction × count) indexes of this store and as many distinct customers with an
 * email of the other. Throws when the other store has too few customers with an email.
 */
export function planSharedCustomers(
  options: SharedCustomersOptions,
  seed: number,
  count: number,
  otherCustomers: readonly CustomerRec[],
): SharedPlan {
  const k = sharedCount(options.fraction, count);
  const pool = otherCustomers.filter((c) => c.email);
  if (k > pool.length) {
    throw new Error(
      `sharedCustomers: ${k} customers to share (fraction ${options.fraction} of ${count}), but the store of seed ${options.seed} has only ${pool.length} customers with an email`,
    );
  }
  const rng = mulberry32((Math.imul(seed, 0x9e3779b1) ^ Math.imul(options.seed + 1, 0x85ebca6b) ^ count) >>> 0);
  const later = range(Math.min(CONSENT_SAMPLE, count), count);
  const first = range(0, Math.min(CONSENT_SAMPLE, count));
  const slots = k <= later.length ? sample(rng, later, k) : [...later, ...sample(rng, first, k - later.length)];
  const donors = sample(rng, pool, k);
  return {
    donors: new Map(slots.map((slot, i) => [slot, donors[i]!])),
    otherEmails: new Set(otherCustomers.flatMap((c) => (c.email ? [c.email.toLowerCase()] : []))),
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** k distinct elements in random order (a partial Fisher–Yates shuffle of a copy). */
function sample<T>(rng: Rng, list: readonly T[], k: number): T[] {
  const a = [...list];
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, k);
}
