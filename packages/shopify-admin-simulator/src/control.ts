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
  try {
    const route = `${method} ${path.replace(/^\/__simulator/, '')}`;
    // POST only: a stray GET (a browser prefetch, a link checker) must never wipe the store.
    if (route === 'POST /reset') {
      const r = resetSchema.parse(input);
      try {
        state.reset(r);
      } catch (err) {
        // a store that shares customers cannot take every size (the other store may have too few to share)
        return send(res, 400, { error: err instanceof Error ? err.message : String(err) });
      }
      return send(res, 200, { ok: true, seed: state.seed, customers: state.store.customers.size, orders: state.store.orders.size });
    }
    if (route === 'GET /stats') return send(res, 200, state.stats);
    if (route === 'GET /shop') return send(res, 200, shop(state));
    if (route === 'GET /customers') return send(res, 200, customers(state));
    if (route === 'POST /customers') {
      const c = newCustomerSchema.parse(input);
      if (state.store.customerByEmail(c.email)) return send(res, 409, { error: 'Email has already been taken' });
      return send(res, 200, addCustomer(state, c));
    }
    if (route === 'POST /orders') {
      const o = newOrderSchema.parse(input);
      const order = placeOrder(state.store, { ...o, customerId: parseGid(o.customerId, 'Customer') ?? -1 });
      return order ? send(res, 200, orderDetail(state, order)) : send(res, 404, { error: `no customer ${o.customerId}` });
    }
    // The app's own subscriptions (webhookSubscriptionCreate) and the secret they are signed with.
    if (route === 'GET /app') return send(res, 200, { subscriptions: state.store.webhookSubscriptions.describe() });
    if (route === 'POST /app') {
      state.store.webhookSubscriptions.secret = appSchema.parse(input).webhookSecret;
      return send(res, 200, { subscriptions: state.store.webhookSubscriptions.describe() });
    }
    // Search behaviour a test can choose; a reset (a new store) goes back to exact matching.
    if (route === 'POST /search') {
      state.store.emailSearch = searchSchema.parse(input).emailMatch;
      return send(res, 200, { emailMatch: state.store.emailSearch });
    }
    // Charging other than the published rules, for tests of what the client learns; a reset goes back to the start's.
    if (route === 'GET /cost') return send(res, 200, state.charging);
    if (route === 'POST /cost') {
      state.charging = costSchema.parse(input);
      return send(res, 200, state.charging);
    }
    if (route === 'GET /orders')
      return send(
        res,
        200,
        [...state.store.orders.values()].map((o) => orderSummary(o)),
      );
    if (method === 'GET' && path.startsWith('/__simulator/orders/')) {
      const raw = decodeURIComponent(path.slice('/__simulator/orders/'.length));
      const order = state.store.orders.get(parseGid(raw, 'Order') ?? -1);
      return order ? send(res, 200, orderDetail(state, order)) : send(res, 404, { error: `no order ${raw}` });
    }
    if (route === 'GET /discounts') return send(res, 200, discounts(state));
    if (route === 'GET /draft-orders') return send(res, 200, [...state.store.draftOrders.values()].map(draftOrderSummary));
    if (method === 'GET' && path.startsWith('/__simulator/draft-orders/')) {
      const raw = decodeURIComponent(path.slice('/__simulator/draft-orders/'.length));
      const draft = state.store.draftOrders.get(parseGid(raw, 'DraftOrder') ?? -1);
      return draft ? send(res, 200, draftOrderSummary(draft)) : send(res, 404, { error: `no draft order ${raw}` });
    }
    if (route === 'GET /faults') return send(res, 200, state.faults.snapshot());
    if (route === 'POST /faults') return send(res, 200, state.faults.set(input));
    if (route === 'GET /throttle') return send(res, 200, state.bucket.status(state.token));
    if (route === 'POST /throttle') {
      state.bucket.configure(throttleSchema.parse(input));
      return send(res, 200, state.bucket.status(state.token));
    }
    if (route === 'GET /webhooks') {
      if (new URL(req.url ?? '/', 'http://x').searchParams.has('settle')) await state.webhooks.settle();
      return send(res, 200, { subscriptions: state.webhooks.list(), deliveries: state.webhooks.deliveries });
    }
    if (route === 'POST /webhooks') {
      const w = webhookSchema.parse(input);
      if (!w.url) state.webhooks.clear();
      else if (!w.secret) return send(res, 400, { error: 'secret is required with url' });
      else state.webhooks.subscribe({ url: w.url, secret: w.secret, topics: w.topics ?? null });
      return send(res, 200, { subscriptions: state.webhooks.list() });
    }
    return send(res, 404, { error: `unknown control route ${route}` });
  } catch (err) {
    if (err instanceof z.ZodError) return send(res, 400, { error: 'invalid body', issues: err.issues });
    throw err;
  }
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
