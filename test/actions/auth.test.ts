/**
 * Who may act: every money-moving mutation needs its own scope; without it (or without a valid token, or without the
 * router's secret) nothing reaches Shopify, and the attempt is recorded as denied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/auth.js';
import { CANCEL, DISCOUNT, newKey, orderPicker, paidOrder, REFUND, simStats, startStack, token, type SimOrder, type Stack } from './helpers.js';

let h: Stack;
let order: SimOrder;

beforeAll(async () => {
  h = await startStack({ env: { ROUTER_SECRET: 'router-secret-1234' } });
  order = await orderPicker(h)(paidOrder(1, true));
});
afterAll(async () => h?.close());

const ROUTER = { 'router-authorization': 'router-secret-1234' };
const send = async (query: string, variables: Record<string, unknown>, scopes: readonly string[], sub = 'agent-7') =>
  h.query(query, variables, { ...ROUTER, authorization: `Bearer ${await token(scopes, sub)}` });

const cases = () => [
  { action: 'cancelOrder', scope: 'shopify:orders:cancel', doc: CANCEL, input: { orderId: order.id, reason: 'CUSTOMER', refund: true, restock: true } },
  { action: 'refundOrder', scope: 'shopify:orders:refund', doc: REFUND, input: { orderId: order.id } },
  { action: 'createDiscount', scope: 'shopify:discounts:create', doc: DISCOUNT, input: { customerId: order.customerId, percentage: 10 } },
] as const;

describe('scopes', () => {
  it('refuses each action without its own scope (all others granted): FORBIDDEN naming it, no Shopify request, a denied audit entry', async () => {
    for (const c of cases()) {
      const key = newKey();
      const before = await simStats(h);
      const res = await send(c.doc, { input: { ...c.input, idempotencyKey: key } }, SCOPES.filter((s) => s !== c.scope), `agent-${c.action}`);
      expect(res.body.data).toBeNull();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0]).toMatchObject({
        message: `This needs the scope "${c.scope}", which the agent's token does not carry`,
        extensions: { code: 'FORBIDDEN', scope: c.scope },
      });
      expect((await simStats(h)).requests).toBe(before.requests);
      const audit = await h.app.deps.store.audit.list({ idempotencyKey: key });
      expect(audit.map((a) => [a.agentId, a.action, a.outcome, a.errorCode, a.orderId ?? a.customerId])).toEqual([
        [`agent-${c.action}`, c.action, 'denied', 'FORBIDDEN', c.action === 'createDiscount' ? order.customerId : order.id],
      ]);
      expect(await h.app.deps.store.idempotency.get(key)).toBeNull();
    }
  });

  it('the one scope an action needs is enough', async () => {
    const res = await send(DISCOUNT, { input: { customerId: order.customerId, percentage: 5, idempotencyKey: newKey() } }, ['shopify:discounts:create']);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createDiscount.discount.value).toBe('5%');
  });

  it('without a valid token: UNAUTHENTICATED, nothing sent, denied with no agent', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${(await token()).slice(0, -4)}AAAA`]) {
      const key = newKey();
      const before = await simStats(h);
      const headers: Record<string, string> = authorization ? { ...ROUTER, authorization } : { ...ROUTER };
      const res = await h.query(REFUND, { input: { orderId: order.id, idempotencyKey: key } }, headers);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await simStats(h)).requests).toBe(before.requests);
      const [audit] = await h.app.deps.store.audit.list({ idempotencyKey: key });
      expect(audit).toMatchObject({ agentId: null, action: 'refundOrder', outcome: 'denied', errorCode: 'UNAUTHENTICATED', orderId: order.id });
    }
  });
});

describe('router secret', () => {
  it('answers 401 before parsing when router-authorization is missing or wrong, and records nothing', async () => {
    const key = newKey();
    const before = await simStats(h);
    for (const headers of [{}, { 'router-authorization': 'wrong' }] as Array<Record<string, string>>) {
      const res = await h.query(REFUND, { input: { orderId: order.id, idempotencyKey: key } }, { ...headers, authorization: `Bearer ${await token()}` });
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expect((await simStats(h)).requests).toBe(before.requests);
    expect(await h.app.deps.store.audit.list({ idempotencyKey: key })).toEqual([]);
  });
});

describe('scope checks come before input checks', () => {
  it('a request without the scope is denied even when its input is malformed, so the unauthorized learn nothing from it', async () => {
    const res = await send(REFUND, { input: { orderId: 'nonsense', idempotencyKey: '' } }, ['shopify:read']);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
