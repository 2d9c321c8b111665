/** Section 8's tables and key figures for bench/report.ts (kept apart so report.ts stays one screenful per job). */
import type { ActionsResult } from './actions.js';
import type { ReportSection } from './budget-use-report.js';

/** "Op 1 · Other 2" (per call), or 0 when there were none. */
function operations(byOp: Record<string, number>): string | number {
  const entries = Object.entries(byOp).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 0 : entries.map(([op, n]) => `${op} ${n}`).join(' · ');
}

/** The same count every time ("1 ×10"), or each one. */
function each(values: readonly number[] | undefined): string {
  if (!values || values.length === 0) return '–';
  return values.every((v) => v === values[0]) ? `${values[0]} ×${values.length}` : values.join(', ');
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Section 8's tables: Shopify requests and points per action, latency, the approval race. */
export function actionsSections(r: ActionsResult): ReportSection[] {
  const out: ReportSection[] = [];
  if (r.counts.length > 0) {
    out.push({
      title: '8a. Agent actions (issue 15): Shopify requests and points per action, and per replay',
      conditions: r.conditions,
      headers: [
        'action',
        'calls',
        'Shopify req./call',
        'queries/call',
        'mutations/call',
        'req. pts/call',
        'act. pts/call',
        'replay req./call (by operation)',
        'replay mutations (all)',
        'errors',
      ],
      rows: r.counts.map((x) => [
        x.label,
        x.calls,
        x.requests,
        operations(x.queries),
        operations(x.mutations),
        x.requestedCost,
        x.actualCost,
        x.replay.requests === 0 ? 0 : `${x.replay.requests} (${operations(x.replay.operations)})`,
        x.replay.mutations,
        x.errors.length === 0 ? 0 : x.errors.join('; '),
      ]),
    });
  }
  if (r.latency.length > 0) {
    out.push({
      title: '8b. Agent actions (issue 15): latency per action over HTTP, first call and replay',
      conditions: r.latencyConditions,
      headers: ['action', 'sim. latency', 'calls', 'Shopify req./call', 'p50 ms', 'p95 ms', 'replay p50 ms', 'replay p95 ms', 'errors'],
      rows: r.latency.map((x) => [
        x.label,
        `${x.simulatorLatencyMs} ms`,
        x.calls,
        x.requests,
        x.p50Ms,
        x.p95Ms,
        x.replayP50Ms,
        x.replayP95Ms,
        x.errors,
      ]),
    });
  }
  if (r.race.length > 0) {
    out.push({
      title: '8c. Agent actions (issue 15): K approvers approving one refund request at once',
      conditions: r.raceConditions,
      headers: [
        'sim. latency',
        'K',
        'repetitions',
        'refunds made',
        'Shopify req.',
        'Shopify mutations',
        'winners',
        'REQUEST_NOT_PENDING',
        'other answers',
        'loser p50 ms',
        'winner p50 ms',
        'errors',
      ],
      rows: r.race.map((x) => [
        `${x.simulatorLatencyMs} ms`,
        x.approvers,
        x.repetitions,
        each(x.refundsMade),
        each(x.requests),
        each(x.mutations),
        each(x.winners),
        x.notPending,
        Object.keys(x.other).length === 0
          ? 0
          : Object.entries(x.other)
              .map(([code, n]) => `${code} ${n}`)
              .join(', '),
        x.loserP50Ms,
        x.winnerP50Ms,
        x.errors.length === 0 ? 0 : x.errors.join('; '),
      ]),
    });
  }
  return out;
}

/** Key figures by row id, for comparing runs. */
export function actionsKeyFigures(r: ActionsResult | null | undefined): Array<[string, Record<string, number | null>]> {
  if (!r) return [];
  return [
    ...r.counts.map((x): [string, Record<string, number | null>] => [
      x.id,
      { requests: x.requests, requestedCost: x.requestedCost, actualCost: x.actualCost, replayRequests: x.replay.requests },
    ]),
    ...r.latency.map((x): [string, Record<string, number | null>] => [
      x.id,
      { p50Ms: x.p50Ms, p95Ms: x.p95Ms, replayP50Ms: x.replayP50Ms },
    ]),
    ...r.race.map((x): [string, Record<string, number | null>] => [
      x.id,
      { refundsMade: sum(x.refundsMade), notPending: x.notPending, loserP50Ms: x.loserP50Ms },
    ]),
  ];
}
