/** Every fault kind, as a client sees it. */
import { createAdminApiClient } from '@shopify/admin-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointFetch, parseStoreDomain } from '../../src/shopify/transport.js';
import type { Simulator } from 'shopify-admin-simulator';
import { control, simulator } from 'shopify-admin-simulator/testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

const QUERY = JSON.stringify({ query: '{ shop { id } }' });
const post = (signal?: AbortSignal) =>
  fetch(sim.graphqlUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': sim.token },
    body: QUERY,
    signal,
  });

describe('faults', () => {
  it('adds latency the client can measure, then clears with {}', async () => {
    await control(sim, 'faults', { latencyMs: 150, jitterMs: 20 });
    const t = performance.now();
    expect((await post()).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(145);
    expect(await control(sim, 'faults', {})).toMatchObject({ latencyMs: 0, jitterMs: 0 });
  });

  it('fails the next N requests with 429 and Retry-After, then recovers', async () => {
    await control(sim, 'faults', { failNext: { count: 2, status: 429, retryAfter: 2 } });
    for (let i = 0; i < 2; i++) {
      const res = await post();
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
      await res.text();
    }
    expect((await post()).status).toBe(200);
  });

  it.each([500, 502, 503])('fails with HTTP %i', async (status) => {
    await control(sim, 'faults', { failNext: { count: 1, status } });
    expect((await post()).status).toBe(status);
    expect((await post()).status).toBe(200);
  });

  it('the real client sees a 503 as a network error with its status', async () => {
    await control(sim, 'faults', { failNext: { count: 1, status: 503 } });
    const endpoint = parseStoreDomain(sim.storeDomain);
    const client = createAdminApiClient({
      storeDomain: endpoint.storeDomain,
      apiVersion: '2026-07',
      accessToken: sim.token,
      customFetchApi: endpointFetch(endpoint),
    });
    const { data, errors } = await client.request('{ shop { id } }');
    expect(data).toBeUndefined();
    expect(errors?.networkStatusCode).toBe(503);
  });

  it('resets the connection: a network error', async () => {
    await control(sim, 'faults', { resetNext: 1 });
    await expect(post()).rejects.toThrow(TypeError);
    expect((await post()).status).toBe(200);
  });

  it('hangs until the client gives up, and a reset lets the hung socket go', async () => {
    await control(sim, 'faults', { hangNext: true });
    await expect(post(AbortSignal.timeout(300))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect((await control(sim, 'stats')).faulted).toBeGreaterThan(0);
    await control(sim, 'reset', {});
    expect((await post()).status).toBe(200);
  });

  it('answers HTTP 200 with a body that is not JSON', async () => {
    await control(sim, 'faults', { malformedNext: 1 });
    const res = await post();
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('rejects an unknown fault option', async () => {
    const res = await fetch(`${sim.url}/__simulator/faults`, { method: 'POST', body: JSON.stringify({ explode: true }) });
    expect(res.status).toBe(400);
  });
});

describe('close()', () => {
  it('ends hanging requests too', async () => {
    const own = await simulator({ customers: 5 });
    await fetch(`${own.url}/__simulator/faults`, { method: 'POST', body: JSON.stringify({ hangNext: 1 }) });
    const pending = fetch(own.graphqlUrl, { method: 'POST', headers: { 'X-Shopify-Access-Token': own.token }, body: QUERY });
    await new Promise((r) => setTimeout(r, 50));
    await own.close();
    await expect(pending).rejects.toThrow(TypeError);
  });
});
