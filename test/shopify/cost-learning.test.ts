/**
 * The per-store requested-cost estimate (src/shopify/cost-learning.ts): the linear model until Shopify has answered,
 * then the reported cost for a shape it priced and the linear cost at the learned rate for any other; a rise is
 * believed at once, a fall after RATE_WINDOW answers; memory is bounded per document.
 */
import { describe, expect, it } from 'vitest';
import { CostEstimator, MAX_LEARNED_SHAPES, RATE_WINDOW } from '../../src/shopify/cost-learning.js';
import { costOf } from '../../src/shopify/document-cost.js';
import { CUSTOMER_BY_ID, CUSTOMER_SEARCH } from '../../src/shopify/operations.js';

// customers(first: n) { nodes { ...CustomerCard } }: 2 + n × 4 by the published rules.
const search = (first: number, query = 'email:someone@example.com') => ({ query, first });
const linear = (first: number) => costOf(CUSTOMER_SEARCH, search(first));

describe('CostEstimator', () => {
  it('is the linear model before any answer', () => {
    const e = new CostEstimator();
    expect(linear(10)).toBe(42);
    expect(e.estimate(CUSTOMER_SEARCH, search(10))).toBe(42);
    expect(e.estimate(CUSTOMER_BY_ID, { id: 'gid://shopify/Customer/1' })).toBe(costOf(CUSTOMER_BY_ID, { id: '' }));
  });

  it("is exactly what Shopify charged for a shape it priced, whatever the strings (the cost shape's key)", () => {
    const e = new CostEstimator();
    e.observe(CUSTOMER_SEARCH, search(10), 11);
    expect(e.estimate(CUSTOMER_SEARCH, search(10, 'email:other@example.com'))).toBe(11);
    // Another document is not affected.
    expect(e.estimate(CUSTOMER_BY_ID, { id: '' })).toBe(costOf(CUSTOMER_BY_ID, { id: '' }));
  });

  it('prices an unseen shape at the linear cost × the rate learned, rounded up, with one point of rounding slack', () => {
    const e = new CostEstimator();
    e.observe(CUSTOMER_SEARCH, search(50), 51); // linear 202: a quarter, rounded
    expect(linear(100)).toBe(402);
    // (51 + 1) / 202 × 402 = 103.5 → 104: at least the quarter (100.5), never below what a rounded rate could charge.
    expect(e.estimate(CUSTOMER_SEARCH, search(100))).toBe(104);
    expect(e.estimate(CUSTOMER_SEARCH, search(50))).toBe(51);
  });

  it('keeps the linear model exactly when Shopify agrees with it (no slack added)', () => {
    const e = new CostEstimator();
    e.observe(CUSTOMER_SEARCH, search(1), linear(1));
    e.observe(CUSTOMER_SEARCH, search(3), linear(3));
    expect(e.estimate(CUSTOMER_SEARCH, search(240))).toBe(linear(240));
  });

  it('believes a rise at once: the next unseen shape is priced at the higher rate', () => {
    const e = new CostEstimator();
    for (const first of [10, 20, 30]) e.observe(CUSTOMER_SEARCH, search(first), Math.round(linear(first) / 4));
    expect(e.estimate(CUSTOMER_SEARCH, search(100))).toBeLessThan(linear(100) / 3);
    e.observe(CUSTOMER_SEARCH, search(40), Math.round(linear(40) * 2.5)); // 162 → 405
    // (405 + 1) / 162 × 402 = 1007.5 → 1008: over Shopify's 1000, so a packer splits it.
    expect(e.estimate(CUSTOMER_SEARCH, search(100))).toBe(1008);
  });

  it(`believes a fall after ${RATE_WINDOW} answers at the lower rate, not before (a shape it priced, at once)`, () => {
    const e = new CostEstimator();
    e.observe(CUSTOMER_SEARCH, search(40), 405); // 2.5 × 162
    const high = e.estimate(CUSTOMER_SEARCH, search(100));
    expect(high).toBe(1008);
    const fall = [11, 21, 31, 41];
    fall.forEach((first, i) => {
      e.observe(CUSTOMER_SEARCH, search(first), Math.round(linear(first) / 4));
      if (i < RATE_WINDOW - 1) expect(e.estimate(CUSTOMER_SEARCH, search(100))).toBe(high);
    });
    // The highest rate of the last four is the smallest shape's, (12 + 1) / 46 for first 11 (46 / 4 = 11.5 → 12):
    // 402 × 13 / 46 = 113.6 → 114, a little over the true quarter (100.5), far under 1008.
    expect(e.estimate(CUSTOMER_SEARCH, search(100))).toBe(114);
    // A shape Shopify priced follows its latest answer either way.
    e.observe(CUSTOMER_SEARCH, search(40), 41);
    expect(e.estimate(CUSTOMER_SEARCH, search(40))).toBe(41);
    e.observe(CUSTOMER_SEARCH, search(40), 405);
    expect(e.estimate(CUSTOMER_SEARCH, search(40))).toBe(405);
  });

  it(`remembers at most ${MAX_LEARNED_SHAPES} shapes per document, forgetting the least recently answered`, () => {
    const e = new CostEstimator();
    for (let first = 1; first <= 200; first++) e.observe(CUSTOMER_SEARCH, search(first), first);
    expect(e.shapesKnown(CUSTOMER_SEARCH)).toBe(MAX_LEARNED_SHAPES);
    expect(e.estimate(CUSTOMER_SEARCH, search(200))).toBe(200);
    // first: 1 was forgotten: priced at the rate instead, the highest of the last answers, (197 + 1) / 790.
    expect(e.estimate(CUSTOMER_SEARCH, search(1))).toBe(Math.ceil((6 * 198) / 790));
  });

  it('ignores an answer to a document the cost model cannot price, and nonsense costs', () => {
    const e = new CostEstimator();
    expect(() => e.observe('query Other { shop { name } }', {}, 1)).not.toThrow();
    e.observe(CUSTOMER_SEARCH, search(10), Number.NaN);
    e.observe(CUSTOMER_SEARCH, search(10), -1);
    expect(e.shapesKnown(CUSTOMER_SEARCH)).toBe(0);
    expect(e.estimate(CUSTOMER_SEARCH, search(10))).toBe(42);
  });

  it('learns per estimator: one store teaches nothing to another', () => {
    const a = new CostEstimator();
    const b = new CostEstimator();
    a.observe(CUSTOMER_SEARCH, search(10), 11);
    expect(a.estimate(CUSTOMER_SEARCH, search(10))).toBe(11);
    expect(b.estimate(CUSTOMER_SEARCH, search(10))).toBe(42);
  });
});
