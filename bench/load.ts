/**
 * Overload run: support agents opening profile cards through the real supergraph, at `overload` times the rate the
 * store's Shopify budget could serve without this subgraph's cache, against the simulator on a given plan.
 *
 * "Sustainable" is measured, not assumed: the actual Shopify cost of one uncached card view (on profiles outside
 * the run's pool) gives restoreRate / cost views per second. Agents then open cards of a pool of profiles (the
 * conversations in progress) at random, open loop (arrivals do not wait for answers). Every answer is checked
 * against the simulator's own data; the simulator's stats show whether the bucket was ever exceeded (THROTTLED).
 *
 *   npx tsx bench/load.ts [--duration 60] [--overload 3] [--pool 40] [--bucket 2000] [--rate 100]
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSupergraph, type SimCustomer, type SupergraphHarness } from '../dev/supergraph-harness.js';
import { mulberry32 } from 'shopify-admin-simulator';

/** What an agent's profile card asks this subgraph of a profile (the budget-use section sends it as `_entities`). */
export const CARD_FIELDS = /* GraphQL */ `
      shopifyCustomer {
        id
        displayName
        email
        totalSpent {
          amount
          currencyCode
        }
        totalOrders
      }
      orders(limit: 5) {
        id
        orderNumber
        status
        total {
          amount
          currencyCode
        }
        firstTrackingNumber
        products {
          name
          quantity
        }
      }
`;

/** One agent opening one profile card. */
export const CARD_QUERY = /* GraphQL */ `
  query ProfileCard($id: ID!) {
    profile(id: $id) {
      id
      name
${CARD_FIELDS}
    }
  }
`;

export interface LoadOptions {
  /** seconds of load (default 60) */
  durationS?: number;
  /** multiple of the sustainable (uncached) view rate (default 3) */
  overload?: number;
  /** distinct profiles agents open (default 40) */
  pool?: number;
  /** the simulator's plan (default Standard: 2000 points, 100/s) */
  maximumAvailable?: number;
  restoreRate?: number;
  /** extra environment for the subgraph */
  env?: Record<string, string>;
  /** PRNG seed for the profile picks */
  seed?: number;
  /** uncached views measured before the run (default 8) */
  calibration?: number;
}

