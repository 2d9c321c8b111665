/**
 * Section 7a: a burst of N concurrent cold single-profile cards on a fresh Standard bucket. Each row: the store
 * reset (full 2000-point bucket, stats cleared), a subgraph just started (cold cache, no learned bucket), N `_entities`
 * calls of one profile each sent at once, every profile a different customer with orders. The claim to check: no
 * THROTTLED reaches a client while Shopify had the points (the simulator counts the THROTTLED answers it gave).
 */
import type { SimCustomer } from '../dev/profiles-subgraph.js';
import { CARD_SELECTIONS, type CardSelection } from './card-cost.js';
import {
  control,
  countCodes,
  customersOf,
  entitiesCard,
  classify,
  percentile,
  routerHeaders,
  sleep,
  startTarget,
  statsOf,
  type Code,
  type SimProcess,
  type TargetContext,
} from './budget-use-setup.js';

export interface BurstRow {
  id: string;
  code: Code;
  selection: CardSelection;
  n: number;
  /** cards answered without any error, with the right customer */
  served: number;
  /** cards with a THROTTLED error, and cards with other errors (or the wrong customer) */
  throttledToClients: number;
  otherErrors: number;
  /** error codes by occurrence (a card can carry several) */
  errors: Record<string, number>;
  /** Shopify's bucket level (sampled every 100 ms) when THROTTLED cards came back: lowest and highest; null when none did */
  shopifyAvailableAtThrottled: { min: number; max: number } | null;
  /** THROTTLED answers the simulator gave (the subgraph absorbed or passed them on) */
  shopifyThrottled: number;
  shopifyRequests: number;
  latencyMs: { p50: number | null; p99: number | null };
  /** from the burst's start to the last card's answer */
  lastCardMs: number;
}

/** The customers of a burst: distinct, with an email and at least one order. */
export function burstCustomers(all: readonly SimCustomer[], n: number): SimCustomer[] {
  const chosen = all.filter((c) => c.email && c.numberOfOrders > 0).slice(0, n);
  if (chosen.length < n) throw new Error(`the store has only ${chosen.length} customers with an email and orders, ${n} wanted`);
  return chosen;
}

/** Samples the store's bucket level (GET /__simulator/throttle) until stopped: what Shopify had at each moment. */
function sampleBucket(simUrl: string, started: number): { stop(): Promise<Array<{ t: number; available: number }>> } {
  const samples: Array<{ t: number; available: number }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = (await control(simUrl, 'throttle').catch(() => null)) as { currentlyAvailable: number } | null;
      if (t) samples.push({ t: performance.now() - started, available: Math.round(t.currentlyAvailable) });
      await sleep(100);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** Shopify's level at the last sample before each moment; the lowest and highest of them, or null without moments. */
function levelsAt(
  samples: ReadonlyArray<{ t: number; available: number }>,
  moments: readonly number[],
): { min: number; max: number } | null {
  const levels = moments.flatMap((m) => {
    const before = samples.filter((s) => s.t <= m).at(-1);
    return before ? [before.available] : [];
  });
  return levels.length ? { min: Math.min(...levels), max: Math.max(...levels) } : null;
}

/** One row: fresh subgraph, reset store, N cards at once. */
export async function burstRow(code: Code, selection: CardSelection, n: number, sim: SimProcess, ctx: TargetContext): Promise<BurstRow> {
  const customers = burstCustomers(await customersOf(sim), n);
  const target = await startTarget(code, sim, ctx);
  try {
    // After the subgraph started (it may ask the store something at boot): a full bucket and clean stats.
    await control(sim.url, 'reset', {});
    const headers = routerHeaders(ctx.auth);
    const started = performance.now();
    const bucket = sampleBucket(sim.url, started);
    const query = CARD_SELECTIONS[selection].query;
    const answers = await Promise.all(
      customers.map(async (c, i) => {
        const a = await entitiesCard(target.url, headers, [{ id: `burst-${i}`, emails: [c.email!] }], query);
        return { a, c, at: performance.now() - started };
      }),
    );
    const lastCardMs = performance.now() - started;
    const samples = await bucket.stop();
    const stats = await statsOf(sim.url);
    const errors: Record<string, number> = {};
    let served = 0;
    let throttledCards = 0;
    let otherErrorCards = 0;
    const throttledAt: number[] = [];
    for (const { a, c, at } of answers) {
      countCodes(errors, a.codes);
      const outcome = classify(a.codes);
      if (outcome === 'throttled') {
        throttledCards++;
        throttledAt.push(at);
      } else if (outcome === 'error') otherErrorCards++;
      else if (a.entities?.[0]?.shopifyCustomer?.id === c.id) served++;
      else otherErrorCards++;
    }
    const ms = answers.map(({ a }) => a.ms);
    return {
      id: `budget-use/burst/${code}/${selection}/N=${n}`,
      code,
      selection,
      n,
      served,
      throttledToClients: throttledCards,
      otherErrors: otherErrorCards,
      errors,
      shopifyAvailableAtThrottled: levelsAt(samples, throttledAt),
      shopifyThrottled: stats.throttled,
      shopifyRequests: stats.requests,
      latencyMs: { p50: percentile(ms, 50), p99: percentile(ms, 99) },
      lastCardMs: Math.round(lastCardMs),
    };
  } finally {
    await target.stop();
  }
}
