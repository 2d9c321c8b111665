/**
 * Hive Gateway in front of this subgraph, end to end: the shipped config (deploy/hive-gateway/gateway.config.ts) run by
 * the real `hive-gateway` CLI, over a supergraph of the demo profiles subgraph and this subgraph (agent tokens checked,
 * ROUTER_SECRET required, cache off so every read reaches the simulator), on the demo store (seed 1, 500 customers:
 * the store the README's card shows). The same subgraphs also sit behind @apollo/gateway (dev/gateway.ts), the
 * reference both for the data and for how many Shopify requests a query costs.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeSupergraph, startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';
import { loadExampleOperation } from '../../dev/operations.js';
import { demoProfiles, type SimCustomer } from '../../dev/profiles-subgraph.js';
import { SCOPES } from '../../src/auth.js';
import { ForbiddenError, UnauthenticatedError } from '../../src/errors.js';
import { CANCEL, JWT_SECRET, newKey, simOrder, token } from '../actions/helpers.js';
import { startHiveGateway, type HiveGateway } from './hive-gateway.js';

const ROUTER_SECRET = 'router-secret-for-hive-gateway-tests';
const CARD = loadExampleOperation('profile-card').document;
const PROFILE_ID = 'profile-0001';

let h: SupergraphHarness;
let hive: HiveGateway;
/** every token the test sends, so it can check the gateway never logged one */
const sentTokens: string[] = [];

