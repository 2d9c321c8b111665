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
import { minus } from './stores-setup.js';
import {
  cacheLookups,
  control,
  countCodes,
  percentile,
  round1,
  round2,
  sleep,
  classify,
  statsOf,
  waitFullBucket,
  type SimStats,
} from './budget-use-setup.js';
import { ChangeMaker, type ChangeKind, type DeskProfile, type MadeChange } from './desk-changes.js';
import { deskProfiles, uniform, zipf } from './desk-pool.js';
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
  /** agents' cards with a THROTTLED error, and with other errors */
  throttledToClients: number;
  otherErrors: number;
  /** error codes by occurrence (a card can carry several) */
  errors: Record<string, number>;
  latencyMs: { p50: number | null; p99: number | null };
  /** the watcher's views (not in the figures above), and those of them that still showed the old card */
  watcherViews: number;
  staleWatcherViews: number;
  /** Shopify during the run: totals, and per view (agents' and watcher's views, but not the watcher's stale ones) */
  shopify: SimStats & { actualPerView: number; requestedPerView: number };
  /** the subgraph's cache lookups during the run, by result (all views); null without /metrics */
  cache: Record<string, number> | null;
  /** hits ÷ lookups, the watcher's stale views (all hits) left out */
  hitRate: number | null;
  /** one uncached card (calibration) and the rate the store's restore rate allows with it */
  uncachedCard: { actual: number; requested: number };
  uncachedLimitPerS: number;
  /**
   * restoreRate ÷ actual points per view: the views per second the store's budget would carry at this run's mix (an
   * estimate; when the agents' pace is below it, views/s shows their pace, not the budget's limit)
   */
  budgetCapacityPerS: number | null;
  timesUncachedLimit: number;
  changes: Array<{ kind: ChangeKind; stalenessMs: number | null }>;
  staleness: { p50: number | null; max: number | null; unseen: number };
  changeFailures: number;
}

type Open = (id: string) => Promise<{ ms: number; card: any; codes: string[] }>;

/** Opens one profile card through the gateway, as an agent's desk does. */
function cardOpener(gatewayUrl: string, token: string): Open {
  return async (id) => {
    const t0 = performance.now();
    try {
      const res = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: CARD_QUERY, variables: { id } }),
      });
      const body = (await res.json()) as { data?: { profile?: any }; errors?: Array<{ extensions?: { code?: string } }> };
      const codes = (body.errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
      return { ms: performance.now() - t0, card: body.data?.profile ?? null, codes };
    } catch {
      return { ms: performance.now() - t0, card: null, codes: ['NETWORK'] };
    }
  };
}

/** What one card costs uncached (one at a time, customers outside the pool); then waits for a full bucket. */
async function calibrate(open: Open, calibration: readonly DeskProfile[], simUrl: string): Promise<{ actual: number; requested: number }> {
  const start = await statsOf(simUrl);
  for (const p of calibration) await open(p.id);
  const end = await statsOf(simUrl);
  const n = Math.max(1, calibration.length);
  await waitFullBucket(simUrl);
  return { actual: (end.actualCost - start.actualCost) / n, requested: (end.requestedCost - start.requestedCost) / n };
}

/** One run of the desk: the agents, the changes and their watchers, and what they counted. */
class DeskRun {
  readonly latencies: number[] = [];
  readonly errors: Record<string, number> = {};
  views = 0;
  served = 0;
  /** agents' cards with a THROTTLED error, and with other errors */
  throttledViews = 0;
  errorViews = 0;
  watcherViews = 0;
  /** the watcher's views answered without error, and those of them that still showed the old card */
  watcherServed = 0;
  staleWatcherViews = 0;
  readonly changes: DeskReport['changes'] = [];
  private readonly watchers: Array<Promise<void>> = [];
  private deadline = 0;

  constructor(
    private readonly opts: DeskOptions,
    private readonly pool: readonly DeskProfile[],
    private readonly open: Open,
    private readonly maker: ChangeMaker,
  ) {}

  /** Runs the agents and the changes for the desk's duration, then waits for the last watchers; returns seconds run. */
  async run(): Promise<number> {
    const started = performance.now();
    this.deadline = started + this.opts.durationS * 1000;
    await Promise.all([...Array.from({ length: this.opts.agents }, (_, i) => this.agent(i)), this.changer()]);
    const elapsedS = (performance.now() - started) / 1000;
    await Promise.all(this.watchers);
    return elapsedS;
  }

  private left = () => this.deadline - performance.now();

  private async agent(i: number): Promise<void> {
    const { opts } = this;
    const random = mulberry32(opts.seed * 1000 + i + 1);
    const rank = zipf(this.pool.length, opts.zipfS, random);
    // Agents do not start in step: each begins somewhere in a first think time.
    await sleep(Math.min(this.left(), uniform(random, [0, opts.thinkS[1]]) * 1000));
    while (this.left() > 0) {
      const profile = this.pool[rank()]!;
      const count = Math.floor(uniform(random, [opts.viewsPerConversation[0], opts.viewsPerConversation[1] + 1]));
      for (let v = 0; v < count; v++) {
        if (v > 0) await sleep(Math.min(this.left(), uniform(random, opts.viewGapS) * 1000));
        if (this.left() <= 0) break;
        const a = await this.open(profile.id);
        this.views++;
        this.latencies.push(a.ms);
        countCodes(this.errors, a.codes);
        const outcome = classify(a.codes);
        if (outcome === 'throttled') this.throttledViews++;
        else if (outcome === 'error' || !a.card) this.errorViews++;
        else this.served++;
      }
      await sleep(Math.min(this.left(), uniform(random, opts.thinkS) * 1000));
    }
  }

