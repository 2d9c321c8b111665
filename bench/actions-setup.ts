/**
 * What section 8 (bench/actions.ts) acts with: the agents' tokens, the store's orders the actions are tried on (picked
 * from the simulator's control API, each order used once per pass), the Shopify mutations' names, and one GraphQL call
 * timed and measured by the simulator's stats.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { SCOPES } from '../src/auth.js';
import { ROOT } from './processes.js';
import { control } from './stores-setup.js';

/** The held refund's requester's limit (shop currency): every unit the picked orders refund is above it. */
export const REQUESTER_LIMIT = '1.00';

/** Who acts: an agent without a refund limit, a requester with one, and approvers (distinct agents). */
export interface BenchAgents {
  agent: string;
  requester: string;
  approvers: string[];
}

/** Signs the agents' tokens (every scope; the requester also carries a `shopify_refund_limit` claim). */
export async function signAgents(jwtSecret: string, approvers: number): Promise<BenchAgents> {
  const key = new TextEncoder().encode(jwtSecret);
  const sign = (sub: string, claims: Record<string, unknown> = {}) =>
    new SignJWT({ scope: SCOPES.join(' '), ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('1d')
      .sign(key);
  return {
    agent: await sign('bench-agent'),
    requester: await sign('bench-requester', { shopify_refund_limit: REQUESTER_LIMIT }),
    approvers: await Promise.all(Array.from({ length: approvers }, (_, i) => sign(`bench-approver-${i + 1}`))),
  };
}

/** An order as the simulator's control API shows it (the fields the picks read). */
export interface SimOrder {
  id: string;
  currency: string;
  customerId: string | null;
  financialStatus: string;
  fulfillmentStatus: string;
  cancelled: boolean;
  fulfillments: number;
  giftCard: boolean;
  tags: string[];
  shippingAddress: unknown;
  refunds: unknown[];
  lineItems: Array<{
    id: string;
    giftCard: boolean;
    fulfilledQuantity: number;
    refundableQuantity: number;
    discountedUnitPrice: string;
  }>;
}

type Summary = Pick<
  SimOrder,
  'id' | 'currency' | 'customerId' | 'financialStatus' | 'fulfillmentStatus' | 'cancelled' | 'fulfillments' | 'giftCard'
>;

/** Which orders an action can be tried on: a cheap test on the list's summary, then one on the order's detail. */
export interface OrderPick {
  summary(o: Summary): boolean;
  detail(o: SimOrder): boolean;
}

/** USD (the shop's currency: presentment amounts are the shop's), live, a customer's, no gift card. */
const live = (o: Summary) => o.currency === 'USD' && !o.cancelled && o.customerId !== null && !o.giftCard;
const paid = (o: Summary) => live(o) && o.financialStatus === 'PAID';
const shipped = (o: Summary) => o.fulfillmentStatus === 'FULFILLED' || o.fulfillmentStatus === 'PARTIALLY_FULFILLED';
/** A line item one unit of which can be refunded, above the requester's limit. */
export const refundLine = (o: SimOrder) =>
  o.lineItems.find((l) => !l.giftCard && l.refundableQuantity >= 1 && Number(l.discountedUnitPrice) > Number(REQUESTER_LIMIT));
/** A shipped line item, nothing of it refunded. */
export const shippedLine = (o: SimOrder) =>
  o.lineItems.find((l) => !l.giftCard && l.fulfilledQuantity > 0 && l.refundableQuantity === l.fulfilledQuantity);

export const PICKS = {
  any: { summary: live, detail: () => true },
  tagged: { summary: live, detail: (o) => o.tags.length >= 1 },
  unshipped: { summary: (o) => live(o) && o.fulfillmentStatus === 'UNFULFILLED', detail: () => true },
  shipped: {
    summary: (o) => paid(o) && shipped(o),
    detail: (o) => o.shippingAddress !== null && o.refunds.length === 0 && !!shippedLine(o),
  },
  refundable: { summary: paid, detail: (o) => o.refunds.length === 0 && !!refundLine(o) },
  cancellable: {
    summary: (o) => paid(o) && o.fulfillmentStatus === 'UNFULFILLED' && o.fulfillments === 0,
    detail: (o) => o.refunds.length === 0,
  },
} satisfies Record<string, OrderPick>;

/** Hands out orders of the simulator, each at most once (until `reset`: the simulator's reset re-seeds them). */
export function orderPicker(simUrl: string) {
  const used = new Set<string>();
  let summaries: Summary[] | null = null;
  return {
    reset: () => {
      used.clear();
      summaries = null;
    },
    async take(pick: OrderPick, n: number): Promise<SimOrder[]> {
      summaries ??= (await control(simUrl, 'orders')) as Summary[];
      const out: SimOrder[] = [];
      for (const s of summaries) {
        if (out.length === n) break;
        if (used.has(s.id) || !pick.summary(s)) continue;
        const order = (await control(simUrl, `orders/${encodeURIComponent(s.id)}`)) as SimOrder;
        if (!pick.detail(order)) continue;
        used.add(order.id);
        out.push(order);
      }
      if (out.length < n) throw new Error(`the store has ${out.length} orders fit for this action, ${n} wanted`);
      return out;
    },
  };
}

/** The names of the Shopify mutations this subgraph sends (every `mutation Name` of src/shopify/*operations.ts). */
export function shopifyMutationNames(): Set<string> {
  const dir = join(ROOT, 'src', 'shopify');
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('operations.ts'))) {
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/\bmutation\s+([_A-Za-z][_0-9A-Za-z]*)/g)) names.add(m[1]!);
  }
  return names;
}

