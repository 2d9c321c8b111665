/** Section 7's tables and key figures for bench/report.ts (kept apart so report.ts stays one screenful per job). */
import type { BudgetUseResult } from './budget-use.js';
import type { Code } from './budget-use-setup.js';

type Cell = string | number | null | undefined;

/** One table of the report: the same shape report.ts's sections have. */
export interface ReportSection {
  title: string;
  conditions: string;
  headers: string[];
  rows: Cell[][];
}

const ORDER_CLASS_LABELS: Record<string, string> = { '0': '0', '1-9': '1–9', '>=10': '≥ 10' };

/** Section 7's tables: burst, desk, points per card. */
export function budgetUseSections(r: BudgetUseResult): ReportSection[] {
  const label = (code: Code) => (code === 'this' ? 'this tree' : code === 'baseline' ? `baseline ${r.baseline}` : 'naive');
  const out: ReportSection[] = [];
  if (r.burst.length > 0) {
    out.push({
      title: '7a. Budget use (issue 14): a burst of N concurrent cold cards on a fresh Standard bucket',
      conditions: r.burstConditions,
      headers: [
        'card',
        'code',
        'N',
        'served',
        'THROTTLED to clients',
        'other errors',
        'Shopify pts available at client THROTTLED',
        'simulator THROTTLED',
        'Shopify req.',
        'p50 ms',
        'p99 ms',
        'last card ms',
      ],
      rows: r.burst.map((x) => [
        x.selection === 'full' ? 'full' : "agent's",
        label(x.code),
        x.n,
        x.served,
        x.throttledToClients,
        x.otherErrors,
        x.shopifyAvailableAtThrottled ? `${x.shopifyAvailableAtThrottled.min}–${x.shopifyAvailableAtThrottled.max}` : null,
        x.shopifyThrottled,
        x.shopifyRequests,
        x.latencyMs.p50,
        x.latencyMs.p99,
        x.lastCardMs,
      ]),
    });
  }
  if (r.desk.length > 0) {
    out.push({
      title: '7b. Budget use (issue 14): a support desk on a Standard store, webhooks flowing',
      conditions: r.deskConditions,
      headers: [
        'subgraph',
        'views/s',
        '× uncached limit',
        'uncached limit/s (card act./req. pts)',
        'THROTTLED to clients',
        'other errors',
        'simulator THROTTLED',
        'pts/view act./req.',
        'budget capacity views/s (est.)',
        'cache hit rate',
        'p50/p99 ms',
        'staleness p50/max ms',
        'changes (unseen)',
        'webhooks',
      ],
      rows: r.desk.map((x) =>
        x.error
          ? [label(x.code), `ERROR: ${x.error.slice(0, 160)}`, null, null, null, null, null, null, null, null, null, null, null, x.webhooks]
          : [
              label(x.code),
              x.servedPerS,
              x.timesUncachedLimit,
              x.uncachedCard ? `${x.uncachedLimitPerS} (${x.uncachedCard.actual}/${x.uncachedCard.requested})` : null,
              x.throttledToClients,
              x.otherErrors,
              x.shopify?.throttled,
              x.shopify ? `${x.shopify.actualPerView}/${x.shopify.requestedPerView}` : null,
              x.budgetCapacityPerS,
              x.hitRate === null || x.hitRate === undefined ? null : `${Math.round(x.hitRate * 100)}%`,
              x.latencyMs ? `${x.latencyMs.p50}/${x.latencyMs.p99}` : null,
              x.staleness ? `${x.staleness.p50 ?? '–'}/${x.staleness.max ?? '–'}` : null,
              x.changes
                ? `${x.changes.length} (${x.staleness?.unseen ?? 0}${x.changeFailures ? `; ${x.changeFailures} failed` : ''})`
                : null,
              x.webhooks,
            ],
      ),
    });
  }
  if (r.cardCost.length > 0) {
    out.push({
      title: '7c. Budget use (issue 14): requested vs actual Shopify points per cold card, by the customer’s orders',
      conditions: r.cardCostConditions,
      headers: [
        'call',
        'card',
        'orders',
        'code',
        'cards',
        'requests per card',
        'requested pts per card',
        'actual pts per card',
        'simulator THROTTLED',
        'errors',
      ],
      rows: r.cardCost.map((x) => [
        x.call === 'batch' ? `${x.cards} in one` : 'one',
        x.selection === 'full' ? 'full' : "agent's",
        ORDER_CLASS_LABELS[x.orderClass] ?? x.orderClass,
        label(x.code),
        x.cards,
        x.requests,
        x.requestedCost,
        x.actualCost,
        x.throttled,
        x.errors,
      ]),
    });
  }
  return out;
}

/** Key figures by row id, for comparing runs. */
export function budgetUseKeyFigures(r: BudgetUseResult | null | undefined): Array<[string, Record<string, number | null>]> {
  if (!r) return [];
  return [
    ...r.burst.map((x): [string, Record<string, number | null>] => [
      x.id,
      { throttledToClients: x.throttledToClients, p50Ms: x.latencyMs.p50, p99Ms: x.latencyMs.p99, lastCardMs: x.lastCardMs },
    ]),
    ...r.desk.map((x): [string, Record<string, number | null>] => [
      x.id,
      { viewsPerS: x.servedPerS ?? null, throttledToClients: x.throttledToClients ?? null, stalenessMaxMs: x.staleness?.max ?? null },
    ]),
    ...r.cardCost.map((x): [string, Record<string, number | null>] => [
      x.id,
      { requests: x.requests, requestedCost: x.requestedCost, actualCost: x.actualCost },
    ]),
  ];
}
