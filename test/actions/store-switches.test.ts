/**
 * A store configured from SHOPIFY_STORES_FILE: its `actions` switches refuse an action before anything reaches
 * Shopify (ACTION_DISABLED, audited as denied, in that store), and links and audit records carry its handle.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DISCOUNT,
  newKey,
  orderPicker,
  paidOrder,
  REFUND,
  simStats,
  startStack,
  startTestSimulator,
  token,
  type SimOrder,
  type Stack,
} from './helpers.js';
import type { Simulator } from 'shopify-admin-simulator';

const dir = mkdtempSync(join(tmpdir(), 'store-switches-'));
let simulator: Simulator;
let h: Stack;
let order: SimOrder;

/** Writes a stores file with these entries and returns its path. */
function storesFile(name: string, stores: unknown[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ stores }));
  return path;
}

/** The environment of a stores-file configuration (the single-store variables blank, as unset). */
const storesEnv = (path: string) => ({
  SHOPIFY_STORE_DOMAIN: '',
  SHOPIFY_ADMIN_ACCESS_TOKEN: '',
  SHOPIFY_STORES_FILE: path,
  US_STORE_TOKEN: simulator.token,
});

beforeAll(async () => {
  simulator = await startTestSimulator();
  const path = storesFile('us.json', [
    { handle: 'us', name: 'US store', domain: simulator.url, tokenEnv: 'US_STORE_TOKEN', actions: { refund: false } },
  ]);
  h = await startStack({ simulator, env: storesEnv(path) });
  order = await orderPicker(h)(paidOrder(1, true));
});
afterAll(async () => {
  await h?.close();
  await simulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = async (query: string, variables: Record<string, unknown>) =>
  h.query(query, variables, { authorization: `Bearer ${await token()}` });

describe('a store with refunds turned off', () => {
  it('refuses refundOrder with ACTION_DISABLED naming the store, before any Shopify request, and audits it as denied', async () => {
    const key = newKey();
    const before = await simStats(h);
    const res = await send(REFUND, { input: { orderId: order.id, idempotencyKey: key } });
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({
      message: 'The store "us" has the refund action turned off',
      extensions: { code: 'ACTION_DISABLED', store: 'us', action: 'refund' },
    });
    expect((await simStats(h)).requests).toBe(before.requests);
    const audit = await h.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit.map((a) => [a.store, a.action, a.outcome, a.errorCode, a.orderId])).toEqual([
      ['us', 'refundOrder', 'denied', 'ACTION_DISABLED', order.id],
    ]);
    expect(await h.app.deps.store.idempotency.get(key)).toBeNull();
  });

  it('still runs the actions that are on, recorded in that store', async () => {
    const key = newKey();
    const res = await send(DISCOUNT, { input: { customerId: order.customerId, percentage: 5, idempotencyKey: key } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createDiscount.discount.value).toBe('5%');
    const audit = await h.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit.map((a) => [a.store, a.action, a.outcome])).toEqual([['us', 'createDiscount', 'succeeded']]);
  });

  it('checks the scope first: without it the agent is FORBIDDEN, not told about the store', async () => {
    const res = await h.query(
      REFUND,
      { input: { orderId: order.id, idempotencyKey: newKey() } },
      { authorization: `Bearer ${await token(['shopify:read'])}` },
    );
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'shopify:orders:refund' });
  });

  it('stores manual links under the store’s handle', async () => {
    const res = await send(
      `mutation Link($p: ID!, $c: ID!) { linkShopifyCustomer(profileId: $p, customerId: $c) { link { customerId method } } }`,
      { p: 'profile-switches-1', c: order.customerId },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.linkShopifyCustomer.link).toEqual({ customerId: order.customerId, method: 'MANUAL' });
    expect([...(await h.app.deps.store.links.getMany('us', ['profile-switches-1'])).values()].map((l) => [l.store, l.customerId])).toEqual([
      ['us', order.customerId],
    ]);
    expect((await h.app.deps.store.links.getMany('default', ['profile-switches-1'])).size).toBe(0);
  });
});
