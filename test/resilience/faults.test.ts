/**
 * Every simulator fault, through the real supergraph: the answer comes within the wait budget, the profile's own
 * fields are intact, the Shopify fields are null with the right code, and the next normal request is served.
 * (Unhandled rejections fail a vitest run, so none happened either.) The cache is off so every view reaches Shopify,
 * and the breaker's threshold is out of reach (./breaker.test.ts tests it).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';

const TIMEOUT_MS = 800;
const MAX_WAIT_MS = 1500;
/** The bound a failing call must respect: the wait budget, one attempt's timeout, and slack for CI. */
const BOUND_MS = MAX_WAIT_MS + TIMEOUT_MS + 2000;

const VIEW = `query($ids: [ID!]!) { profiles(ids: $ids) { id name shopifyCustomer { id displayName } orders(limit: 2) { id } } }`;

let h: SupergraphHarness;
beforeAll(async () => {
  h = await startSupergraph({
    env: {
      SHOPIFY_TIMEOUT_MS: String(TIMEOUT_MS),
      SHOPIFY_MAX_WAIT_MS: String(MAX_WAIT_MS),
      SHOPIFY_CACHE_TTL_S: '0',
      SHOPIFY_BREAKER_THRESHOLD: '1000',
    },
    simulator: { customers: 40 },
    profiles: (all) =>
      all
        .filter((c) => c.email && c.numberOfOrders > 0)
        .slice(0, 2)
        .map((c, i) => ({ id: `p${i}`, name: `Name ${i}`, emails: [c.email!] })),
  });
});
afterAll(async () => h?.close());
beforeEach(async () => {
  await h.sim('reset', {});
});

async function view() {
  const t0 = performance.now();
  const res = await h.query(VIEW, { ids: ['p0', 'p1'] });
  return { ...res, ms: performance.now() - t0 };
}

async function expectServed() {
  const res = await view();
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!.profiles.map((p: any) => [p.id, p.name, p.shopifyCustomer?.id?.startsWith('gid://shopify/Customer/')])).toEqual([
    ['p0', 'Name 0', true],
    ['p1', 'Name 1', true],
  ]);
  return res;
}

async function expectDegraded(code: string) {
  const res = await view();
  expect(res.status).toBe(200);
  expect(res.body.data!.profiles).toEqual([
    { id: 'p0', name: 'Name 0', shopifyCustomer: null, orders: null },
    { id: 'p1', name: 'Name 1', shopifyCustomer: null, orders: null },
  ]);
  expect(res.body.errors!.length).toBeGreaterThan(0);
  expect(new Set(res.body.errors!.map((e: any) => e.extensions.code))).toEqual(new Set([code]));
  // No stack traces or internals in what the client sees.
  for (const e of res.body.errors!) expect(JSON.stringify(e)).not.toMatch(/stacktrace|\.ts:\d+|node_modules/i);
  expect(res.ms).toBeLessThan(BOUND_MS);
  // The process keeps serving.
  await h.sim('faults', {});
  await expectServed();
  return res;
}

describe('persistent faults: bounded, coded, other fields intact, then served again', () => {
  it('latency above the timeout → SHOPIFY_UNAVAILABLE', async () => {
    await h.sim('faults', { latencyMs: TIMEOUT_MS + 400 });
    await expectDegraded('SHOPIFY_UNAVAILABLE');
  });

  it('429 on every try, Retry-After 1 s → SHOPIFY_THROTTLED', async () => {
    await h.sim('faults', { failNext: { count: 100, status: 429, retryAfter: 1 } });
    await expectDegraded('SHOPIFY_THROTTLED');
  });

  it.each([500, 502, 503, 504])('HTTP %i on every try → SHOPIFY_UNAVAILABLE', async (status) => {
    await h.sim('faults', { failNext: { count: 100, status } });
    await expectDegraded('SHOPIFY_UNAVAILABLE');
  });

  it('connection reset on every try → SHOPIFY_UNAVAILABLE', async () => {
    await h.sim('faults', { resetNext: 100 });
    await expectDegraded('SHOPIFY_UNAVAILABLE');
  });

  it('no answer at all (hang) → SHOPIFY_UNAVAILABLE after the timeout', async () => {
    await h.sim('faults', { hangNext: 100 });
    const res = await expectDegraded('SHOPIFY_UNAVAILABLE');
    expect(res.ms).toBeGreaterThanOrEqual(TIMEOUT_MS);
  });

  it('malformed body on every try → SHOPIFY_UNAVAILABLE', async () => {
    await h.sim('faults', { malformedNext: 100 });
    await expectDegraded('SHOPIFY_UNAVAILABLE');
  });
});

describe('throttling', () => {
  it('a bucket smaller than the request → SHOPIFY_THROTTLED at once (no retry loop); served again once the plan grows', async () => {
    await h.sim('throttle', { maximumAvailable: 5, restoreRate: 1 });
    const res = await view();
    expect(res.body.data!.profiles).toEqual([
      { id: 'p0', name: 'Name 0', shopifyCustomer: null, orders: null },
      { id: 'p1', name: 'Name 1', shopifyCustomer: null, orders: null },
    ]);
    expect(res.body.errors![0]).toMatchObject({ extensions: { code: 'SHOPIFY_THROTTLED' } });
    expect(res.body.errors![0].message).toMatch(/more than the store's bucket holds/);
    expect((await h.sim('stats')).requests).toBeLessThanOrEqual(2);
    await h.sim('throttle', { maximumAvailable: 2000, restoreRate: 100 });
    await expectServed();
  });
});

describe('transient faults are retried and the agent never sees them', () => {
  it('one 429 with Retry-After: 1 → served after waiting the second Shopify asked for', async () => {
    await h.sim('faults', { failNext: { count: 1, status: 429, retryAfter: 1 } });
    const res = await expectServed();
    expect(res.ms).toBeGreaterThanOrEqual(1000);
  });

  it.each([
    ['one 503', { failNext: { count: 1, status: 503 } }],
    ['one 504', { failNext: { count: 1, status: 504 } }],
    ['one reset', { resetNext: 1 }],
    ['one hang', { hangNext: 1 }],
    ['one malformed body', { malformedNext: 1 }],
    ['latency below the timeout', { latencyMs: 200, jitterMs: 100 }],
  ])('%s → served', async (_name, faults) => {
    await h.sim('faults', faults);
    await expectServed();
    const stats = await h.sim('stats');
    expect(stats.throttled).toBe(0);
  });
});