/** What the simulator served between two readings of its stats. */
export interface ShopifyDelta {
  requests: number;
  byOperation: Record<string, number>;
  requestedCost: number;
  actualCost: number;
  throttled: number;
}

type Stats = ShopifyDelta;
const statsOf = (simUrl: string): Promise<Stats> => control(simUrl, 'stats');

function minus(a: Stats, b: Stats): ShopifyDelta {
  const byOperation: Record<string, number> = {};
  for (const [op, n] of Object.entries(a.byOperation)) if (n - (b.byOperation[op] ?? 0) > 0) byOperation[op] = n - (b.byOperation[op] ?? 0);
  return {
    requests: a.requests - b.requests,
    byOperation,
    requestedCost: a.requestedCost - b.requestedCost,
    actualCost: a.actualCost - b.actualCost,
    throttled: a.throttled - b.throttled,
  };
}

/** The subgraph's answer to one mutation: its payload, its first problem (null: none), and how long it took. */
export interface Answer {
  ms: number;
  payload: any;
  problem: string | null;
}

/** POSTs one mutation to the subgraph as `token` (with the router's secret) and times it. */
export async function mutate(url: string, routerSecret: string, token: string, kind: { document: string; field: string }, input: object) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'router-authorization': routerSecret },
    body: JSON.stringify({ query: kind.document, variables: { input } }),
  });
  const body = (await res.json()) as { data?: Record<string, any>; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  const ms = performance.now() - t0;
  const payload = body.data?.[kind.field] ?? null;
  const error = body.errors?.[0];
  const userError = payload?.userErrors?.[0];
  const problem = error
    ? `${error.extensions?.code ?? 'ERROR'}: ${error.message}`
    : userError
      ? `${userError.code}: ${userError.message}`
      : payload
        ? null
        : `HTTP ${res.status}: no payload`;
  return { ms, payload, problem } satisfies Answer;
}

/** A call measured: what it returned, and the Shopify requests and points it caused (the simulator's stats before and after). */
export async function measured<T>(simUrl: string, call: () => Promise<T>): Promise<{ value: T; shopify: ShopifyDelta }> {
  const before = await statsOf(simUrl);
  const value = await call();
  return { value, shopify: minus(await statsOf(simUrl), before) };
}

/** How many of these requests were Shopify mutations. */
export const mutationsIn = (d: ShopifyDelta, names: ReadonlySet<string>): number =>
  Object.entries(d.byOperation).reduce((n, [op, c]) => n + (names.has(op) ? c : 0), 0);

/** A fresh idempotency key. */
export const newKey = (): string => randomUUID();
