import { parse, type DocumentNode } from 'graphql';
import { MAX_QUERY_COST, requestedCost } from './cost.js';
import { loadAdminSchema } from './schema.js';

const parsed = new Map<string, DocumentNode>();

/** Requested cost of one of our documents with these variables, by Shopify's rules (documents parsed once). */
export function costOf(document: string, variables: Record<string, unknown>): number {
  let doc = parsed.get(document);
  if (!doc) {
    doc = parse(document);
    parsed.set(document, doc);
  }
  return requestedCost(loadAdminSchema(), doc, { variables }).total;
}

/**
 * Packs items into as few requests as fit under Shopify's per-query limit: first-fit decreasing (the most expensive
 * item first, each into the first request it still fits in), which is within 11/9 of the optimum and usually equal
 * to it. `costOfGroup` must be the exact requested cost of a request made of that group (it need not be additive:
 * a connection's base cost is paid once per request). An item that does not fit even alone is reported in
 * `oversized` rather than sent, because Shopify would refuse it (MAX_COST_EXCEEDED).
 */
export function packByCost<T>(
  items: readonly T[],
  costOfGroup: (group: readonly T[]) => number,
  limit: number = MAX_QUERY_COST,
  maxItems = 250,
): { groups: Array<{ items: T[]; cost: number }>; oversized: T[] } {
  const groups: Array<{ items: T[]; cost: number }> = [];
  const oversized: T[] = [];
  const bySize = items.map((item) => ({ item, alone: costOfGroup([item]) })).sort((a, b) => b.alone - a.alone);
  for (const { item, alone } of bySize) {
    if (alone > limit) {
      oversized.push(item);
      continue;
    }
    let placed = false;
    for (const group of groups) {
      if (group.items.length >= maxItems) continue;
      const cost = costOfGroup([...group.items, item]);
      if (cost <= limit) {
        group.items.push(item);
        group.cost = cost;
        placed = true;
        break;
      }
    }
    if (!placed) groups.push({ items: [item], cost: alone });
  }
  return { groups, oversized };
}
