/**
 * The people at section 7b's desk (bench/desk.ts): the pool of profiles agents open, in Zipf rank order, the
 * profiles that measure an uncached card, and the seeded random draws the agents make.
 */
import type { SimCustomer } from '../dev/profiles-subgraph.js';
import { mulberry32 } from 'shopify-admin-simulator';
import type { DeskProfile } from './desk-changes.js';

/** What the pool is drawn from: its size, the share of emails without a customer, the seed, the calibration size. */
export interface PoolOptions {
  pool: number;
  newcomerShare: number;
  seed: number;
  calibration: number;
}

/** A uniform draw in [lo, hi). */
export const uniform = (random: () => number, [lo, hi]: readonly [number, number]) => lo + random() * (hi - lo);

/** A sampler of ranks 0..n-1 with P(rank r) ∝ 1 / (r + 1)^s. */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cdf: number[] = [];
  let total = 0;
  for (let r = 1; r <= n; r++) cdf.push((total += 1 / r ** s));
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** Fisher–Yates with a seeded generator. */
export function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The pool (in Zipf rank order) and the calibration profiles, from the store's customers. */
export function deskProfiles(customers: readonly SimCustomer[], opts: PoolOptions): { pool: DeskProfile[]; calibration: DeskProfile[] } {
  const random = mulberry32(opts.seed);
  const emailed = shuffled(
    customers.filter((c) => c.email),
    random,
  );
  const newcomers = Math.round(opts.pool * opts.newcomerShare);
  const known = emailed.slice(0, opts.pool - newcomers);
  if (known.length < opts.pool - newcomers)
    throw new Error(`the store has ${emailed.length} customers with an email, the pool needs ${opts.pool - newcomers}`);
  const asProfile = (c: SimCustomer, i: number): DeskProfile => ({
    id: `desk-${i}`,
    name: c.displayName,
    emails: [c.email!],
    customerId: c.id,
  });
  const pool = shuffled(
    [
      ...known.map(asProfile),
      ...Array.from({ length: newcomers }, (_, i) => ({
        id: `desk-new-${i}`,
        name: `Newcomer ${i}`,
        emails: [`desk-newcomer-${i}@example.com`],
        customerId: null,
      })),
    ],
    random,
  );
  const rest = emailed.slice(opts.pool).filter((c) => c.numberOfOrders > 0);
  const step = Math.max(1, Math.floor(rest.length / opts.calibration));
  const calibration = Array.from({ length: Math.min(opts.calibration, rest.length) }, (_, i) => ({
    ...asProfile(rest[i * step]!, i),
    id: `calibration-${i}`,
  }));
  return { pool, calibration };
}
