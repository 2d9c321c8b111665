/**
 * Section 7: how many profile views a store's Shopify budget gives (issue 14), this tree beside the code of the
 * baseline commit (bench/baseline.ts, default e49c852: main before the issue) and, for the desk, the naive subgraph.
 *   a. burst: N concurrent cold cards on a fresh Standard bucket (bench/burst.ts)
 *   b. desk: agents with Zipf-distributed repeats for minutes while the store changes and webhooks flow; views/s,
 *      points per view, cache hit rate, staleness (bench/desk.ts), the three subgraphs at the same time, each on its
 *      own simulator and in its own processes
 *   c. requested vs actual points per cold card by the customer's order count (bench/card-cost.ts)
 */
import { ensureBaseline, ensureThisBuild, BASELINE_REF } from './baseline.js';
import { STANDARD_PLAN } from './budget.js';
import { burstRow, type BurstRow } from './burst.js';
import { cardCostRows, ORDER_CLASSES, type CardCostRow } from './card-cost.js';
import type { DeskOptions, DeskReport } from './desk.js';
import { startChild } from './processes.js';
import { control, sleep, startSimProcess, startTarget, targetContext, type Code, type TargetContext } from './budget-use-setup.js';

export interface DeskPlan {
  agents: number;
  durationS: number;
  pool: number;
  changeEveryS: number;
  watchCapS: number;
  calibration: number;
}

export interface BudgetUsePlan {
  burstNs: readonly number[];
  /** customers per order class in (c) */
  perClass: number;
  desk: DeskPlan;
}

export interface DeskRow extends Partial<DeskReport> {
  id: string;
  code: Code;
  /** how the subgraph heard of the store's changes */
  webhooks: string;
  error: string | null;
}

export interface BudgetUseResult {
  /** the baseline's commit (short) */
  baseline: string;
  burstConditions: string;
  burst: BurstRow[];
  deskConditions: string;
  desk: DeskRow[];
  cardCostConditions: string;
  cardCost: CardCostRow[];
}

/** The desk's fixed behaviour (the plan sets its size and length). */
const DESK_BEHAVIOUR = {
  zipfS: 1.1,
  seed: 14,
  newcomerShare: 0.05,
  viewsPerConversation: [2, 4],
  viewGapS: [2, 6],
  thinkS: [3, 10],
  watchEveryMs: 250,
} as const;

export const CODE_LABELS: Record<Code, string> = { this: 'this tree', baseline: 'baseline', naive: 'naive' };

/** (a) and (c) for this tree and the baseline, one after the other (their latencies are measured). */
async function burstAndCost(plan: BudgetUsePlan, ctx: TargetContext, result: BudgetUseResult, errors: string[], log: (l: string) => void) {
  for (const code of ['this', 'baseline'] as const) {
    const sim = await startSimProcess();
    try {
      for (const [selection, n] of plan.burstNs.flatMap((n) => (['agent', 'full'] as const).map((sel) => [sel, n] as const))) {
        try {
          const row = await burstRow(code, selection, n, sim, ctx);
          result.burst.push(row);
          log(
            `  7a ${CODE_LABELS[code]} ${selection} card N=${n}: served ${row.served}/${n}, THROTTLED to clients ${row.throttledToClients}${row.shopifyAvailableAtThrottled ? ` (Shopify had ${row.shopifyAvailableAtThrottled.min}–${row.shopifyAvailableAtThrottled.max} points)` : ''}, other errors ${row.otherErrors}, simulator THROTTLED ${row.shopifyThrottled}, p50/p99 ${row.latencyMs.p50}/${row.latencyMs.p99} ms, last card ${row.lastCardMs} ms`,
          );
        } catch (error) {
          errors.push(`burst ${code} ${selection} card N=${n}: ${(error as Error).message}`);
        }
      }
      try {
        const rows = await cardCostRows(code, sim, ctx, plan.perClass);
        result.cardCost.push(...rows);
        for (const r of rows)
          log(
            `  7c ${CODE_LABELS[code]} ${r.orderClass} orders: ${r.requests} requests, ${r.requestedCost} requested, ${r.actualCost} actual per card`,
          );
      } catch (error) {
        errors.push(`card cost ${code}: ${(error as Error).message}`);
      }
    } finally {
      await sim.child.stop();
    }
  }
  result.burst.sort((a, b) => a.selection.localeCompare(b.selection) || a.n - b.n);
  const rank = (r: CardCostRow) => (r.call === 'one' ? 0 : 100) + (r.selection === 'agent' ? 0 : 10) + ORDER_CLASSES.indexOf(r.orderClass);
  result.cardCost.sort((a, b) => rank(a) - rank(b));
}