export interface LoadReport {
  plan: { maximumAvailable: number; restoreRate: number };
  durationS: number;
  pool: number;
  /** actual and requested Shopify cost of one uncached view */
  viewCost: { actual: number; requested: number };
  sustainablePerS: number;
  offeredPerS: number;
  sent: number;
  served: number;
  servedPerS: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** error codes that reached clients, by code */
  clientErrors: Record<string, number>;
  /** answers that were not the simulator's data */
  wrong: number;
  /** pointsPerS: actual points per second; actualPerRequest: what an uncached view really cost during the run */
  shopify: { requests: number; requestedCost: number; actualCost: number; throttled: number; pointsPerS: number; actualPerRequest: number };
  waits: Record<string, { count: number; seconds: number }>;
  cache: Record<string, number>;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;

/** Reads one metric's samples from the app's registry. */
async function samples(h: SupergraphHarness, name: string) {
  const metric = h.app.metrics.registry.getSingleMetric(name);
  return metric ? (await metric.get()).values : [];
}

/** True when a card is exactly what the simulator holds for this customer. */
function correct(card: any, customer: SimCustomer): boolean {
  return (
    card?.shopifyCustomer?.id === customer.id &&
    card.shopifyCustomer.displayName === customer.displayName &&
    Array.isArray(card.orders) &&
    card.orders.length === Math.min(5, customer.numberOfOrders) &&
    card.orders.every((o: any) => Array.isArray(o.products) && o.products.length > 0)
  );
}

/** Runs the overload and returns its figures. */
export async function runLoad(opts: LoadOptions = {}): Promise<LoadReport> {
  const durationS = opts.durationS ?? 60;
  const overload = opts.overload ?? 3;
  const poolSize = opts.pool ?? 40;
  const plan = { maximumAvailable: opts.maximumAvailable ?? 2000, restoreRate: opts.restoreRate ?? 100 };
  const calibration = opts.calibration ?? 8;
  let customers: SimCustomer[] = [];
  const h = await startSupergraph({
    simulator: { ...plan, customers: 200 },
    env: { SHOPIFY_CACHE_TTL_S: '30', ...opts.env },
    profiles: (all) => {
      const eligible = all.filter((c) => c.email && c.numberOfOrders > 0);
      // Calibration profiles spread evenly over the customers outside the pool: the seed's neighbours look alike.
      const rest = eligible.slice(poolSize);
      const step = Math.max(1, Math.floor(rest.length / calibration));
      customers = [...eligible.slice(0, poolSize), ...Array.from({ length: calibration }, (_, i) => rest[(i * step) % rest.length]!)];
      return customers.map((c, i) => ({ id: `p${i}`, name: `Agent view ${i}`, emails: [c.email!] }));
    },
  });
  try {
    // One uncached view on profiles outside the pool, one at a time: what a card costs without the cache.
    await h.sim('reset', {});
    for (let i = poolSize; i < poolSize + calibration; i++) await h.query(CARD_QUERY, { id: `p${i}` });
    const cal = await h.sim('stats');
    const viewCost = { actual: cal.actualCost / calibration, requested: cal.requestedCost / calibration };
    const sustainablePerS = plan.restoreRate / viewCost.actual;
    const offeredPerS = overload * sustainablePerS;

    // Start from a full bucket, as Shopify's is after the reset below (our estimate would otherwise lag behind it).
    const budget = h.app.deps.served[0]!.shopify.budget;
    while ((budget.snapshot()?.currentlyAvailable ?? plan.maximumAvailable) < plan.maximumAvailable - 1) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await h.sim('reset', {});
    const random = mulberry32(opts.seed ?? 7);
    const latencies: number[] = [];
    const clientErrors: Record<string, number> = {};
    let sent = 0;
    let wrong = 0;
    /** views answered with no error at all (an answer can carry several errors; a network failure has none) */
    let clean = 0;
    const inFlight = new Set<Promise<void>>();
    const started = performance.now();
    const one = async (i: number) => {
      const t0 = performance.now();
      try {
        const res = await h.query(CARD_QUERY, { id: `p${i}` });
        latencies.push(performance.now() - t0);
        for (const e of res.body.errors ?? []) {
          const code = String(e.extensions?.code ?? 'UNKNOWN');
          clientErrors[code] = (clientErrors[code] ?? 0) + 1;
        }
        if (!res.body.errors) {
          clean++;
          if (!correct(res.body.data?.profile, customers[i]!)) wrong++;
        }
      } catch {
        clientErrors.NETWORK = (clientErrors.NETWORK ?? 0) + 1;
      }
    };
    // Open loop: the i-th view leaves at i / rate, however slow the answers are.
    while (performance.now() - started < durationS * 1000) {
      const due = started + (sent / offeredPerS) * 1000;
      const now = performance.now();
      if (due > now) {
        await new Promise((r) => setTimeout(r, due - now));
        continue;
      }
      const p = one(Math.floor(random() * poolSize)).finally(() => inFlight.delete(p));
      inFlight.add(p);
      sent++;
    }
    await Promise.all(inFlight);
    const elapsedS = (performance.now() - started) / 1000;
    const stats = await h.sim('stats');
    const sorted = [...latencies].sort((a, b) => a - b);
    const waits: LoadReport['waits'] = {};
    for (const s of await samples(h, 'shopify_waits_total')) waits[String(s.labels.reason)] = { count: s.value, seconds: 0 };
    for (const s of await samples(h, 'shopify_wait_seconds_total')) {
      const w = (waits[String(s.labels.reason)] ??= { count: 0, seconds: 0 });
      w.seconds = Math.round(s.value * 100) / 100;
    }
    const cache: Record<string, number> = {};
    for (const s of await samples(h, 'shopify_cache_lookups_total')) cache[String(s.labels.result)] = s.value;
    return {
      plan,
      durationS: Math.round(elapsedS * 10) / 10,
      pool: poolSize,
      viewCost: { actual: Math.round(viewCost.actual), requested: Math.round(viewCost.requested) },
      sustainablePerS: Math.round(sustainablePerS * 100) / 100,
      offeredPerS: Math.round(offeredPerS * 100) / 100,
      sent,
      served: clean,
      servedPerS: Math.round((latencies.length / elapsedS) * 100) / 100,
      latencyMs: {
        p50: Math.round(percentile(sorted, 50)),
        p90: Math.round(percentile(sorted, 90)),
        p99: Math.round(percentile(sorted, 99)),
        max: Math.round(sorted.at(-1) ?? 0),
      },
      clientErrors,
      wrong,
      shopify: {
        requests: stats.requests,
        requestedCost: stats.requestedCost,
        actualCost: stats.actualCost,
        throttled: stats.throttled,
        pointsPerS: Math.round((stats.actualCost / elapsedS) * 10) / 10,
        actualPerRequest: Math.round(stats.actualCost / Math.max(1, stats.requests)),
      },
      waits,
      cache,
    };
  } finally {
    await h.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '60' },
      overload: { type: 'string', default: '3' },
      pool: { type: 'string', default: '40' },
      bucket: { type: 'string', default: '2000' },
      rate: { type: 'string', default: '100' },
    },
  });
  const report = await runLoad({
    durationS: Number(values.duration),
    overload: Number(values.overload),
    pool: Number(values.pool),
    maximumAvailable: Number(values.bucket),
    restoreRate: Number(values.rate),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
