import { parse, type DocumentNode } from 'graphql';
import { MAX_QUERY_COST, requestedCost } from './cost.js';
import { loadAdminSchema } from './schema.js';

const parsed = new Map<string, { doc: DocumentNode; costs: Map<string, number> }>();
/** Distinct variable shapes remembered per document; packing a batch asks for a few dozen. */
const MAX_SHAPES = 5_000;

/**
 * The variables as far as cost is concerned: Shopify's rules read list sizes (`ids`, `first`) and booleans
 * (@include), never the text of a string, so `["gid…", "gid…"]` and `"email:…"` reduce to `2` and `""`.
 */
function costShape(variables: Record<string, unknown>): string {
  return JSON.stringify(variables, (_key, value) => (Array.isArray(value) ? value.length : typeof value === 'string' ? '' : value));
}

/**
 * Requested cost of one of our documents with these variables, by Shopify's rules. Documents are parsed once and
 * costs remembered by variable shape: packing tries thousands of candidate groups per large batch, and walking the
 * document against the 3,500-type Admin schema each time made packing most of the subgraph's own latency.
 */
export function costOf(document: string, variables: Record<string, unknown>): number {
  let entry = parsed.get(document);
  if (!entry) {
    entry = { doc: parse(document), costs: new Map() };
    parsed.set(document, entry);
  }
  const shape = costShape(variables);
  let cost = entry.costs.get(shape);
  if (cost === undefined) {
    cost = requestedCost(loadAdminSchema(), entry.doc, { variables }).total;
    if (entry.costs.size >= MAX_SHAPES) entry.costs.clear();
    entry.costs.set(shape, cost);
  }
  return cost;
}

/**
 * Packs items into as few requests as fit under Shopify's per-query limit: first-fit decreasing (the most expensive
 * item first, each into the first request it still fits in), which is within 11/9 of the optimum and usually equal
 * to it. `costOfGroup` must be the exact requested cost of a request made of that group (it need not be additive:
 * a connection's base cost is paid once per request). An item that does not fit even alone is reported in
 * `oversized` rather than sent, because Shopify would refuse it (MAX_COST_EXCEEDED).
 *
 * A request that already refused an item is not offered another item that costs as much alone: in our batches
 * such items are the same shape (one email, one linked id), so it would refuse that one too. Without this, packing
 * 500 same-shaped targets priced every one against every earlier request (~60 000 pricings, a third of a second
 * of blocked event loop); with it each request is priced about once per item it takes. Skipping only ever costs
 * packing quality, never correctness: every group placed is still priced exactly.
 */
export function packByCost<T>(
  items: readonly T[],
  costOfGroup: (group: readonly T[]) => number,
  limit: number = MAX_QUERY_COST,
  maxItems = 250,
): { groups: Array<{ items: T[]; cost: number }>; oversized: T[] } {
  /** refused: the alone cost of the last item this group refused (items come in decreasing alone cost) */
  const groups: Array<{ items: T[]; cost: number; refused: number }> = [];
  const oversized: T[] = [];
  const bySize = items.map((item) => ({ item, alone: costOfGroup([item]) })).sort((a, b) => b.alone - a.alone);
  for (const { item, alone } of bySize) {
    if (alone > limit) {
      oversized.push(item);
      continue;
    }
    let placed = false;
    for (const group of groups) {
      if (group.items.length >= maxItems || group.refused === alone) continue;
      const cost = costOfGroup([...group.items, item]);
      if (cost <= limit) {
        group.items.push(item);
        group.cost = cost;
        placed = true;
        break;
      }
      group.refused = alone;
    }
    if (!placed) groups.push({ items: [item], cost: alone, refused: Infinity });
  }
  return { groups: groups.map(({ items: groupItems, cost }) => ({ items: groupItems, cost })), oversized };
}
