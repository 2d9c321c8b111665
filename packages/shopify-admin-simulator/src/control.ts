/**
 * The control API under /__simulator/ for tests, demos and benchmarks: JSON in and out, no token (it is never on a
 * path a real store serves). It reads and resets the simulator's state, tells who the shop is, adds customers,
 * chooses how `email:` search matches and how queries are charged (`POST /cost {"factor": 0.25}`: requested and actual
 * costs scaled from the published rules, rounded, at least 1), places orders (`POST /orders`), lists draft orders
 * (`GET /draft-orders`, one by GID or id: `GET /draft-orders/{id}`) and sets the app's webhook secret (`POST /app`);
 * it never goes through the GraphQL bucket. Customers and orders it adds emit customers/create and orders/create, as
 * Shopify does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { displayName } from './filters.js';
import { discounts, draftOrderSummary, orderDetail, orderSummary } from './control-views.js';
import { fmt, gid, parseGid } from './model.js';
import { placeOrder } from './new-order.js';
import type { SimulatorState } from './state.js';
import { WEBHOOK_TOPICS } from './store.js';

const resetSchema = z.object({ seed: z.number().int().optional(), customers: z.number().int().min(0).max(100_000).optional() }).strict();
const throttleSchema = z.object({ maximumAvailable: z.number().positive().optional(), restoreRate: z.number().min(0).optional() }).strict();
/** A customer added by a test or demo; Shopify keeps emails unique per store, so a taken email is refused. */
const newCustomerSchema = z
  .object({
    email: z.string().trim().min(3).max(254),
    firstName: z.string().max(255).nullable().optional(),
    lastName: z.string().max(255).nullable().optional(),
  })
  .strict();
/** How queries are charged against Shopify's published rules (cost.ts `Charging`): 0.25 = a quarter, 2.5 = more. */
const costSchema = z.object({ factor: z.number().positive().max(100) }).strict();
/** An order placed now for an existing customer (new-order.ts); prices in the shop's currency. */
const newOrderSchema = z
  .object({
    customerId: z.string().min(1),
    lineItems: z
      .array(
        z.object({ title: z.string().min(1).max(255), quantity: z.number().int().min(1).max(1000), price: z.number().min(0) }).strict(),
      )
      .max(50)
      .optional(),
    note: z.string().max(5000).nullable().optional(),
  })
  .strict();
/** The app installed in the shop: the secret its webhook subscriptions are signed with. */
const appSchema = z.object({ webhookSecret: z.string().min(1) }).strict();
const searchSchema = z.object({ emailMatch: z.enum(['exact', 'prefix']) }).strict();
const webhookSchema = z
  .object({
    url: z.string().url().optional(),
    secret: z.string().min(1).optional(),
    topics: z.array(z.enum(WEBHOOK_TOPICS)).optional(),
  })
  .strict();

/** One control request as its handler sees it: the state, the parsed JSON body ({} when none) and the raw request. */
interface ControlRequest {
  state: SimulatorState;
  input: unknown;
  req: IncomingMessage;
}
interface Reply {
  status: number;
  body: unknown;
}
type Handler = (r: ControlRequest) => Reply | Promise<Reply>;

const ok = (body: unknown): Reply => ({ status: 200, body });
const fail = (status: number, error: string): Reply => ({ status, body: { error } });

/** Every fixed route, by `METHOD /path` under /__simulator. */
const ROUTES: Readonly<Record<string, Handler>> = {
  // POST only: a stray GET (a browser prefetch, a link checker) must never wipe the store.
  'POST /reset': ({ state, input }) => reset(state, resetSchema.parse(input)),
  'GET /stats': ({ state }) => ok(state.stats),
  'GET /shop': ({ state }) => ok(shop(state)),
  'GET /customers': ({ state }) => ok(customers(state)),
  'POST /customers': ({ state, input }) => {
    const c = newCustomerSchema.parse(input);
    return state.store.customerByEmail(c.email) ? fail(409, 'Email has already been taken') : ok(addCustomer(state, c));
  },
  'GET /orders': ({ state }) => ok([...state.store.orders.values()].map((o) => orderSummary(o))),
  'POST /orders': ({ state, input }) => {
    const o = newOrderSchema.parse(input);
    const order = placeOrder(state.store, { ...o, customerId: parseGid(o.customerId, 'Customer') ?? -1 });
    return order ? ok(orderDetail(state, order)) : fail(404, `no customer ${o.customerId}`);
  },
  // The app's own subscriptions (webhookSubscriptionCreate) and the secret they are signed with.
  'GET /app': ({ state }) => ok({ subscriptions: state.store.webhookSubscriptions.describe() }),
  'POST /app': ({ state, input }) => {
    state.store.webhookSubscriptions.secret = appSchema.parse(input).webhookSecret;
    return ok({ subscriptions: state.store.webhookSubscriptions.describe() });
  },
  // Search behaviour a test can choose; a reset (a new store) goes back to exact matching.
  'POST /search': ({ state, input }) => {
    state.store.emailSearch = searchSchema.parse(input).emailMatch;
    return ok({ emailMatch: state.store.emailSearch });
  },
  // Charging other than the published rules, for tests of what the client learns; a reset goes back to the start's.
  'GET /cost': ({ state }) => ok(state.charging),
  'POST /cost': ({ state, input }) => {
    state.charging = costSchema.parse(input);
    return ok(state.charging);
  },
  'GET /discounts': ({ state }) => ok(discounts(state)),
  'GET /draft-orders': ({ state }) => ok([...state.store.draftOrders.values()].map(draftOrderSummary)),
  'GET /faults': ({ state }) => ok(state.faults.snapshot()),
  'POST /faults': ({ state, input }) => ok(state.faults.set(input)),
  'GET /throttle': ({ state }) => ok(state.bucket.status(state.token)),
  'POST /throttle': ({ state, input }) => {
    state.bucket.configure(throttleSchema.parse(input));
    return ok(state.bucket.status(state.token));
  },
  'GET /webhooks': async ({ state, req }) => {
    if (new URL(req.url ?? '/', 'http://x').searchParams.has('settle')) await state.webhooks.settle();
    return ok({ subscriptions: state.webhooks.list(), deliveries: state.webhooks.deliveries });
  },
  'POST /webhooks': ({ state, input }) => {
    const w = webhookSchema.parse(input);
    if (!w.url) state.webhooks.clear();
    else if (!w.secret) return fail(400, 'secret is required with url');
    else state.webhooks.subscribe({ url: w.url, secret: w.secret, topics: w.topics ?? null });
    return ok({ subscriptions: state.webhooks.list() });
  },
};

