/**
 * Section 7a: a burst of N concurrent cold single-profile cards on a fresh Standard bucket. Each row: the store
 * reset (full 2000-point bucket, stats cleared), a subgraph just started (cold cache, no learned bucket), N `_entities`
 * calls of one profile each sent at once, every profile a different customer with orders. The claim to check: no
 * THROTTLED reaches a client while Shopify had the points (the simulator counts the THROTTLED answers it gave).
 */
import type { SimCustomer } from '../dev/profiles-subgraph.js';
import {
  control,
  countCodes,
  customersOf,
  entitiesCard,
  percentile,
  routerHeaders,
  splitErrors,
  startTarget,
  statsOf,
  type Code,
  type SimProcess,
  type TargetContext,
} from './budget-use-setup.js';

export interface BurstRow {
  id: string;
  code: Code;
  n: number;
  /** cards answered without any error, with the right customer */
  served: number;
  throttledToClients: number;
  otherErrors: number;
  errors: Record<string, number>;
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

/** One row: fresh subgraph, reset store, N cards at once. */
export async function burstRow(code: Code, n: number, sim: SimProcess, ctx: TargetContext): Promise<BurstRow> {
  const customers = burstCustomers(await customersOf(sim), n);
  const target = await startTarget(code, sim, ctx);
  try {
    // After the subgraph started (it may ask the store something at boot): a full bucket and clean stats.
    await control(sim.url, 'reset', {});
    const headers = routerHeaders(ctx.auth);
    const started = performance.now();
    const answers = await Promise.all(
      customers.map((c, i) => entitiesCard(target.url, headers, [{ id: `burst-${i}`, emails: [c.email!] }]).then((a) => ({ a, c }))),
    );
    const lastCardMs = performance.now() - started;
    const stats = await statsOf(sim.url);
    const errors: Record<string, number> = {};
    let served = 0;
    for (const { a, c } of answers) {
      countCodes(errors, a.codes);
      if (a.codes.length === 0 && a.entities?.[0]?.shopifyCustomer?.id === c.id) served++;
    }
    const split = splitErrors(errors);
    const ms = answers.map(({ a }) => a.ms);
    return {
      id: `budget-use/burst/${code}/N=${n}`,
      code,
      n,
      served,
      throttledToClients: split.throttled,
      otherErrors: split.other,
      errors,
      shopifyThrottled: stats.throttled,
      shopifyRequests: stats.requests,
      latencyMs: { p50: percentile(ms, 50), p99: percentile(ms, 99) },
      lastCardMs: Math.round(lastCardMs),
    };
  } finally {
    await target.stop();
  }
}
