/**
 * Who may act: every money-moving mutation needs its own scope; without it (or without a valid token, or without the
 * router's secret) nothing reaches Shopify, and the attempt is recorded as denied.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/auth.js';
import {
  CANCEL,
  DISCOUNT,
  JWT_SECRET,
  newKey,
  orderPicker,
  paidOrder,
  REFUND,
  simStats,
  startStack,
  token,
  type SimOrder,
  type Stack,
} from './helpers.js';

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

const cases = () =>
  [
    {
      action: 'cancelOrder',
      scope: 'shopify:orders:cancel',
      doc: CANCEL,
      input: { orderId: order.id, reason: 'CUSTOMER', refund: true, restock: true },
    },
    { action: 'refundOrder', scope: 'shopify:orders:refund', doc: REFUND, input: { orderId: order.id } },
    { action: 'createDiscount', scope: 'shopify:discounts:create', doc: DISCOUNT, input: { customerId: order.customerId, percentage: 10 } },
  ] as const;

describe('scopes', () => {
  it('refuses each action without its own scope (all others granted): FORBIDDEN naming it, no Shopify request, a denied audit entry', async () => {
    for (const c of cases()) {
      const key = newKey();
      const before = await simStats(h);
      const res = await send(
        c.doc,
        { input: { ...c.input, idempotencyKey: key } },
        SCOPES.filter((s) => s !== c.scope),
        `agent-${c.action}`,
      );
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
    const res = await send(DISCOUNT, { input: { customerId: order.customerId, percentage: 5, idempotencyKey: newKey() } }, [
      'shopify:discounts:create',
    ]);
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
      expect(audit).toMatchObject({
        agentId: null,
        action: 'refundOrder',
        outcome: 'denied',
        errorCode: 'UNAUTHENTICATED',
        orderId: order.id,
      });
    }
  });
});

describe('token claims (issue 10, defect 5)', () => {
  /** A token whose payload is given as is (sub and scope of any JSON type). */
  const raw = (payload: Record<string, unknown>) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
  const all = SCOPES.join(' ');
  const LINK = `mutation($p: ID!, $c: ID!) { linkShopifyCustomer(profileId: $p, customerId: $c) { profileId link { linkedBy } } }`;

  it('sub must be a non-blank string of at most 255 printable characters, else UNAUTHENTICATED and nothing stored or sent', async () => {
    const bad: unknown[] = ['', ' ', '\t\n', 123, true, {}, ['agent-7'], null, 'a'.repeat(256), 'a'.repeat(5000), 'agent\u0000x'];
    for (const sub of bad) {
      const bearer = { ...ROUTER, authorization: `Bearer ${await raw({ sub, scope: all })}` };
      const before = await simStats(h);
      const key = newKey();
      const discount = await h.query(DISCOUNT, { input: { customerId: order.customerId, percentage: 10, idempotencyKey: key } }, bearer);
      const link = await h.query(LINK, { p: 'p-sub', c: order.customerId }, bearer);
      for (const res of [discount, link]) {
        expect(res.body.errors, JSON.stringify(sub)).toEqual([
          expect.objectContaining({
            message:
              'The agent token was rejected (its "sub" claim must be a non-blank string of at most 255 characters, without control characters)',
            extensions: { code: 'UNAUTHENTICATED' },
          }),
        ]);
      }
      expect((await simStats(h)).requests).toBe(before.requests);
      expect(await h.app.deps.store.links.getMany('default', ['p-sub'])).toEqual(new Map());
      expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((a) => [a.agentId, a.outcome])).toEqual([[null, 'denied']]);
    }
    const longest = await h.query(
      LINK,
      { p: 'p-sub', c: order.customerId },
      { ...ROUTER, authorization: `Bearer ${await raw({ sub: 'a'.repeat(255), scope: all })}` },
    );
    expect(longest.body.data.linkShopifyCustomer.link.linkedBy).toBe('a'.repeat(255));
  });

  it('scope must be a space-separated string of at most 4096 characters (absent: no scopes)', async () => {
    for (const scope of [['shopify:read'], 42, { 'shopify:read': true }, `shopify:read ${'x'.repeat(4096)}`]) {
      const res = await h.query(
        DISCOUNT,
        { input: { customerId: order.customerId, percentage: 10, idempotencyKey: newKey() } },
        {
          ...ROUTER,
          authorization: `Bearer ${await raw({ sub: 'agent-7', scope })}`,
        },
      );
      expect(res.body.errors[0], JSON.stringify(scope).slice(0, 40)).toMatchObject({
        message: 'The agent token was rejected (its "scope" claim must be a space-separated string of at most 4096 characters)',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
    const none = await h.query(
      DISCOUNT,
      { input: { customerId: order.customerId, percentage: 10, idempotencyKey: newKey() } },
      {
        ...ROUTER,
        authorization: `Bearer ${await raw({ sub: 'agent-7' })}`,
      },
    );
    expect(none.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', scope: 'shopify:discounts:create' });
  });
});

describe('router secret', () => {
  it('answers 401 before parsing when router-authorization is missing or wrong, and records nothing', async () => {
    const key = newKey();
    const before = await simStats(h);
    for (const headers of [{}, { 'router-authorization': 'wrong' }] as Array<Record<string, string>>) {
      const res = await h.query(
        REFUND,
        { input: { orderId: order.id, idempotencyKey: key } },
        { ...headers, authorization: `Bearer ${await token()}` },
      );
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