/** Subscribes the subgraph to the store's webhooks: this tree subscribes itself (PUBLIC_URL); otherwise by hand. */
async function subscribe(code: Code, sim: { url: string }, webhookUrl: string, ctx: TargetContext): Promise<string> {
  if (code === 'this') {
    for (let i = 0; i < 40; i++) {
      const app = await control(sim.url, 'app').catch(() => null);
      if (app && JSON.stringify(app).includes(webhookUrl)) return 'subscribed itself (PUBLIC_URL)';
      await sleep(250);
    }
  }
  await control(sim.url, 'webhooks', { url: webhookUrl, secret: ctx.webhookSecret });
  return code === 'this' ? 'did not subscribe itself in 10 s: subscribed through the control API' : 'subscribed through the control API';
}

/** One desk: its simulator, its subgraph, its desk worker; everything stopped at the end. */
async function deskRow(code: Code, plan: DeskPlan, ctx: TargetContext, log: (l: string) => void): Promise<DeskRow> {
  const row: DeskRow = { id: `budget-use/desk/${code}`, code, webhooks: 'none', error: null };
  const stops: Array<() => Promise<void>> = [];
  try {
    const sim = await startSimProcess();
    stops.push(() => sim.child.stop());
    const webhooks = code !== 'naive';
    // The secret the store signs its app's own subscriptions with (webhookSubscriptionCreate), when it has that.
    if (webhooks) await control(sim.url, 'app', { webhookSecret: ctx.webhookSecret }).catch(() => undefined);
    const target = await startTarget(code, sim, ctx, { webhooks });
    stops.push(() => target.stop());
    if (webhooks && target.webhookUrl) row.webhooks = await subscribe(code, sim, target.webhookUrl, ctx);
    const worker = await startChild('./desk-worker.ts');
    stops.push(() => worker.stop());
    const options: DeskOptions = {
      code,
      sim: { url: sim.url, token: sim.token, graphqlUrl: sim.graphqlUrl },
      subgraphUrl: target.url,
      metricsUrl: target.metricsUrl,
      routerSecret: ctx.auth.routerSecret,
      token: ctx.auth.token,
      restoreRate: STANDARD_PLAN.restoreRate,
      ...plan,
      ...DESK_BEHAVIOUR,
    };
    const report = await worker.call<DeskReport>({ type: 'desk', options }, (plan.durationS + plan.watchCapS) * 1000 + 240_000);
    Object.assign(row, report);
    log(
      `  7b ${CODE_LABELS[code]}: ${report.servedPerS} views/s (${report.timesUncachedLimit}× uncached limit ${report.uncachedLimitPerS}/s), THROTTLED to clients ${report.throttledToClients}, other errors ${report.otherErrors}, ` +
        `${report.shopify.actualPerView}/${report.shopify.requestedPerView} points per view, hit rate ${report.hitRate ?? '–'}, staleness p50/max ${report.staleness.p50}/${report.staleness.max} ms (${report.staleness.unseen} unseen)`,
    );
  } catch (error) {
    row.error = (error as Error).message;
    log(`  7b ${CODE_LABELS[code]}: FAILED: ${row.error}`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
  return row;
}

/** Runs section 7; a part that fails leaves the others' rows, and its error is returned. */
export async function runBudgetUse(opts: {
  plan: BudgetUsePlan;
  baselineRef?: string;
  log: (line: string) => void;
}): Promise<{ result: BudgetUseResult; errors: string[] }> {
  const { plan, log } = opts;
  ensureThisBuild();
  const baseline = ensureBaseline(opts.baselineRef ?? BASELINE_REF, log);
  const ctx = await targetContext(baseline);
  const errors: string[] = [];
  const result: BudgetUseResult = {
    baseline: baseline.short,
    burstConditions: '',
    burst: [],
    deskConditions: '',
    desk: [],
    cardCostConditions: '',
    cardCost: [],
  };
  try {
    await burstAndCost(plan, ctx, result, errors, log);
    log(`  7b: the desk against this tree, the baseline and the naive subgraph at the same time (${plan.desk.durationS} s)`);
    result.desk = await Promise.all((['this', 'baseline', 'naive'] as const).map((code) => deskRow(code, plan.desk, ctx, log)));
    for (const r of result.desk) if (r.error) errors.push(`desk ${r.code}: ${r.error}`);
  } finally {
    ctx.close();
  }
  Object.assign(result, conditions(plan, baseline.short));
  return { result, errors };
}

function conditions(plan: BudgetUsePlan, baseline: string) {
  const d = plan.desk;
  const b = DESK_BEHAVIOUR;
  const standard = `Standard plan (${STANDARD_PLAN.maximumAvailable}-point bucket, ${STANDARD_PLAN.restoreRate} points/s)`;
  const codes = `"this tree" = the checkout's dist/ (built first), "baseline" = commit ${baseline} built apart (bench/baseline.ts); both compiled, started as npm start does, production config, their own default cache TTL`;
  return {
    burstConditions:
      `simulator (seed 1, 500 customers, own process) on the ${standard}, reset before each row (full bucket); a subgraph started fresh for each row (cold cache, nothing learned); ` +
      `N _entities calls for one profile each of the agent's card (bench/load.ts's: customer + orders(limit: 5) with products) or the full card (bench/queries.ts's: link, customer, orders(limit: 10) with all fields, products), sent at once straight to the subgraph, N distinct customers with orders; ` +
      `SHOPIFY_MAX_WAIT_MS default (5000); ${codes}; THROTTLED to clients / other errors = cards (not errors) with such an error; Shopify pts available at client THROTTLED = the simulator's bucket level (sampled every 100 ms) when those cards came back, lowest–highest; simulator THROTTLED = THROTTLED answers Shopify gave (absorbed or not); last card = from the burst's start to its last answer`,
    deskConditions:
      `${d.agents} agents for ${d.durationS} s, the three desks at the same time (each limited by its store's budget or the agents' pace, not by CPU), each with its own simulator (seed 1, 500 customers, ${standard}, own process), its own subgraph process and its own desk process ` +
      `(@apollo/gateway + demo profiles subgraph + agents, bench/load.ts's CARD_QUERY through the gateway); pool of ${d.pool} profiles (${Math.round(b.newcomerShare * 100)}% with an email no customer has yet), ` +
      `picked by Zipf s=${b.zipfS} (seed ${b.seed}); a conversation opens one card ${b.viewsPerConversation[0]}–${b.viewsPerConversation[1]} times ${b.viewGapS[0]}–${b.viewGapS[1]} s apart, then ${b.thinkS[0]}–${b.thinkS[1]} s think time; ` +
      `every ${d.changeEveryS} s a change to a pool customer in rotation: new order (control API POST /orders → orders/create), staff cancels one of the card's orders (Admin API orderCancel, through the bucket), customer created for a pool email (POST /customers → customers/create); ` +
      `no customer-profile update (name, email) is made: the simulator has no route or mutation for it; ` +
      `a watcher opens that card every ${b.watchEveryMs} ms until it shows the change (staleness; given up after ${d.watchCapS} s = unseen); ` +
      `webhooks: this tree with PUBLIC_URL set to its own address (it subscribes itself), the baseline subscribed by hand (control API), the naive subgraph none and no cache; ${codes}; ` +
      `views/s = agents' cards answered without any error ÷ run time; THROTTLED to clients / other errors = agents' cards (not errors) with such an error; points per view = Shopify actual/requested points during the run ÷ cards served without error (agents' and watcher's, but not the watcher's cards that still showed the old state: all cache hits, which would favour staleness); ` +
      `the naive subgraph turns every failed Shopify call, THROTTLED included, into SHOPIFY_UNAVAILABLE (other errors); ` +
      `budget capacity (est.) = restoreRate ÷ actual points per view, the views/s the budget would carry at this mix (views/s is the agents' pace when it is lower); hit rate = hit ÷ lookups of shopify_cache_lookups_total (/metrics; one lookup per card), the same stale watcher cards left out; uncached limit = restoreRate ÷ actual points of one uncached card (mean of ${d.calibration} customers outside the pool, measured first on each desk's own subgraph)`,
    cardCostConditions:
      `two selections for one profile: the agent's card of 7a/7b (bench/load.ts's) and the full card of section 1 (bench/queries.ts's: link, customer, orders(limit: 10) with all fields, products), as _entities straight to a subgraph started fresh (cache off); call "one": one card per call, one call at a time; call "batch": the class's cards in one call (a list view), its figures ÷ the cards; ${plan.perClass} customers with an email per class (the seed's first of each), each once; ` +
      `requests, requested and actual points per card from the simulator's stats (requested = the sum over the card's requests); simulator on the ${standard}, its bucket full again before each call (a store at rest); ${codes}`,
  };
}
