/**
 * Helpers for the order-action tests: signed agent tokens, the supergraph harness with JWT auth, the mutation
 * documents, and the simulator's own view of orders (the oracle for what changed).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { buildApp, type App, type BuildOptions } from '../../src/app.js';
import { SCOPES } from '../../src/auth.js';
import type { ShopifyClient } from '../../src/shopify/client.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startSimulator, type Simulator } from 'shopify-admin-simulator';

/** HS256 secret of the test subgraphs (32+ characters, as config requires). */
export const JWT_SECRET = 'test-secret-for-agent-tokens-0123456789';

/** A signed agent token with these scopes (all of them by default). */
export async function token(scopes: readonly string[] = SCOPES, sub = 'agent-7'): Promise<string> {
  return new SignJWT({ scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** Auth environment for a subgraph that checks agent tokens. */
export const JWT_ENV = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: JWT_SECRET, SHOPIFY_TIMEOUT_MS: '3000', SHOPIFY_MAX_WAIT_MS: '2000' };

/** A running subgraph (and the simulator it talks to), spoken to over HTTP like the router does. */
export interface Stack {
  app: App;
  simulator: Simulator;
  /** POSTs a GraphQL request to the subgraph's /graphql. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** The simulator's control API. */
  sim<T = any>(path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * Runs `meanwhile` once, just before the subgraph sends `operation` (after its own reads), by wrapping the app's
 * Shopify client; the request itself still goes to the simulator.
 */
export function onceBefore(h: Pick<Stack, 'app'>, operation: string, meanwhile: () => Promise<unknown>): void {
  // The first served store's client: these tests serve one store.
  const store = h.app.deps.served[0]!;
  const real = store.shopify;
  const wrapped: ShopifyClient = {
    ...real,
    async request(document, variables, options) {
      if (options.operationName === operation) {
        store.shopify = real;
        await meanwhile();
      }
      return real.request(document, variables, options);
    },
  };
  store.shopify = wrapped;
}

/** A small simulator with a bucket that never throttles (tests about throttling arm it themselves). */
export function startTestSimulator(): Promise<Simulator> {
  return startSimulator({ port: 0, customers: 80, maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
}

/**
 * This subgraph over the simulator, checking agent tokens, listening on a loopback port. Most action tests speak to
 * its HTTP endpoint directly, with the headers a router would forward (lighter than a gateway, and two instances
 * can share one database); gateway.test.ts goes through the real supergraph.
 */
export async function startStack(opts: { simulator?: Simulator; env?: Record<string, string>; build?: BuildOptions } = {}): Promise<Stack> {
  const simulator = opts.simulator ?? (await startTestSimulator());
  const tmp = mkdtempSync(join(tmpdir(), 'actions-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    SHOPIFY_STORE_DOMAIN: simulator.url,
    SHOPIFY_ADMIN_ACCESS_TOKEN: simulator.token,
    SQLITE_PATH: join(tmp, 'subgraph.sqlite'),
    ...JWT_ENV,
    ...opts.env,
  });
  const app = await buildApp(config, silentLogger(), opts.build);
  await new Promise<void>((resolve) => app.server.http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(app.server.http.address() as { port: number }).port}/graphql`;
  return {
    app,
    simulator,
    async query(query, variables = {}, headers = {}) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    async sim<T>(path: string, body?: unknown): Promise<T> {
      const init =
        body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      const res = await fetch(`${simulator.url}/__simulator/${path}`, init);
      if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status}`);
      return (await res.json()) as T;
    },
    async close() {
      await app.close();
      if (!opts.simulator) await simulator.close();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Sends a GraphQL request as an agent with these scopes. */
export async function asAgent(
  h: Pick<Stack, 'query'>,
  query: string,
  variables: Record<string, unknown>,
  scopes: readonly string[] = SCOPES,
  sub?: string,
) {
  return h.query(query, variables, { authorization: `Bearer ${await token(scopes, sub)}` });
}

/** A fresh idempotency key. */
export const newKey = (): string => randomUUID();

const ORDER_FIELDS = `id status cancelledAt canCancel refundable totalRefunded { amount currencyCode } products { id status quantity }`;
const USER_ERRORS = `userErrors { field message code }`;

export const CANCEL = `mutation Cancel($input: ShopifyCancelOrderInput!) {
  cancelOrder(input: $input) { jobId order { ${ORDER_FIELDS} agentActions { action outcome shopifyIds } } ${USER_ERRORS} }
}`;

export const REFUND = `mutation Refund($input: ShopifyRefundOrderInput!) {
  refundOrder(input: $input) { refund { id total { amount currencyCode } } order { ${ORDER_FIELDS} agentActions { action outcome amount { amount currencyCode } shopifyIds } } ${USER_ERRORS} }
}`;

export const DISCOUNT = `mutation Discount($input: ShopifyCreateDiscountInput!) {
  createDiscount(input: $input) { discount { id code title value endsAt usageLimit } ${USER_ERRORS} }
}`;

export interface SimLineItem {
  id: string;
  quantity: number;
  refundableQuantity: number;
  unfulfilledQuantity: number;
  currentQuantity: number;
  discountedUnitPrice: string;
}

export interface SimOrder {
  id: string;
  customerId: string | null;
  currency: string;
  financialStatus: string;
  fulfillmentStatus: string;
  cancelled: boolean;
  cancelledAt: string | null;
  cancelReason: string | null;
  staffNote: string | null;
  totalRefunded: string;
  totals: Record<string, string>;
  lineItems: SimLineItem[];
  transactions: Array<{ id: string; kind: string; status: string; gateway: string; amount: string; parentId: string | null }>;
  refunds: Array<{
    id: string;
    shipping: string;
    lines: Array<{ lineItemId: string; quantity: number; restockType: string; subtotal: string }>;
    transactionIds: string[];
  }>;
  fulfillments: number;
}

/** The simulator's stored order. */
export const simOrder = (h: Pick<Stack, 'sim'>, id: string): Promise<SimOrder> => h.sim<SimOrder>(`orders/${encodeURIComponent(id)}`);

/** The simulator's request counters. */
export const simStats = (h: Pick<Stack, 'sim'>): Promise<{ requests: number; byOperation: Record<string, number> }> => h.sim('stats');

/**
 * Orders of the simulator that pass the predicate, each handed out once per harness so tests never share one.
 * Only USD orders: the shop's currency, so the simulator's presentment amounts equal the shop amounts we report.
 */
export function orderPicker(h: Pick<Stack, 'sim'>) {
  const used = new Set<string>();
  return async (predicate: (o: SimOrder) => boolean): Promise<SimOrder> => {
    const all = await h.sim<Array<{ id: string; currency: string; cancelled: boolean }>>('orders');
    for (const summary of all) {
      if (used.has(summary.id) || summary.currency !== 'USD') continue;
      const order = await simOrder(h, summary.id);
      if (predicate(order)) {
        used.add(order.id);
        return order;
      }
    }
    throw new Error('no simulator order matches');
  };
}

/** A paid order with a customer, nothing refunded or cancelled yet, and at least `minLines` line items. */
export const paidOrder =
  (minLines = 1, unfulfilled = false) =>
  (o: SimOrder): boolean =>
    o.financialStatus === 'PAID' &&
    !o.cancelled &&
    o.customerId !== null &&
    o.refunds.length === 0 &&
    o.lineItems.length >= minLines &&
    o.totals.shipping !== '0.00' &&
    (!unfulfilled || o.fulfillments === 0);

/** Decimal string → integer cents, for exact money arithmetic in assertions. */
export const cents = (amount: string): number => Math.round(Number(amount) * 100);
/** Integer cents → decimal string with two places. */
export const money = (c: number): string => (c / 100).toFixed(2);

/** ShopifyMailingAddress's fields, as a selection. */
export const ADDRESS_FIELDS = 'firstName lastName company address1 address2 city provinceCode zip countryCode phone';

/** An address as the contract shows it. */
export type ContractAddress = Record<
  'firstName' | 'lastName' | 'company' | 'address1' | 'address2' | 'city' | 'provinceCode' | 'zip' | 'countryCode' | 'phone',
  string | null
>;

/** The simulator's stored address (GET /__simulator/orders/{id}) as the contract shows it: its id, province and country names left out. */
export function contractAddress(a: Readonly<Record<string, unknown>> | null): ContractAddress | null {
  return a && (Object.fromEntries(ADDRESS_FIELDS.split(' ').map((f) => [f, a[f] ?? null])) as ContractAddress);
}

/** The simulator's order with what the edits change. */
export type EditSimOrder = SimOrder & { note: string | null; tags: string[]; shippingAddress: Record<string, string | null> | null };
