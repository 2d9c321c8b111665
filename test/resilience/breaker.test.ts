/**
 * The circuit breaker: after sustained failures calls fail fast with SHOPIFY_UNAVAILABLE (without touching Shopify),
 * /readyz says not ready, /metrics shows it open; after the pause one probe goes and its success closes it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker, type BreakerState } from '../../src/shopify/breaker.js';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';

describe('CircuitBreaker', () => {
  it('opens after `threshold` consecutive failures, lets one probe through after the cooldown, closes on success', () => {
    let now = 0;
    const changes: BreakerState[] = [];
    const b = new CircuitBreaker({ threshold: 3, cooldownMs: 1000, now: () => now, onChange: (s) => changes.push(s) });
    b.admit();
    b.failure();
    b.failure();
    b.success(); // a success in between resets the count
    for (let i = 0; i < 3; i++) {
      b.admit();
      b.failure();
    }
    expect(b.state).toBe('open');
    expect(() => b.admit()).toThrow(/not calling Shopify/);
    now = 1000;
    expect(b.state).toBe('half_open');
    b.admit(); // the probe
    expect(() => b.admit()).toThrow(); // only one at a time
    b.failure();
    expect(b.state).toBe('open');
    now = 2000;
    b.admit();
    b.success();
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'open', 'half_open', 'closed']);
  });

  it("throttling says nothing about Shopify's health and frees the probe slot", () => {
    let now = 0;
    const b = new CircuitBreaker({ threshold: 1, cooldownMs: 10, now: () => now });
    b.admit();
    b.failure();
    now = 10;
    b.admit();
    b.neutral();
    expect(b.state).toBe('half_open');
    b.admit();
  });
});

describe('breaker in the running subgraph', () => {
  const VIEW = `query($ids: [ID!]!) { profiles(ids: $ids) { id name shopifyCustomer { id } } }`;
  let h: SupergraphHarness;
  const base = () => h.subgraphUrl.replace(/\/graphql$/, '');
  beforeAll(async () => {
    h = await startSupergraph({
      env: {
        SHOPIFY_BREAKER_THRESHOLD: '3',
        SHOPIFY_BREAKER_COOLDOWN_MS: '1500',
        SHOPIFY_MAX_WAIT_MS: '1000',
        SHOPIFY_TIMEOUT_MS: '500',
        SHOPIFY_CACHE_TTL_S: '0',
      },
      simulator: { customers: 20 },
      profiles: (all) =>
        all
          .filter((c) => c.email)
          .slice(0, 1)
          .map((c) => ({ id: 'p0', name: 'Name 0', emails: [c.email!] })),
    });
  });
  afterAll(async () => h?.close());

  it('fails fast while open, reports not ready, and closes after a successful probe', async () => {
    await h.sim('reset', {});
    expect((await fetch(`${base()}/readyz`)).status).toBe(200);
    await h.sim('faults', { failNext: { count: 1000, status: 503 } });
    const failing = await h.query(VIEW, { ids: ['p0'] });
    expect(failing.body.errors?.[0].extensions.code).toBe('SHOPIFY_UNAVAILABLE');
    expect(h.app.stores[0]!.breaker.state).toBe('open');

    const sent = (await h.sim('stats')).requests;
    const t0 = performance.now();
    const fast = await h.query(VIEW, { ids: ['p0'] });
    expect(performance.now() - t0).toBeLessThan(500);
    expect(fast.body.data!.profiles).toEqual([{ id: 'p0', name: 'Name 0', shopifyCustomer: null }]);
    expect(fast.body.errors?.[0]).toMatchObject({ extensions: { code: 'SHOPIFY_UNAVAILABLE' } });
    expect(fast.body.errors?.[0].message).toMatch(/not calling Shopify/);
    expect((await h.sim('stats')).requests).toBe(sent); // Shopify was not called

    const ready = await fetch(`${base()}/readyz`);
    expect(ready.status).toBe(503);
    expect(await fetch(`${base()}/healthz`).then((r) => r.status)).toBe(200);
    expect(await fetch(`${base()}/metrics`).then((r) => r.text())).toMatch(/^shopify_breaker_state\{store="default"\} 2$/m);

    await h.sim('faults', {});
    await new Promise((r) => setTimeout(r, 1600));
    const probe = await h.query(VIEW, { ids: ['p0'] });
    expect(probe.body.errors).toBeUndefined();
    expect(h.app.stores[0]!.breaker.state).toBe('closed');
    expect((await fetch(`${base()}/readyz`)).status).toBe(200);
    expect(await fetch(`${base()}/metrics`).then((r) => r.text())).toMatch(/^shopify_breaker_state\{store="default"\} 0$/m);
  });
});
