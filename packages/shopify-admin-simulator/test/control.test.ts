/** The control API's routing (src/control.ts): each route's reply, and what it refuses with which status. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { control, simulator, type OrderSummary } from './helpers.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator({ seed: 7, customers: 20 });
});
afterAll(() => sim.close());

/** A raw control request: its status and JSON body. */
async function call(method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/__simulator/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body }),
  });
  return { status: res.status, body: await res.json() };
}

describe('control routes', () => {
  it('answer fixed routes and routes ending in an id (GID or number)', async () => {
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const first = orders[0]!;
    expect((await call('GET', `orders/${encodeURIComponent(first.id)}`)).body.id).toBe(first.id);
    expect((await call('GET', `orders/${first.id.split('/').pop()}`)).body.id).toBe(first.id);
    expect(await call('GET', 'orders/999999999')).toEqual({ status: 404, body: { error: 'no order 999999999' } });
    expect(await call('GET', 'draft-orders/gid%3A%2F%2Fshopify%2FDraftOrder%2F9')).toEqual({
      status: 404,
      body: { error: 'no draft order gid://shopify/DraftOrder/9' },
    });
    expect(await call('POST', 'cost', '{"factor":0.5}')).toEqual({ status: 200, body: { factor: 0.5 } });
    expect(await call('GET', 'cost')).toEqual({ status: 200, body: { factor: 0.5 } });
  });

  it('refuse an unknown route, and a reset by GET (a stray GET never wipes the store)', async () => {
    expect(await call('GET', 'nothing-here')).toEqual({ status: 404, body: { error: 'unknown control route GET /nothing-here' } });
    expect(await call('GET', 'reset')).toEqual({ status: 404, body: { error: 'unknown control route GET /reset' } });
    expect(await call('POST', 'stats', '{}')).toEqual({ status: 404, body: { error: 'unknown control route POST /stats' } });
  });

  it('refuse a body that is not JSON or not the route’s shape (400), a taken email (409), a webhook url without secret', async () => {
    expect(await call('POST', 'cost', '{factor')).toEqual({ status: 400, body: { error: 'body is not JSON' } });
    const invalid = await call('POST', 'cost', '{"factor":-1}');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('invalid body');
    expect(invalid.body.issues.map((i: { path: string[] }) => i.path)).toEqual([['factor']]);
    const added = await control<{ email: string }>(sim, 'customers', { email: 'control-test@example.com' });
    expect(added.email).toBe('control-test@example.com');
    expect(await call('POST', 'customers', JSON.stringify({ email: 'control-test@example.com' }))).toEqual({
      status: 409,
      body: { error: 'Email has already been taken' },
    });
    expect(await call('POST', 'webhooks', JSON.stringify({ url: 'http://127.0.0.1:9/hook' }))).toEqual({
      status: 400,
      body: { error: 'secret is required with url' },
    });
  });

  it('reset answers what it reset to (the seed again: the same orders, without the customer added since)', async () => {
    const seeded = (await control<OrderSummary[]>(sim, 'orders')).length;
    expect(await call('POST', 'reset', JSON.stringify({ seed: 7, customers: 20 }))).toEqual({
      status: 200,
      body: { ok: true, seed: 7, customers: 20, orders: seeded },
    });
    expect(await call('POST', 'reset', JSON.stringify({ seed: 'x' }))).toMatchObject({ status: 400, body: { error: 'invalid body' } });
  });
});
