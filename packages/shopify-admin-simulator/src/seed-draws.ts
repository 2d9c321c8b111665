/** The seed's randomness: one small PRNG and the ways the seed draws from it (uniform pick, weighted choice). */

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for test data; returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One day in milliseconds. */
export const DAY = 86_400_000;

/** One element, uniformly. */
export const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
/** One element, with the given relative weights. */
export const weighted = <T>(rng: Rng, list: readonly T[], weights: readonly number[]): T => {
  let r = rng() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < list.length; i++) if ((r -= weights[i]!) < 0) return list[i]!;
  return list[list.length - 1]!;
};
/** Letters only, accents stripped, lower case: for e-mail local parts and file names. */
export const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