/** Routes that end in a GID or numeric id (`GET /orders/{id}`), by the route's prefix. */
const ID_ROUTES: ReadonlyArray<[prefix: string, handler: (state: SimulatorState, raw: string) => Reply]> = [
  [
    'GET /orders/',
    (state, raw) => {
      const order = state.store.orders.get(parseGid(raw, 'Order') ?? -1);
      return order ? ok(orderDetail(state, order)) : fail(404, `no order ${raw}`);
    },
  ],
  [
    'GET /draft-orders/',
    (state, raw) => {
      const draft = state.store.draftOrders.get(parseGid(raw, 'DraftOrder') ?? -1);
      return draft ? ok(draftOrderSummary(draft)) : fail(404, `no draft order ${raw}`);
    },
  ],
];

/** Handles one /__simulator/ request. */
export async function handleControl(
  state: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  let input: unknown = {};
  if (method === 'POST' && body.trim()) {
    try {
      input = JSON.parse(body);
    } catch {
      return send(res, 400, { error: 'body is not JSON' });
    }
  }
  const route = `${method} ${path.replace(/^\/__simulator/, '')}`;
  try {
    const reply = await dispatch(route, { state, input, req });
    send(res, reply.status, reply.body);
  } catch (err) {
    if (err instanceof z.ZodError) return send(res, 400, { error: 'invalid body', issues: err.issues });
    throw err;
  }
}

/** The reply of the route's handler, or 404 for a route there is none for. */
function dispatch(route: string, r: ControlRequest): Reply | Promise<Reply> {
  if (Object.hasOwn(ROUTES, route)) return ROUTES[route]!(r);
  for (const [prefix, handler] of ID_ROUTES) {
    if (route.startsWith(prefix)) return handler(r.state, decodeURIComponent(route.slice(prefix.length)));
  }
  return fail(404, `unknown control route ${route}`);
}

function reset(state: SimulatorState, options: z.infer<typeof resetSchema>): Reply {
  try {
    state.reset(options);
  } catch (err) {
    // a store that shares customers cannot take every size (the other store may have too few to share)
    return fail(400, err instanceof Error ? err.message : String(err));
  }
  return ok({ ok: true, seed: state.seed, customers: state.store.customers.size, orders: state.store.orders.size });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Who the shop is and whom it shares customers with: what a test or demo needs to set up a second store beside it. */
function shop(state: SimulatorState) {
  const store = state.store;
  const shared = state.shop.sharedCustomers;
  return {
    name: store.shop.name,
    currencyCode: store.shopCurrency,
    myshopifyDomain: store.myshopifyDomain(),
    idOffset: store.shop.idOffset,
    seed: state.seed,
    // the seeded count (what reset takes), not counting customers added through this API
    customers: state.customers,
    sharedCustomers: shared
      ? { seed: shared.seed, customers: shared.customers ?? 500, currencyCode: shared.currencyCode ?? 'USD', fraction: shared.fraction }
      : null,
  };
}

function customers(state: SimulatorState) {
  const store = state.store;
  return [...store.customers.values()].map((c) => ({
    id: gid('Customer', c.id),
    email: c.email,
    phone: c.phone,
    displayName: displayName(c),
    firstName: c.firstName,
    lastName: c.lastName,
    numberOfOrders: c.orderIds.length,
    amountSpent: fmt(store.amountSpentMinor(c)),
    emailMarketingState: c.emailMarketing,
    tags: c.tags,
    orderIds: c.orderIds.map((id) => gid('Order', id)),
  }));
}

function addCustomer(state: SimulatorState, input: z.infer<typeof newCustomerSchema>) {
  const now = new Date().toISOString();
  const id = state.store.nextId('customer');
  state.store.addCustomer({
    __typename: 'Customer',
    id,
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    email: input.email,
    phone: null,
    emailMarketing: 'NOT_SUBSCRIBED',
    note: null,
    tags: [],
    locale: 'en',
    countryCode: 'US',
    createdAt: now,
    updatedAt: now,
    orderIds: [],
  });
  state.store.emit('customers/create', id);
  return customers(state).find((c) => c.id === gid('Customer', id));
}
