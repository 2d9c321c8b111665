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

/** Ids of the customers (at most 250) a Shopify search query finds, in the simulator's order. */
export async function customerIds(sim: Simulator, query: string): Promise<string[]> {
  const res = await gql(sim, 'query Find($q: String!) { customers(first: 250, query: $q) { nodes { id } } }', { q: query });
  if (res.body.errors) throw new Error(`search ${JSON.stringify(query)} failed: ${JSON.stringify(res.body.errors)}`);
  return res.body.data.customers.nodes.map((n: { id: string }) => n.id);
}

/** A simulator for one test file, with a generous bucket so unrelated tests never throttle each other. */
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

/** A customer as the control API lists it (GET /__simulator/customers); amountSpent is in the shop's currency. */
export interface SimCustomer {
  id: string;
  email: string | null;
  phone: string | null;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  numberOfOrders: number;
  amountSpent: string;
  emailMarketingState: string | null;
  tags: string[];
  orderIds: string[];
}

/** One person who is a customer of both stores: the shared (lower-case) email and each store's own record. */
export interface SharedCustomer {
  email: string;
  a: SimCustomer;
  b: SimCustomer;
}

/** The customers two simulators have in common (same email, case-insensitive), in the order `a` lists them. */
export async function sharedCustomers(a: Simulator, b: Simulator): Promise<SharedCustomer[]> {
  const [inA, inB] = await Promise.all([control<SimCustomer[]>(a, 'customers'), control<SimCustomer[]>(b, 'customers')]);
  const byEmail = new Map(inB.flatMap((c) => (c.email ? [[c.email.toLowerCase(), c] as const] : [])));
  return inA.flatMap((c) => {
    const other = c.email ? byEmail.get(c.email.toLowerCase()) : undefined;
    return other ? [{ email: c.email!.toLowerCase(), a: c, b: other }] : [];
  });
}

/** The (lower-case) emails two simulators' customers have in common, sorted. */
export async function sharedEmails(a: Simulator, b: Simulator): Promise<string[]> {
  return (await sharedCustomers(a, b)).map((s) => s.email).sort();
}

/** A brand's two stores, the way issue 13's demo has them: what storePair starts. */
export interface StorePair {
  /** seed 1, USD, "US store" (ids as the default simulator's) */
  us: Simulator;
  /** seed 2, EUR, "EU store": `fraction` of its customers are also customers of `us`, under other ids */
  eu: Simulator;
  close(): Promise<void>;
}

/**
 * Starts a US store (seed 1, USD) and an EU store (seed 2, EUR) whose customers share `fraction` (default 0.3) with
 * the US store's; `us`/`eu` options are added to each (e.g. a token or a smaller `customers`).
 */
export async function storePair(
  options: { fraction?: number; customers?: number; us?: SimulatorOptions; eu?: SimulatorOptions } = {},
): Promise<StorePair> {
  const customers = options.customers ?? 500;
  const usOptions: SimulatorOptions = { seed: 1, customers, currencyCode: 'USD', name: 'US store', ...options.us };
  const started = await Promise.allSettled([
    simulator(usOptions),
    simulator({
      seed: 2,
      customers,
      currencyCode: 'EUR',
      name: 'EU store',
      sharedCustomers: {
        seed: usOptions.seed!,
        customers: usOptions.customers!,
        currencyCode: usOptions.currencyCode,
        fraction: options.fraction ?? 0.3,
      },
      ...options.eu,
    }),
  ]);
  const [us, eu] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  if (!us || !eu) {
    // one store failed to start: stop the other so the test run does not keep a server open
    await Promise.all([us?.close(), eu?.close()]);
    throw started.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []))[0];
  }
  return { us, eu, close: async () => void (await Promise.all([us.close(), eu.close()])) };
}
