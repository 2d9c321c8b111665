/**
 * Section 7b's desk, run in its own process (bench/desk-worker.ts) against one subgraph and its own simulator:
 * support agents opening profile cards through the real supergraph (@apollo/gateway over the demo profiles subgraph
 * and the subgraph measured, bench/load.ts's CARD_QUERY), while the store changes (bench/desk-changes.ts) and a
 * watcher measures how long each change takes to reach the card.
 *
 * Each agent, in a loop (closed: it waits for each card): picks a customer of the pool by a Zipf distribution (a few
 * customers are in touch often, most rarely), opens the card 2–4 times a few seconds apart (the conversation), then
 * thinks before the next. Everything random is drawn from seeded generators, so every subgraph gets the same desk.
 */
import { startGateway } from '../dev/gateway.js';
import { startProfilesSubgraph, type SimCustomer } from '../dev/profiles-subgraph.js';
import { composeSupergraph } from '../dev/supergraph-harness.js';
import { mulberry32 } from 'shopify-admin-simulator';
import { cacheLookups, control, countCodes, percentile, round2, sleep, splitErrors, statsOf, type SimStats } from './budget-use-setup.js';
import { ChangeMaker, type ChangeKind, type DeskProfile } from './desk-changes.js';
import { CARD_QUERY } from './load.js';

export interface DeskOptions {
  code: string;
  sim: { url: string; token: string; graphqlUrl: string };
  subgraphUrl: string;
  metricsUrl: string | null;
  routerSecret: string;
  /** the agents' token (the gateway forwards it) */
  token: string;
  /** the store's restore rate (points per second) */
  restoreRate: number;
  agents: number;
  durationS: number;
  pool: number;
  /** share of the pool whose email has no customer when the run starts */
  newcomerShare: number;
  zipfS: number;
  seed: number;
  viewsPerConversation: readonly [number, number];
  viewGapS: readonly [number, number];
  thinkS: readonly [number, number];
  changeEveryS: number;
  watchEveryMs: number;
  watchCapS: number;
  /** uncached cards measured before the run (customers outside the pool) */
  calibration: number;
}

export interface DeskReport {
  code: string;
  agents: number;
  durationS: number;
  /** agents' views answered (with or without errors), and those without any error */
  views: number;
  served: number;
  servedPerS: number;
  throttledToClients: number;
  otherErrors: number;
  errors: Record<string, number>;
  latencyMs: { p50: number | null; p99: number | null };
  /** the watcher's views (not in the figures above) */
  watcherViews: number;
  /** Shopify during the run: totals, and per view (agents' and watcher's views together) */
  shopify: SimStats & { actualPerView: number; requestedPerView: number };
  /** the subgraph's cache lookups during the run, by result; null without /metrics */
  cache: Record<string, number> | null;
  hitRate: number | null;
  /** one uncached card (calibration) and the rate the store's restore rate allows with it */
  uncachedCard: { actual: number; requested: number };
  uncachedLimitPerS: number;
  timesUncachedLimit: number;
  changes: Array<{ kind: ChangeKind; stalenessMs: number | null }>;
  staleness: { p50: number | null; max: number | null; unseen: number };
  changeFailures: number;
}