  private async changer(): Promise<void> {
    const every = this.opts.changeEveryS * 1000;
    await sleep(Math.min(this.left(), every));
    while (this.left() > 0) {
      // The card is opened once before the change, so the cache holds what the change makes stale.
      const change = await this.maker
        .next(async (profile) => {
          const a = await this.open(profile.id);
          this.watcherViews++;
          if (a.codes.length === 0) this.watcherServed++;
        })
        .catch(() => {
          this.maker.failures++;
          return null;
        });
      if (change) this.watchers.push(this.watch(change));
      await sleep(Math.min(this.left(), every));
    }
  }

  /** Opens the changed card every watchEveryMs until it shows the change (or the cap passes). */
  private async watch(change: MadeChange): Promise<void> {
    const record = { kind: change.kind, stalenessMs: null as number | null };
    this.changes.push(record);
    while (performance.now() - change.at < this.opts.watchCapS * 1000) {
      const tick = performance.now();
      const a = await this.open(change.profile.id);
      this.watcherViews++;
      if (a.codes.length === 0) this.watcherServed++;
      if (a.codes.length === 0 && change.shows(a.card)) {
        record.stalenessMs = Math.round(performance.now() - change.at);
        return;
      }
      // A card without the change came from the cache (Shopify had it already): a hit that only staleness causes.
      if (a.codes.length === 0) this.staleWatcherViews++;
      await sleep(tick + this.opts.watchEveryMs - performance.now());
    }
  }
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
    const supergraphSdl = composeSupergraph(profiles.url, opts.subgraphUrl);
    const gateway = await startGateway({ supergraphSdl, port: 0, routerSecret: opts.routerSecret });
    closers.push(() => gateway.close());
    const open = cardOpener(gateway.url, opts.token);
    const uncachedCard = await calibrate(open, calibration, opts.sim.url);

    const before = await statsOf(opts.sim.url);
    const cacheBefore = await cacheLookups(opts.metricsUrl);
    const maker = new ChangeMaker(opts.sim, pool, mulberry32(opts.seed + 7), orders);
    const desk = new DeskRun(opts, pool, open, maker);
    const elapsedS = await desk.run();
    const after = await statsOf(opts.sim.url);
    const cacheAfter = await cacheLookups(opts.metricsUrl);
    const cache = cacheAfter ? Object.fromEntries(Object.entries(cacheAfter).map(([k, v]) => [k, v - (cacheBefore?.[k] ?? 0)])) : null;
    return summarize(opts, desk, { elapsedS, shopify: minus(after, before), cache, uncachedCard, changeFailures: maker.failures });
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** The report from what the run counted. */
function summarize(
  opts: DeskOptions,
  desk: DeskRun,
  m: {
    elapsedS: number;
    shopify: SimStats;
    cache: Record<string, number> | null;
    uncachedCard: { actual: number; requested: number };
    changeFailures: number;
  },
): DeskReport {
  // Points per card served (a failed card costs little or nothing and would flatter a subgraph that fails). The
  // watcher's cards that still showed the old state are left out of the per-card figures: a subgraph that stays
  // stale longer would otherwise get more free cards. Its other cards (before each change, and the one that shows
  // it) stay in; each card is one cache lookup here (one store, one email).
  const countedViews = Math.max(1, desk.served + desk.watcherServed - desk.staleWatcherViews);
  const lookups = m.cache ? Object.values(m.cache).reduce((a, b) => a + b, 0) - desk.staleWatcherViews : 0;
  const uncachedLimitPerS = m.uncachedCard.actual > 0 ? opts.restoreRate / m.uncachedCard.actual : 0;
  const servedPerS = desk.served / m.elapsedS;
  const stale = desk.changes.flatMap((c) => (c.stalenessMs === null ? [] : [c.stalenessMs]));
  return {
    code: opts.code,
    agents: opts.agents,
    durationS: Math.round(m.elapsedS),
    views: desk.views,
    served: desk.served,
    servedPerS: round2(servedPerS),
    throttledToClients: desk.throttledViews,
    otherErrors: desk.errorViews,
    errors: desk.errors,
    latencyMs: { p50: percentile(desk.latencies, 50), p99: percentile(desk.latencies, 99) },
    watcherViews: desk.watcherViews,
    staleWatcherViews: desk.staleWatcherViews,
    shopify: {
      ...m.shopify,
      actualPerView: round2(m.shopify.actualCost / countedViews),
      requestedPerView: round2(m.shopify.requestedCost / countedViews),
    },
    cache: m.cache,
    hitRate: m.cache && lookups > 0 ? round2(((m.cache.hit ?? 0) - desk.staleWatcherViews) / lookups) : null,
    uncachedCard: { actual: Math.round(m.uncachedCard.actual), requested: Math.round(m.uncachedCard.requested) },
    uncachedLimitPerS: round2(uncachedLimitPerS),
    budgetCapacityPerS: m.shopify.actualCost > 0 ? round1((opts.restoreRate * countedViews) / m.shopify.actualCost) : null,
    timesUncachedLimit: uncachedLimitPerS > 0 ? round2(servedPerS / uncachedLimitPerS) : 0,
    changes: desk.changes,
    staleness: { p50: percentile(stale, 50), max: stale.length ? Math.max(...stale) : null, unseen: desk.changes.length - stale.length },
    changeFailures: m.changeFailures,
  };
}
