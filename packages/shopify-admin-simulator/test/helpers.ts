/** Small helpers for the simulator tests: raw GraphQL over HTTP and the control API. */
import { startSimulator, type Simulator, type SimulatorOptions } from '../src/index.js';

export interface GqlResult {
  status: number;
  headers: Headers;
  body: any;
}

/** POSTs a GraphQL request to the simulator with its token (or the headers given). */
export async function gql(
  sim: Simulator,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GqlResult> {
  const res = await fetch(sim.graphqlUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': sim.token, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

/** GET or POST on the control API. */
export async function control<T = any>(sim: Simulator, path: string, body?: unknown): Promise<T> {
  const res = await fetch(
    `${sim.url}/__simulator/${path}`,
    body === undefined ? {} : { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
  );
  if (!res.ok) throw new Error(`control ${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A simulator for one test file, with a generous bucket so unrelated tests never throttle each other. */
/** Ids of the customers (at most 250) a Shopify search query finds, in the simulator's order. */
export async function customerIds(sim: Simulator, query: string): Promise<string[]> {
  const res = await gql(sim, 'query Find($q: String!) { customers(first: 250, query: $q) { nodes { id } } }', { q: query });
  if (res.body.errors) throw new Error(`search ${JSON.stringify(query)} failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.customers.nodes.map((n: { id: string }) => n.id);
}

export function simulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, maximumAvailable: 1_000_000, restoreRate: 1_000_000, ...options });
}

export interface OrderSummary {
  id: string;
  name: string;
  customerId: string | null;
  currency: string;
  sourceName: string;
  retailLocationId: string | null;
  financialStatus: string;
  fulfillmentStatus: string;
  cancelled: boolean;
  refundable: boolean;
  totalPrice: string;
  fulfillments: number;
  trackingNumbers: number;
  giftCard: boolean;
}

/** Decimal string → integer cents, for exact money arithmetic in assertions. */
export const cents = (amount: string): number => Math.round(Number(amount) * 100);
/** Integer cents → Shopify's decimal string. */
export const money = (c: number): string => (c / 100).toFixed(2);

export { describeShopifyCostRules, type CostRules } from './cost-rules.js';