const uniform = (random: () => number, [lo, hi]: readonly [number, number]) => lo + random() * (hi - lo);

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
function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** The pool (in Zipf rank order) and the calibration profiles, from the store's customers. */
function deskProfiles(customers: readonly SimCustomer[], opts: DeskOptions): { pool: DeskProfile[]; calibration: DeskProfile[] } {
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

/** Runs the desk and returns its figures. */
export async function runDesk(opts: DeskOptions): Promise<DeskReport> {
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const customers = (await control(opts.sim.url, 'customers')) as SimCustomer[];
    const orders = await control(opts.sim.url, 'orders');
    const { pool, calibration } = deskProfiles(customers, opts);
    const profiles = await startProfilesSubgraph({ profiles: [...pool, ...calibration], port: 0 });
    closers.push(() => profiles.close());
    const gateway = await startGateway({
      supergraphSdl: composeSupergraph(profiles.url, opts.subgraphUrl),
      port: 0,
      routerSecret: opts.routerSecret,
    });
    closers.push(() => gateway.close());
    const open = async (id: string) => {
      const t0 = performance.now();
      try {
        const res = await fetch(gateway.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${opts.token}` },
          body: JSON.stringify({ query: CARD_QUERY, variables: { id } }),
        });
        const body = (await res.json()) as { data?: { profile?: any }; errors?: Array<{ extensions?: { code?: string } }> };
        return {
          ms: performance.now() - t0,
          card: body.data?.profile ?? null,
          codes: (body.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN')),
        };
      } catch {
        return { ms: performance.now() - t0, card: null, codes: ['NETWORK'] };
      }
    };

    // What one card costs uncached, one at a time; then the bucket refills before the desk opens.
    const calStart = await statsOf(opts.sim.url);
    for (const p of calibration) await open(p.id);
    const calEnd = await statsOf(opts.sim.url);
    const n = Math.max(1, calibration.length);
    const uncachedCard = {
      actual: (calEnd.actualCost - calStart.actualCost) / n,
      requested: (calEnd.requestedCost - calStart.requestedCost) / n,
    };
    for (let i = 0; i < 120; i++) {
      const t = (await control(opts.sim.url, 'throttle')) as { currentlyAvailable: number; maximumAvailable: number };
      if (t.currentlyAvailable >= t.maximumAvailable - 1) break;
      await sleep(500);
    }

    const before = await statsOf(opts.sim.url);
    const cacheBefore = await cacheLookups(opts.metricsUrl);
    const latencies: number[] = [];
    const errors: Record<string, number> = {};
    let views = 0;
    let served = 0;
    let watcherViews = 0;
    const started = performance.now();
    const deadline = started + opts.durationS * 1000;

    const agent = async (i: number) => {
      const random = mulberry32(opts.seed * 1000 + i + 1);
      const rank = zipf(pool.length, opts.zipfS, random);
      // Agents do not start in step: each begins somewhere in a first think time.
      await sleep(Math.min(deadline - performance.now(), uniform(random, [0, opts.thinkS[1]]) * 1000));
      while (performance.now() < deadline) {
        const profile = pool[rank()]!;
        const count = Math.floor(uniform(random, [opts.viewsPerConversation[0], opts.viewsPerConversation[1] + 1]));
        for (let v = 0; v < count && performance.now() < deadline; v++) {
          if (v > 0) await sleep(Math.min(deadline - performance.now(), uniform(random, opts.viewGapS) * 1000));
          if (performance.now() >= deadline) break;
          const a = await open(profile.id);
          views++;
          latencies.push(a.ms);
          countCodes(errors, a.codes);
          if (a.codes.length === 0 && a.card) served++;
        }
        await sleep(Math.min(deadline - performance.now(), uniform(random, opts.thinkS) * 1000));
      }
    };

    const changes: DeskReport['changes'] = [];
    const watchers: Array<Promise<void>> = [];
    const maker = new ChangeMaker(opts.sim, pool, mulberry32(opts.seed + 7), orders);
    const watch = async (change: NonNullable<Awaited<ReturnType<ChangeMaker['next']>>>) => {
      const record = { kind: change.kind, stalenessMs: null as number | null };
      changes.push(record);
      while (performance.now() - change.at < opts.watchCapS * 1000) {
        const tick = performance.now();
        const a = await open(change.profile.id);
        watcherViews++;
        if (a.codes.length === 0 && change.shows(a.card)) {
          record.stalenessMs = Math.round(performance.now() - change.at);
          return;
        }
        await sleep(tick + opts.watchEveryMs - performance.now());
      }
    };
    const changer = async () => {
      await sleep(opts.changeEveryS * 1000);
      while (performance.now() < deadline) {
        const change = await maker
          .next(async (profile) => {
            await open(profile.id);
            watcherViews++;
          })
          .catch(() => null);
        if (change) watchers.push(watch(change));
        await sleep(Math.min(deadline - performance.now(), opts.changeEveryS * 1000));
      }
    };

    await Promise.all([...Array.from({ length: opts.agents }, (_, i) => agent(i)), changer()]);
    const elapsedS = (performance.now() - started) / 1000;
    await Promise.all(watchers);
    const after = await statsOf(opts.sim.url);
    const cacheAfter = await cacheLookups(opts.metricsUrl);

    const shopify = {
      requests: after.requests - before.requests,
      requestedCost: after.requestedCost - before.requestedCost,
      actualCost: after.actualCost - before.actualCost,
      throttled: after.throttled - before.throttled,
    };
    const allViews = Math.max(1, views + watcherViews);
    const cache = cacheAfter ? Object.fromEntries(Object.entries(cacheAfter).map(([k, v]) => [k, v - (cacheBefore?.[k] ?? 0)])) : null;
    const lookups = cache ? Object.values(cache).reduce((a, b) => a + b, 0) : 0;
    const uncachedLimitPerS = uncachedCard.actual > 0 ? opts.restoreRate / uncachedCard.actual : 0;
    const servedPerS = served / elapsedS;
    const stale = changes.flatMap((c) => (c.stalenessMs === null ? [] : [c.stalenessMs]));
    const split = splitErrors(errors);
    return {
      code: opts.code,
      agents: opts.agents,
      durationS: Math.round(elapsedS),
      views,
      served,
      servedPerS: round2(servedPerS),
      throttledToClients: split.throttled,
      otherErrors: split.other,
      errors,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      watcherViews,
      shopify: {
        ...shopify,
        actualPerView: round2(shopify.actualCost / allViews),
        requestedPerView: round2(shopify.requestedCost / allViews),
      },
      cache,
      hitRate: cache && lookups > 0 ? round2((cache.hit ?? 0) / lookups) : null,
      uncachedCard: { actual: Math.round(uncachedCard.actual), requested: Math.round(uncachedCard.requested) },
      uncachedLimitPerS: round2(uncachedLimitPerS),
      timesUncachedLimit: uncachedLimitPerS > 0 ? round2(servedPerS / uncachedLimitPerS) : 0,
      changes,
      staleness: { p50: percentile(stale, 50), max: stale.length ? Math.max(...stale) : null, unseen: changes.length - stale.length },
      changeFailures: maker.failures,
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}
