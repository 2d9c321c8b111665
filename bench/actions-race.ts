/**
 * Section 8c: the approval race. A refund held for approval, then K approvers (distinct agents, each with its own
 * idempotency key) approving it at the same moment, repeated on fresh orders. The figures say how many refunds the
 * store really made each time (the simulator's order, the oracle), who won, what the others were told, and how long
 * a loser waited. Printed, never asserted: exactly one refund per request is what test/actions asserts.
 */
import { ACTIONS } from './actions-kinds.js';
import { measured, mutate, mutationsIn, newKey, type BenchAgents, type SimOrder } from './actions-setup.js';
import { control } from './stores-setup.js';

export interface RaceRow {
  id: string;
  simulatorLatencyMs: number;
  /** approvers pressing at once */
  approvers: number;
  repetitions: number;
  /** refunds the order had after each repetition (each order had none before) */
  refundsMade: number[];
  /** Shopify requests (queries and mutations) and mutations sent during each repetition's approvals */
  requests: number[];
  mutations: number[];
  /** answers with the refund, per repetition */
  winners: number[];
  /** answers refused REQUEST_NOT_PENDING, in all */
  notPending: number;
  /** any other answer, by its code, in all */
  other: Record<string, number>;
  loserP50Ms: number | null;
  winnerP50Ms: number | null;
  errors: string[];
}

/** Where the race runs: the subgraph, its router secret, the simulator, the agents, Shopify's mutation names. */
export interface RaceContext {
  url: string;
  routerSecret: string;
  simUrl: string;
  agents: BenchAgents;
  mutationNames: ReadonlySet<string>;
}

const HELD = ACTIONS.find((a) => a.id === 'refund-held')!;
const APPROVE = ACTIONS.find((a) => a.id === 'approve')!;

export const p50 = (values: readonly number[]): number | null => percentile(values, 50);

/** The p-th percentile (nearest rank, rounded to 0.1 ms); null when there are no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
}

/** K approvers at once on one fresh held request per repetition; `orders`: one refundable order per repetition. */
export async function raceRow(ctx: RaceContext, k: number, orders: readonly SimOrder[], latencyMs: number): Promise<RaceRow> {
  if (ctx.agents.approvers.length < k) throw new Error(`${k} approvers wanted, ${ctx.agents.approvers.length} signed`);
  const row: RaceRow = {
    id: `actions/race/latency=${latencyMs}ms/K=${k}`,
    simulatorLatencyMs: latencyMs,
    approvers: k,
    repetitions: orders.length,
    refundsMade: [],
    requests: [],
    mutations: [],
    winners: [],
    notPending: 0,
    other: {},
    loserP50Ms: null,
    winnerP50Ms: null,
    errors: [],
  };
  const loserMs: number[] = [];
  const winnerMs: number[] = [];
  for (const order of orders) {
    const held = await mutate(ctx.url, ctx.routerSecret, ctx.agents.requester, HELD, {
      ...HELD.input({ order }),
      idempotencyKey: newKey(),
    });
    const requestId: string | undefined = held.payload?.refundRequest?.id;
    if (held.problem || !requestId) {
      row.errors.push(`held refund: ${held.problem ?? 'no request'}`);
      continue;
    }
    const approve = (token: string) => mutate(ctx.url, ctx.routerSecret, token, APPROVE, { id: requestId, idempotencyKey: newKey() });
    const { value: answers, shopify } = await measured(ctx.simUrl, () => Promise.all(ctx.agents.approvers.slice(0, k).map(approve)));
    const after = (await control(ctx.simUrl, `orders/${encodeURIComponent(order.id)}`)) as SimOrder;
    row.refundsMade.push(after.refunds.length);
    row.requests.push(shopify.requests);
    row.mutations.push(mutationsIn(shopify, ctx.mutationNames));
    let winners = 0;
    for (const a of answers) {
      const codes: string[] = (a.payload?.userErrors ?? []).map((e: { code: string }) => e.code);
      if (!a.problem && a.payload?.refund?.id) {
        winners++;
        winnerMs.push(a.ms);
        continue;
      }
      loserMs.push(a.ms);
      if (codes.includes('REQUEST_NOT_PENDING')) row.notPending++;
      else {
        const code = codes[0] ?? a.problem?.split(':')[0] ?? 'NO_REFUND';
        row.other[code] = (row.other[code] ?? 0) + 1;
      }
    }
    row.winners.push(winners);
  }
  row.loserP50Ms = p50(loserMs);
  row.winnerP50Ms = p50(winnerMs);
  return row;
}
