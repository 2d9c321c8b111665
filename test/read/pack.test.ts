import { describe, expect, it } from 'vitest';
import { costOf } from '../../src/shopify/document-cost.js';
import { packByCost } from '../../src/shopify/pack.js';
import { PROFILE_CUSTOMERS } from '../../src/shopify/operations.js';

const additive = (g: readonly number[]) => g.reduce((a, b) => a + b, 0);

describe('packing lookups under the 1000-point limit', () => {
  it('first-fit decreasing: big items first, small ones fill the gaps', () => {
    const { groups, oversized } = packByCost([300, 700, 200, 600, 400, 800], additive);
    expect(groups.map((g) => g.items)).toEqual([
      [800, 200],
      [700, 300],
      [600, 400],
    ]);
    expect(groups.map((g) => g.cost)).toEqual([1000, 1000, 1000]);
    expect(oversized).toEqual([]);
  });

  it('never builds a request over the limit; an item too big alone is reported, not sent', () => {
    const { groups, oversized } = packByCost([1200, 10, 995], additive);
    expect(oversized).toEqual([1200]);
    expect(groups.map((g) => g.items)).toEqual([[995], [10]]);
  });

  it("honours a non-additive request cost (a connection's base of 2 is paid once per request)", () => {
    const connection = (g: readonly number[]) => 2 + additive(g);
    expect(packByCost([499, 499, 499], connection).groups.map((g) => g.items)).toEqual([[499, 499], [499]]);
  });

  it('packs a run of same-shaped items with a few pricings per request, not one per item and request', () => {
    // 500 profiles of one shape (issue 10: a 1000-representation request is two batches of 500).
    let priced = 0;
    const connection = (g: readonly number[]) => {
      priced += g.length;
      return 2 + additive(g);
    };
    const { groups } = packByCost(
      Array.from({ length: 500 }, () => 4),
      connection,
    );
    expect(groups.map((g) => [g.items.length, g.cost])).toEqual([
      [249, 998],
      [249, 998],
      [2, 10],
    ]);
    // Item by item this priced ~94 000 items (each new item against every full request); now 500 alone + bisection.
    expect(priced).toBeLessThan(5_000);
  });

  it("prices our batch document by Shopify's rules: 4 points per linked customer card, 6 for one matched by email", () => {
    const vars = (ids: number, emails: number) => ({
      ids: Array.from({ length: ids }, (_, i) => `gid://shopify/Customer/${i + 1}`),
      byId: ids > 0,
      emailQuery: 'email:"a@b.co"',
      emailCount: Math.max(1, emails),
      byEmail: emails > 0,
      withOrders: false,
      ordersFirst: 1,
      withLineItems: false,
      lineItemsFirst: 5,
      withProductIds: false,
      withTracking: false,
      withLocation: false,
    });
    // nodes(ids): ids × (Customer 1 + defaultEmailAddress 1 + defaultPhoneNumber 1 + amountSpent 1)
    expect(costOf(PROFILE_CUSTOMERS, vars(1, 0))).toBe(4);
    expect(costOf(PROFILE_CUSTOMERS, vars(25, 0))).toBe(100);
    // customers(first: n) connection: 2 + n × 4
    expect(costOf(PROFILE_CUSTOMERS, vars(0, 1))).toBe(6);
    expect(costOf(PROFILE_CUSTOMERS, vars(10, 10))).toBe(40 + 42);
  });
});
