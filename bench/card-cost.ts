/**
 * Section 7c: requested vs actual Shopify points of one cold single-profile card, by how many orders the customer
 * has (0, 1–9, ≥ 10), this tree vs the baseline. Cards are opened one at a time on a subgraph just started (each
 * customer once, so every card is cold), and the simulator's stats before and after each card say what it asked:
 * requests, requested points (the sum over the card's requests) and actual points. The store is on the Standard plan
 * and at rest before each card (its bucket full again), so every card meets the same store.
 */
import type { SimCustomer } from '../dev/profiles-subgraph.js';
import { minus } from './stores-setup.js';
import { entitiesQuery } from './queries.js';
import {
  control,
  customersOf,
  entitiesCard,
  round1,
  routerHeaders,
  startTarget,
  statsOf,
  waitFullBucket,
  type Code,
  type SimProcess,
  type TargetContext,
} from './budget-use-setup.js';

export type OrderClass = '0' | '1-9' | '>=10';
/** The agent's card (bench/load.ts's, as section 3 and 7a/7b open it) and the full card (bench/queries.ts's, section 1's). */
export type CardSelection = 'agent' | 'full';
export const CARD_SELECTIONS: Record<CardSelection, { label: string; query: string | undefined }> = {
  agent: { label: "agent's card: customer + orders(limit: 5) with products (bench/load.ts)", query: undefined },
  full: { label: 'full card: link, customer, orders(limit: 10) all fields, products (bench/queries.ts)', query: entitiesQuery('card') },
};
export const ORDER_CLASSES: readonly OrderClass[] = ['0', '1-9', '>=10'];

export interface CardCostRow {
  id: string;
  orderClass: OrderClass;
  selection: CardSelection;
  /** one card per call, or the class's cards in one call */
  call: 'one' | 'batch';
  code: Code;
  /** customers measured */
  cards: number;
  /** per card, averaged over the class */
  requests: number;
  requestedCost: number;
  actualCost: number;
  /** THROTTLED answers the simulator gave during the class's cards */
  throttled: number;
  /** cards that came back with an error or the wrong customer */
  errors: number;
}

const classOf = (orders: number): OrderClass => (orders === 0 ? '0' : orders < 10 ? '1-9' : '>=10');

/** The first `perClass` customers with an email of each class, in the seed's order. */
export function classCustomers(all: readonly SimCustomer[], perClass: number): Map<OrderClass, SimCustomer[]> {
  const out = new Map<OrderClass, SimCustomer[]>(ORDER_CLASSES.map((c) => [c, []]));
  for (const c of all) {
    if (!c.email) continue;
    const list = out.get(classOf(c.numberOfOrders))!;
    if (list.length < perClass) list.push(c);
  }
  return out;
}

/** The rows of one code: a fresh subgraph, a warm-up card (not counted), then every class's customers one by one. */
export async function cardCostRows(code: Code, sim: SimProcess, ctx: TargetContext, perClass: number): Promise<CardCostRow[]> {
  await control(sim.url, 'reset', {});
  const all = await customersOf(sim);
  const byClass = classCustomers(all, perClass);
  const used = new Set([...byClass.values()].flat().map((c) => c.id));
  const warmUp = all.find((c) => c.email && c.numberOfOrders > 0 && !used.has(c.id));
  const target = await startTarget(code, sim, ctx, { cacheTtlS: 0 });
  const headers = routerHeaders(ctx.auth);
  try {
    // A fresh subgraph's first request to a store may be special (it learns the bucket): not counted.
    if (warmUp) await entitiesCard(target.url, headers, [{ id: 'warm-up', emails: [warmUp.email!] }], CARD_SELECTIONS.full.query);
    const rows: CardCostRow[] = [];
    for (const call of ['one', 'batch'] as const) {
      for (const selection of Object.keys(CARD_SELECTIONS) as CardSelection[]) {
        for (const orderClass of ORDER_CLASSES) {
          const customers = byClass.get(orderClass)!;
          rows.push(await classRow({ code, selection, orderClass, call }, customers, target.url, headers, sim));
        }
      }
    }
    return rows;
  } finally {
    await target.stop();
  }
}

/**
 * One class's cards, each measured by the simulator's stats before and after: one card per call (one at a time), or
 * the whole class in one call (a router asking for a list of profiles), its figures divided by the cards.
 */
async function classRow(
  row: { code: Code; selection: CardSelection; orderClass: OrderClass; call: 'one' | 'batch' },
  customers: readonly SimCustomer[],
  url: string,
  headers: Record<string, string>,
  sim: SimProcess,
): Promise<CardCostRow> {
  const { code, selection, orderClass, call } = row;
  const profiles = customers.map((c, i) => ({ id: `cost-${selection}-${orderClass}-${i}`, emails: [c.email!] }));
  const calls = call === 'one' ? profiles.map((p) => [p]) : [profiles];
  const total = { requests: 0, requestedCost: 0, actualCost: 0, throttled: 0 };
  let errors = 0;
  for (const batch of calls) {
    // A store at rest: its Standard bucket full, as after a quiet moment at the desk.
    await waitFullBucket(sim.url);
    const before = await statsOf(sim.url);
    const answer = await entitiesCard(url, headers, batch, CARD_SELECTIONS[selection].query);
    const d = minus(await statsOf(sim.url), before);
    total.requests += d.requests;
    total.requestedCost += d.requestedCost;
    total.actualCost += d.actualCost;
    total.throttled += d.throttled;
    const ids = customers.filter((_, i) => batch.some((p) => p.id === profiles[i]!.id)).map((c) => c.id);
    if (answer.codes.length > 0) errors += batch.length;
    else errors += ids.filter((id, i) => answer.entities?.[i]?.shopifyCustomer?.id !== id).length;
  }
  const n = Math.max(1, customers.length);
  return {
    id: `budget-use/card-cost/${call}/${selection}/${orderClass}/${code}`,
    orderClass,
    selection,
    call,
    code,
    cards: customers.length,
    requests: round1(total.requests / n),
    requestedCost: round1(total.requestedCost / n),
    actualCost: round1(total.actualCost / n),
    throttled: total.throttled,
    errors,
  };
}
