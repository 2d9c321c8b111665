/**
 * ShopifyOrder.shippingAddress is personal data and a point per order: it is asked of Shopify only when a query
 * selects it and the caller may see it (shopify:orders:edit). The requests are read off the wire: the subgraph talks to
 * the simulator through a recording proxy, so what is checked is what Shopify would receive. The cache is on (the
 * default TTL): an entry read without addresses must not answer a query that selects them.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS_FIELDS,
  asAgent,
  contractAddress,
  newKey,
  startStack,
  startTestSimulator,
  type ContractAddress,
  type Stack,
} from '../actions/helpers.js';
import type { Simulator } from 'shopify-admin-simulator';

interface Sent {
  operation: string;
  variables: Record<string, unknown>;
}
interface SimCustomer {
  id: string;
  email: string | null;
  numberOfOrders: number;
}

let simulator: Simulator;
let proxy: Server;
let h: Stack;
let sent: Sent[] = [];
let customers: SimCustomer[];

/** Forwards every request to the simulator and records the operation and variables of each GraphQL one. */
function recordingProxy(target: string): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'POST' && body) {
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      sent.push({ operation: /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? '?', variables: variables ?? {} });
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)),
    ) as Record<string, string>;
    const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === 'POST' ? body : undefined });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(await answer.text());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  simulator = await startTestSimulator();
  proxy = await recordingProxy(simulator.url);
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  h = await startStack({ simulator, env: { SHOPIFY_STORE_DOMAIN: proxyUrl, SHOPIFY_CACHE_TTL_S: '60' } });
  customers = (await h.sim<SimCustomer[]>('customers')).filter((c) => c.email && c.numberOfOrders >= 2 && c.numberOfOrders <= 10);
});
afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => proxy?.close(resolve));
  await simulator?.close();
});

const cards = (withAddress: boolean) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile {
  orders(limit: 10) { id status ${withAddress ? `shippingAddress { ${ADDRESS_FIELDS} }` : ''} } } } }`;
/** Customers handed out once each, so every test starts from a cold cache entry. */
let next = 0;
const freshCustomer = () => customers[next++]!;
const representation = (c: SimCustomer) => ({ __typename: 'CustomerProfile', id: `p-${c.id}`, emails: [c.email] });
/** The simulator's address as the contract shows it. */
async function simAddress(orderId: string): Promise<ContractAddress | null> {
  const { shippingAddress: a } = await h.sim<{ shippingAddress: Record<string, string | null> | null }>(
    `orders/${encodeURIComponent(orderId)}`,
  );
  return contractAddress(a);
}
/** What the subgraph sent while `run` ran. */
async function during(run: () => Promise<unknown>): Promise<Sent[]> {
  sent = [];
  await run();
  return sent;
}
const flags = (requests: Sent[], operation: string) =>
  requests.filter((s) => s.operation === operation).map((s) => s.variables.withShippingAddress);

describe('ShopifyOrder.shippingAddress on the wire', () => {
  it('is not asked for when not selected, and is asked for (and equals Shopify’s) when selected', async () => {
    const [a, b] = [freshCustomer(), freshCustomer()];
    let res: any;
    const without = await during(async () => (res = await asAgent(h, cards(false), { r: [representation(a)] })));
    expect(res.body.errors).toBeUndefined();
    expect(flags(without, 'ProfileCustomers')).toEqual([false]);

    const withIt = await during(async () => (res = await asAgent(h, cards(true), { r: [representation(b)] })));
    expect(res.body.errors).toBeUndefined();
    expect(flags(withIt, 'ProfileCustomers')).toEqual([true]);
    const orders = res.body.data._entities[0].orders as Array<{ id: string; shippingAddress: ContractAddress | null }>;
    expect(orders).toHaveLength(b.numberOfOrders);
    for (const o of orders) expect(o.shippingAddress).toEqual(await simAddress(o.id));
    expect(orders.some((o) => o.shippingAddress !== null)).toBe(true);
  });

  it('is not asked for when the caller may not see it: the field alone fails FORBIDDEN', async () => {
    const c = freshCustomer();
    let res: any;
    const requests = await during(async () => (res = await asAgent(h, cards(true), { r: [representation(c)] }, ['shopify:read'])));
    expect(flags(requests, 'ProfileCustomers')).toEqual([false]);
    const orders = res.body.data._entities[0].orders;
    expect(orders.map((o: { shippingAddress: unknown }) => o.shippingAddress)).toEqual(orders.map(() => null));
    expect(orders.every((o: { id: string; status: string }) => o.id && o.status)).toBe(true);
    expect(res.body.errors.map((e: any) => [e.extensions.code, e.path.at(-1)])).toEqual(orders.map(() => ['FORBIDDEN', 'shippingAddress']));
  });

  it('a cached card read without addresses does not answer a query for them; one read with them answers both', async () => {
    const c = freshCustomer();
    const read = (withAddress: boolean) => during(() => asAgent(h, cards(withAddress), { r: [representation(c)] }));
    expect(flags(await read(false), 'ProfileCustomers')).toEqual([false]);
    expect(await read(false)).toEqual([]);
    expect(flags(await read(true), 'ProfileCustomers')).toEqual([true]);
    expect(await read(true)).toEqual([]);
    expect(await read(false)).toEqual([]);
  });

  it('a payload order reads it in the same request only when selected; an order read without it reads it alone', async () => {
    // An order nothing of which has shipped (so it can be cancelled below) that has an address to read.
    const candidates = (
      await h.sim<Array<{ id: string; customerId: string | null; fulfillments: number; cancelled: boolean }>>('orders')
    ).filter((o) => o.customerId !== null && o.fulfillments === 0 && !o.cancelled);
    let orderId: string | undefined;
    for (const o of candidates) if (!orderId && (await simAddress(o.id)) !== null) orderId = o.id;
    expect(orderId).toBeDefined();
    const note = (fields: string) =>
      during(() =>
        asAgent(h, `mutation($input: ShopifyUpdateOrderNoteInput!) { updateOrderNote(input: $input) { order { id ${fields} } } }`, {
          input: { orderId, note: `note ${fields.length}`, idempotencyKey: newKey() },
        }),
      );
    expect(flags(await note(''), 'ActionOrder')).toEqual([false]);
    const withIt = await note(`shippingAddress { ${ADDRESS_FIELDS} }`);
    expect(flags(withIt, 'ActionOrder')).toEqual([true]);
    expect(withIt.filter((s) => s.operation === 'OrderShippingAddress')).toEqual([]);

    let res: any;
    const cancel = await during(
      async () =>
        (res = await asAgent(
          h,
          `mutation($input: ShopifyCancelOrderInput!) { cancelOrder(input: $input) { order { id shippingAddress { ${ADDRESS_FIELDS} } } } }`,
          {
            input: { orderId, reason: 'CUSTOMER', refund: false, restock: false, idempotencyKey: newKey() },
          },
        )),
    );
    expect(res.body.errors).toBeUndefined();
    expect(flags(cancel, 'ActionOrder')).toEqual([false]);
    expect(cancel.filter((s) => s.operation === 'OrderShippingAddress')).toEqual([
      { operation: 'OrderShippingAddress', variables: { id: orderId } },
    ]);
    const address = await simAddress(orderId!);
    expect(address).not.toBeNull();
    expect(res.body.data.cancelOrder.order.shippingAddress).toEqual(address);
  });
});