beforeAll(async () => {
  h = await startSupergraph({
    simulator: { seed: 1, customers: 500, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    env: { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: JWT_SECRET, ROUTER_SECRET, SHOPIFY_CACHE_TTL_S: '0' },
    profiles: demoProfiles,
  });
  hive = await startHiveGateway({
    supergraphSdl: composeSupergraph(h.profilesUrl, h.subgraphUrl),
    env: { NODE_ENV: 'production', AUTH_JWT_SECRET: JWT_SECRET, ROUTER_SECRET },
  });
});
afterAll(async () => {
  await hive?.close();
  await h?.close();
});

/** A bearer header for an agent with these scopes (every scope by default), remembered for the log check. */
async function bearer(scopes: readonly string[] = SCOPES): Promise<Record<string, string>> {
  const jwt = await token(scopes);
  sentTokens.push(jwt);
  return { authorization: `Bearer ${jwt}` };
}

type ShopifyRequests = { requests: number; byOperation: Record<string, number> };

/** The simulator's request counters so far. */
async function shopifyRequests(): Promise<ShopifyRequests> {
  const { requests, byOperation } = await h.sim<ShopifyRequests>('stats');
  return { requests, byOperation };
}

/**
 * Runs `send` and returns its answer with the Shopify requests it caused. Counted as a difference rather than after a
 * simulator reset: a reset would also undo the orders the action tests cancel.
 */
async function counted<T>(send: () => Promise<T>): Promise<{ result: T; shopify: ShopifyRequests }> {
  const before = await shopifyRequests();
  const result = await send();
  const after = await shopifyRequests();
  const byOperation = Object.fromEntries(
    Object.entries(after.byOperation)
      .map(([op, n]) => [op, n - (before.byOperation[op] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  return { result, shopify: { requests: after.requests - before.requests, byOperation } };
}

const money = (amount: string) => ({ amount, currencyCode: 'USD' });

describe('Hive Gateway with the shipped config', () => {
  it('serves the profile card exactly as @apollo/gateway does, with the same Shopify requests', async () => {
    const headers = await bearer();
    const viaApollo = await counted(() => h.query(CARD, { id: PROFILE_ID }, headers));
    const viaHive = await counted(() => hive.query(CARD, { id: PROFILE_ID }, headers));

    expect(viaHive.result.status).toBe(200);
    expect(viaHive.result.body).toEqual(viaApollo.result.body);
    expect(viaHive.shopify).toEqual(viaApollo.shopify);
    expect(viaHive.shopify).toEqual({ requests: 1, byOperation: { ProfileCustomers: 1 } });

    // The README's card for this profile (demo store, seed 1).
    const { profile } = viaHive.result.body.data;
    expect(viaHive.result.body.errors).toBeUndefined();
    expect({ id: profile.id, name: profile.name, emails: profile.emails, shopifyLink: profile.shopifyLink }).toEqual({
      id: PROFILE_ID,
      name: 'customer1@example.org',
      emails: ['customer1@example.org'],
      shopifyLink: {
        method: 'AUTO_EMAIL',
        customerId: 'gid://shopify/Customer/1000001',
        matchedEmail: 'customer1@example.org',
        linkedAt: null,
        linkedBy: null,
      },
    });
    // One store served here: SHOPIFY_STORE_DOMAIN's, handle `default`, named after its domain.
    const store = { handle: 'default', name: new URL(h.simulatorUrl).host };
    expect(profile.shopifyCustomer).toEqual({
      id: 'gid://shopify/Customer/1000001',
      store,
      displayName: 'customer1@example.org',
      email: 'customer1@example.org',
      phone: null,
      acceptsMarketing: true,
      createdAt: '2023-08-05T03:01:43Z',
      note: null,
      tags: ['b2b'],
      totalOrders: 4,
      totalSpent: money('145.04'),
      shopifyUrl: `${h.simulatorUrl}/admin/customers/1000001`,
    });
    expect(profile.orders).toHaveLength(4);
    const beanie = {
      id: 'gid://shopify/LineItem/11010451',
      orderId: 'gid://shopify/Order/5004626',
      productId: 'gid://shopify/Product/80000001',
      name: 'Merino Wool Beanie - Charcoal',
      sku: 'MWB-001-1',
      quantity: 1,
      status: 'Unfulfilled',
      unitPrice: money('29.01'),
      imageUrl: 'https://cdn.shopify.com/s/files/1/0000/0001/files/merinowoolbeanie-1.jpg',
    };
    const engraving = {
      id: 'gid://shopify/LineItem/11010452',
      orderId: 'gid://shopify/Order/5004626',
      productId: 'gid://shopify/Product/80000013',
      name: 'Custom Engraving',
      sku: null,
      quantity: 1,
      status: 'Unfulfilled',
      unitPrice: money('9.99'),
      imageUrl: null,
    };
    expect(profile.orders[0]).toEqual({
      id: 'gid://shopify/Order/5004626',
      store: { handle: 'default' },
      orderNumber: '#5626',
      createdAt: '2026-06-24T23:15:16Z',
      type: 'facebook',
      status: 'Unfulfilled',
      financialStatus: 'PAID',
      fulfillmentStatus: 'UNFULFILLED',
      cancelledAt: null,
      total: money('46.36'),
      totalRefunded: money('0.00'),
      firstTrackingNumber: null,
      firstTrackingUrl: null,
      locationName: null,
      canCancel: true,
      refundable: true,
      shopifyUrl: `${h.simulatorUrl}/admin/orders/5004626`,
      products: [beanie, engraving],
    });
    expect(profile.products).toHaveLength(5);
    expect(profile.products.slice(0, 2)).toEqual([beanie, engraving]);
    expect(profile.products).toEqual(profile.orders.flatMap((o: { products: unknown[] }) => o.products));
  });

  it('batches many profiles into the same Shopify requests as @apollo/gateway', async () => {
    const headers = await bearer();
    const many = `query Cards($ids: [ID!]!) { profiles(ids: $ids) { id shopifyCustomer { id totalOrders } orders(limit: 10) { id total { amount } products { id quantity } } } }`;
    const ids = Array.from({ length: 10 }, (_, i) => `profile-${String(i + 1).padStart(4, '0')}`);
    const viaApollo = await counted(() => h.query(many, { ids }, headers));
    const viaHive = await counted(() => hive.query(many, { ids }, headers));
    expect(viaHive.result.body.errors).toBeUndefined();
    expect(viaHive.result.body).toEqual(viaApollo.result.body);
    expect(viaHive.result.body.data.profiles.map((p: { id: string }) => p.id)).toEqual(ids);
    expect(viaHive.shopify).toEqual(viaApollo.shopify);
    // Ten profiles' cards in a handful of cost-packed requests, not one or more per profile.
    expect(viaHive.shopify.requests).toBeLessThan(10);
  });

  it('without shopify:read: HTTP 200, the profile fields intact, each Shopify field null with FORBIDDEN naming the scope', async () => {
    const { result, shopify } = await counted(async () => hive.query(CARD, { id: PROFILE_ID }, await bearer(['shopify:link'])));
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({
      profile: {
        id: PROFILE_ID,
        name: 'customer1@example.org',
        emails: ['customer1@example.org'],
        shopifyLink: null,
        shopifyCustomer: null,
        orders: null,
        products: null,
      },
    });
    const forbidden = new ForbiddenError('shopify:read');
    expect(
      result.body.errors.map((e: { message: string; path: string[]; extensions: object }) => [e.message, e.path, e.extensions]),
    ).toEqual(
      ['shopifyLink', 'shopifyCustomer', 'orders', 'products'].map((field) => [
        forbidden.message,
        ['profile', field],
        { code: 'FORBIDDEN', scope: 'shopify:read' },
      ]),
    );
    // Refused at the gateway: the subgraph was not asked, so Shopify was not either.
    expect(shopify).toEqual({ requests: 0, byOperation: {} });
  });

  it('no token or a badly signed one: HTTP 200, the profile fields intact, the Shopify fields UNAUTHENTICATED', async () => {
    const forged = await token(SCOPES, 'agent-7');
    const [header, payload] = forged.split('.');
    const badSignature = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    const otherSecret = await new SignJWT({ scope: SCOPES.join(' ') })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agent-7')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-that-is-long-enough-0123456789'));
    const expired = await new SignJWT({ scope: SCOPES.join(' ') })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('agent-7')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 600)
      .sign(new TextEncoder().encode(JWT_SECRET));
    sentTokens.push(forged, otherSecret, expired);
    const cases: Array<[string, Record<string, string>, string]> = [
      ['no header', {}, new UnauthenticatedError().message],
      ['not a bearer token', { authorization: 'Basic YWdlbnQ6c2VjcmV0' }, 'The agent token was rejected by the router'],
      ['bad signature', { authorization: `Bearer ${badSignature}` }, 'The agent token was rejected by the router'],
      ['signed with another secret', { authorization: `Bearer ${otherSecret}` }, 'The agent token was rejected by the router'],
      ['expired', { authorization: `Bearer ${expired}` }, 'The agent token was rejected by the router'],
    ];
    const query = `query($id: ID!) { profile(id: $id) { id name shopifyCustomer { id } } }`;
    for (const [, headers, message] of cases) {
      const { result, shopify } = await counted(() => hive.query(query, { id: PROFILE_ID }, headers));
      expect(result).toEqual({
        status: 200,
        body: {
          data: { profile: { id: PROFILE_ID, name: 'customer1@example.org', shopifyCustomer: null } },
          errors: [
            {
              message,
              locations: [{ line: 1, column: query.indexOf('shopifyCustomer') + 1 }],
              path: ['profile', 'shopifyCustomer'],
              extensions: { code: 'UNAUTHENTICATED' },
            },
          ],
        },
      });
      expect(shopify).toEqual({ requests: 0, byOperation: {} });
    }
  });

  it('a mutation refused at the gateway never reaches the subgraph: FORBIDDEN, no agentActions entry, no Shopify call', async () => {
    const order = await cancellableOrder();
    const contrast = await cancellableOrder();
    const input = (orderId: string) => ({ orderId, reason: 'CUSTOMER', refund: true, restock: true, idempotencyKey: newKey() });
    const readOnly = await bearer(['shopify:read']);

    const refused = await counted(() => hive.query(CANCEL, { input: input(order.orderId) }, readOnly));
    expect(refused.result.status).toBe(200);
    expect(refused.result.body).toEqual({
      // Hive keeps `cancelOrder: null` where a GraphQL executor would null the whole `data` (the field is non-null).
      data: { cancelOrder: null },
      errors: [
        {
          message: new ForbiddenError('shopify:orders:cancel').message,
          locations: [{ line: 2, column: 3 }],
          path: ['cancelOrder'],
          extensions: { code: 'FORBIDDEN', scope: 'shopify:orders:cancel' },
        },
      ],
    });
    expect(refused.shopify).toEqual({ requests: 0, byOperation: {} });

    // The same refusal through @apollo/gateway, which does not enforce @requiresScopes: the subgraph refuses it
    // itself and records the attempt. That is the entry the Hive refusal must not have.
    const relayed = await h.query(CANCEL, { input: input(contrast.orderId) }, readOnly);
    expect(relayed.body.errors.map((e: { extensions: object }) => e.extensions)).toEqual([
      { code: 'FORBIDDEN', scope: 'shopify:orders:cancel', serviceName: 'shopify' },
    ]);

    expect((await agentActions(order.profileId)).get(order.orderId)).toEqual([]);
    expect((await agentActions(contrast.profileId)).get(contrast.orderId)).toEqual([{ action: 'cancelOrder', outcome: 'denied' }]);
    expect((await simOrder(h, order.orderId)).cancelled).toBe(false);
  });

  it('a permitted mutation goes through: the order is cancelled and the payload shows it', async () => {
    const { orderId: order } = await cancellableOrder();
    const headers = await bearer(['shopify:read', 'shopify:orders:cancel']);
    const { result, shopify } = await counted(() =>
      hive.query(CANCEL, { input: { orderId: order, reason: 'CUSTOMER', refund: true, restock: true, idempotencyKey: newKey() } }, headers),
    );
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    const payload = result.body.data.cancelOrder;
    // The job id is Shopify's (the simulator's) own; everything else is fixed by the store and the action.
    expect(payload.jobId).toMatch(/^gid:\/\/shopify\/Job\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const after = await simOrder(h, order);
    expect(after).toMatchObject({ cancelled: true, cancelReason: 'CUSTOMER', financialStatus: 'REFUNDED' });
    expect(payload).toEqual({
      jobId: payload.jobId,
      order: {
        id: order,
        status: 'Cancelled',
        cancelledAt: after.cancelledAt,
        canCancel: false,
        refundable: false,
        totalRefunded: money(after.totalRefunded),
        products: after.lineItems.map((li) => ({ id: li.id, status: 'Refunded', quantity: li.quantity })),
        agentActions: [{ action: 'cancelOrder', outcome: 'succeeded', shopifyIds: [`jobId=${payload.jobId}`] }],
      },
      userErrors: [],
    });
    // The subgraph's own cancel sequence (check, cancel, confirm, re-read), sent once: the gateway retried nothing.
    expect(shopify).toEqual({
      requests: 4,
      byOperation: { ActionOrderCheck: 1, ActionOrderCancel: 1, ActionOrderCancelled: 1, ActionOrder: 1 },
    });
  });

  it('never writes a token or the router secret to its logs', () => {
    const logs = hive.output();
    expect(sentTokens.length).toBeGreaterThan(5);
    for (const jwt of sentTokens) expect(logs).not.toContain(jwt.split('.')[2]);
    expect(logs).not.toContain(ROUTER_SECRET);
    expect(logs).not.toContain(JWT_SECRET);
  });
});

describe('Hive Gateway verifying agent tokens against a JWKS URL', () => {
  let jwksGateway: HiveGateway;
  let jwks: Server;
  let privateKey: CryptoKey;
  const kid = 'agent-signing-key-1';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const body = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' }] });
    jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksGateway = await startHiveGateway({
      supergraphSdl: composeSupergraph(h.profilesUrl, h.subgraphUrl),
      env: { NODE_ENV: 'production', AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`, ROUTER_SECRET },
    });
  });
  afterAll(async () => {
    await jwksGateway?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const signed = (key: CryptoKey, scope: string, headerKid = kid) =>
    new SignJWT({ scope }).setProtectedHeader({ alg: 'RS256', kid: headerKid }).setSubject('agent-7').setExpirationTime('1h').sign(key);
  const query = `query($id: ID!) { profile(id: $id) { id shopifyCustomer { id } } }`;

  // The subgraph here checks HS256 tokens, so only the gateway's own decision is visible: FORBIDDEN means it verified
  // the RS256 token through the JWKS and read its scopes; UNAUTHENTICATED means it did not accept the token.
  it('accepts a token signed by a key of the set and enforces its scopes', async () => {
    const res = await jwksGateway.query(query, { id: PROFILE_ID }, { authorization: `Bearer ${await signed(privateKey, 'shopify:link')}` });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ profile: { id: PROFILE_ID, shopifyCustomer: null } });
    expect(res.body.errors.map((e: { extensions: object }) => e.extensions)).toEqual([{ code: 'FORBIDDEN', scope: 'shopify:read' }]);
  });

  it('refuses a token signed by another key, or naming a key the set does not have', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    for (const jwt of [await signed(other, 'shopify:read'), await signed(privateKey, 'shopify:read', 'unknown-key')]) {
      const res = await jwksGateway.query(query, { id: PROFILE_ID }, { authorization: `Bearer ${jwt}` });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ profile: { id: PROFILE_ID, shopifyCustomer: null } });
      expect(res.body.errors.map((e: { message: string; extensions: object }) => [e.message, e.extensions])).toEqual([
        ['The agent token was rejected by the router', { code: 'UNAUTHENTICATED' }],
      ]);
    }
  });
});

/** An unfulfilled, paid order the tests have not used yet, with the profile whose card shows it. */
async function cancellableOrder(): Promise<{ orderId: string; profileId: string }> {
  const customers = await h.sim<Array<SimCustomer & { orderIds: string[] }>>('customers');
  const profiles = demoProfiles(customers);
  for (const c of customers) {
    // At most 10 orders, so orders(limit: 10) on the card shows every one of them.
    if (!c.email || c.orderIds.length > 10) continue;
    for (const orderId of c.orderIds) {
      if (usedOrders.has(orderId)) continue;
      const o = await simOrder(h, orderId);
      // USD (the shop's currency), so the simulator's amounts are the shop amounts the subgraph reports.
      if (o.currency !== 'USD' || o.cancelled || o.fulfillments > 0 || o.financialStatus !== 'PAID') continue;
      usedOrders.add(orderId);
      return { orderId, profileId: profiles.find((p) => p.emails.includes(c.email!))!.id };
    }
  }
  throw new Error('no unused cancellable order in the demo store');
}
const usedOrders = new Set<string>();

/** The agentActions (action, outcome) of each order on a profile's card, read through Hive Gateway. */
async function agentActions(profileId: string): Promise<Map<string, Array<{ action: string; outcome: string }>>> {
  const res = await hive.query(
    `query($id: ID!) { profile(id: $id) { orders(limit: 10) { id agentActions { action outcome } } } }`,
    { id: profileId },
    await bearer(['shopify:read']),
  );
  expect(res.body.errors).toBeUndefined();
  return new Map(res.body.data.profile.orders.map((o: { id: string; agentActions: [] }) => [o.id, o.agentActions]));
}
