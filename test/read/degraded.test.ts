/** When Shopify fails, only the Shopify fields of the affected profiles go null, with a code; the rest answers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';

const VIEW = `query($ids: [ID!]!) { profiles(ids: $ids) { id name shopifyCustomer { id } orders(limit: 2) { id } } }`;

let h: SupergraphHarness;
beforeAll(async () => {
  h = await startSupergraph({
    // Short waits so the failure paths finish quickly.
    env: { SHOPIFY_MAX_WAIT_MS: '300', SHOPIFY_TIMEOUT_MS: '500' },
    profiles: (all) =>
      all
        .filter((c) => c.email)
        .slice(0, 3)
        .map((c, i) => ({ id: `p${i}`, name: `Name ${i}`, emails: [c.email!] })),
  });
});
afterAll(async () => h?.close());

function expectDegraded(res: { body: any }, code: string) {
  expect(res.body.data.profiles.map((p: any) => p)).toEqual([
    { id: 'p0', name: 'Name 0', shopifyCustomer: null, orders: null },
    { id: 'p1', name: 'Name 1', shopifyCustomer: null, orders: null },
  ]);
  expect(res.body.errors.length).toBeGreaterThan(0);
  for (const e of res.body.errors) expect(e.extensions.code).toBe(code);
}

describe('Shopify failures', () => {
  it('Shopify down (HTTP 503 on every try) → SHOPIFY_UNAVAILABLE, profile fields present', async () => {
    await h.sim('reset', {});
    await h.sim('faults', { failNext: { count: 100, status: 503 } });
    expectDegraded(await h.query(VIEW, { ids: ['p0', 'p1'] }), 'SHOPIFY_UNAVAILABLE');
  });

  it('budget exhausted beyond the wait limit → SHOPIFY_THROTTLED, profile fields present', async () => {
    await h.sim('reset', {});
    // A bucket that restores 1 point a second can never hold the card's cost within 300 ms.
    await h.sim('throttle', { maximumAvailable: 5, restoreRate: 1 });
    expectDegraded(await h.query(VIEW, { ids: ['p0', 'p1'] }), 'SHOPIFY_THROTTLED');
  });

  it('recovers: the next request after the fault is served normally', async () => {
    await h.sim('reset', {});
    const res = await h.query(VIEW, { ids: ['p0', 'p1'] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.profiles.every((p: any) => p.shopifyCustomer?.id)).toBe(true);
  });
});
