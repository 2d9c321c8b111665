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
 * Greedy packing of items into as few requests as fit under Shopify's per-query limit, keeping input order.
 * `costOfGroup` must be the exact requested cost of a request made of that group. An item that does not fit even
 * alone is reported in `oversized` rather than sent, because Shopify would refuse it (MAX_COST_EXCEEDED).
 */
export function packByCost<T>(
  items: readonly T[],
  costOfGroup: (group: readonly T[]) => number,
  limit: number = MAX_QUERY_COST,
  maxItems = 250,
): { groups: Array<{ items: T[]; cost: number }>; oversized: T[] } {
  const groups: Array<{ items: T[]; cost: number }> = [];
  const oversized: T[] = [];
  let current: T[] = [];
  let currentCost = 0;
  for (const item of items) {
    const candidate = [...current, item];
    const cost = costOfGroup(candidate);
    if (cost <= limit && candidate.length <= maxItems) {
      current = candidate;
      currentCost = cost;
      continue;
    }
    if (current.length > 0) groups.push({ items: current, cost: currentCost });
    const alone = costOfGroup([item]);
    if (alone > limit) {
      oversized.push(item);
      current = [];
      currentCost = 0;
    } else {
      current = [item];
      currentCost = alone;
    }
  }
  if (current.length > 0) groups.push({ items: current, cost: currentCost });
  return { groups, oversized };
}
