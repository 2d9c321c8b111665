import { MAX_QUERY_COST } from './cost.js';

/**
 * Packs items into as few requests as fit under Shopify's per-query limit: first-fit decreasing (the most expensive
 * item first, each into the first request it still fits in), which is within 11/9 of the optimum and usually equal
 * to it. `costOfGroup` must be the exact requested cost of a request made of that group (it need not be additive:
 * a connection's base cost is paid once per request). An item that does not fit even alone is reported in
 * `oversized` rather than sent, because Shopify would refuse it (MAX_COST_EXCEEDED).
 *
 * Items that cost the same alone are, in our batches, the same shape (a profile with n emails, a linked id, an
 * email), so they are packed as a run: each earlier request takes them until it refuses one, and the rest fill new
 * requests found by bisection on how many fit. Item by item, packing 500 same-shaped targets priced each against
 * every request so far (~60 000 pricings, a third of a second of blocked event loop); as runs it is a few pricings
 * per request. If two such items were not interchangeable, packing would only be less tight: every request is
 * still priced exactly, never over the limit. `costOfGroup` must not keep the array it is given: a request's items
 * are priced in place, with the candidate appended.
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
  for (let start = 0; start < bySize.length;) {
    const alone = bySize[start]!.alone;
    let end = start;
    while (end < bySize.length && bySize[end]!.alone === alone) end++;
    const run = bySize.slice(start, end).map((x) => x.item);
    start = end;
    if (alone > limit) {
      oversized.push(...run);
      continue;
    }
    let next = 0;
    for (const group of groups) {
      while (next < run.length && group.items.length < maxItems) {
        // Tried in place rather than on a copy: a large batch tries hundreds of candidates per request.
        group.items.push(run[next]!);
        const cost = costOfGroup(group.items);
        if (cost > limit) {
          group.items.pop();
          break;
        }
        next++;
        group.cost = cost;
      }
      if (next === run.length) break;
    }
    while (next < run.length) {
      // `fits` items are known to fit at `cost`; bisect for the most that do.
      let fits = 1;
      let cost = alone;
      let high = Math.min(maxItems, run.length - next);
      while (fits < high) {
        const mid = Math.ceil((fits + high) / 2);
        const midCost = costOfGroup(run.slice(next, next + mid));
        if (midCost <= limit) {
          fits = mid;
          cost = midCost;
        } else high = mid - 1;
      }
      groups.push({ items: run.slice(next, next + fits), cost });
      next += fits;
    }
  }
  return { groups, oversized };
}
