/** Webhooks of draft orders (draft_orders/create, draft_orders/update, orders/create) and GET /__simulator/draft-orders/{id}. */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { control, gql, simulator } from './helpers.js';

const SECRET = 'whsec_drafts';
const APP_SECRET = 'shpss_drafts_app';
let sim: Simulator;
let receiver: Server;
let base: string;
const received: Array<{ path: string; topic: string; hmac: string; raw: string }> = [];

beforeAll(async () => {
  sim = await simulator({ customers: 60 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      received.push({
        path: req.url ?? '',
        topic: String(req.headers['x-shopify-topic']),
        hmac: String(req.headers['x-shopify-hmac-sha256']),
        raw,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  await control(sim, 'webhooks', {
    url: `${base}/control`,
    secret: SECRET,
    topics: ['draft_orders/create', 'draft_orders/update', 'orders/create'],
  });
  await control(sim, 'app', { webhookSecret: APP_SECRET });
  const sub = await gql(
    sim,
    'mutation($uri: String!) { webhookSubscriptionCreate(topic: DRAFT_ORDERS_CREATE, webhookSubscription: { uri: $uri }) { userErrors { message } } }',
    { uri: `${base}/app` },
  );
  expect(sub.body.data.webhookSubscriptionCreate.userErrors).toEqual([]);
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => receiver.close(r));
});
beforeEach(async () => {
  await sim.settleWebhooks();
  received.length = 0;
});

const CREATE = `mutation($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { id name } userErrors { field message } } }`;
const COMPLETE = `mutation($id: ID!) { draftOrderComplete(id: $id) { draftOrder { id order { id } } userErrors { field message } } }`;
const sign = (raw: string, secret: string) => createHmac('sha256', secret).update(raw, 'utf8').digest('base64');
const numeric = (gid: string) => Number(gid.split('/').pop());

/** The bodies delivered to one receiver path for one topic, once every delivery has finished. */
async function bodies(path: string, topic: string): Promise<any[]> {
  await sim.settleWebhooks();
  return received.filter((r) => r.path === path && r.topic === topic).map((r) => JSON.parse(r.raw));
}

describe('draft order webhooks', () => {
  it('sends draft_orders/create on creation, to the control subscription and the app’s, each signed with its secret', async () => {
    const input = {
      lineItems: [{ variantId: 'gid://shopify/ProductVariant/90000001', quantity: 2 }],
      appliedDiscount: { valueType: 'PERCENTAGE', value: 100, title: 'Replacement' },
      shippingAddress: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        address1: '1 Elm Grove',
        city: 'Leeds',
        zip: 'LS6 1AN',
        countryCode: 'GB',
      },
      tags: ['replacement'],
      note: 'free',
    };
    const d = (await gql(sim, CREATE, { input })).body.data.draftOrderCreate.draftOrder;
    const [toControl] = await bodies('/control', 'draft_orders/create');
    expect(toControl).toEqual({
      id: numeric(d.id),
      admin_graphql_api_id: d.id,
      name: d.name,
      status: 'open',
      email: null,
      note: 'free',
      tags: 'replacement',
      currency: 'USD',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      completed_at: null,
      order_id: null,
      customer: null,
      shipping_address: {
        first_name: 'Ada',
        last_name: 'Lovelace',
        name: 'Ada Lovelace',
        company: null,
        address1: '1 Elm Grove',
        address2: null,
        city: 'Leeds',
        province: null,
        province_code: null,
        zip: 'LS6 1AN',
        country: 'United Kingdom',
        country_code: 'GB',
        phone: null,
      },
      shipping_line: null,
      applied_discount: { title: 'Replacement', description: '', value: '100', value_type: 'percentage', amount: '58.00' },
      line_items: [
        {
          id: expect.any(Number),
          admin_graphql_api_id: expect.stringMatching(/^gid:\/\/shopify\/DraftOrderLineItem\//),
          variant_id: 90000001,
          product_id: 80000001,
          title: 'Merino Wool Beanie',
          variant_title: 'Charcoal',
          sku: 'MWB-001-1',
          quantity: 2,
          price: '29.00',
          custom: false,
          gift_card: false,
          requires_shipping: true,
          applied_discount: null,
          discounted_price: '0.00',
        },
      ],
      subtotal_price: '0.00',
      total_price: '0.00',
      total_tax: '0.00',
    });
    const hooks = received.filter((r) => r.topic === 'draft_orders/create');
    expect(hooks.map((h) => h.path).sort()).toEqual(['/app', '/control']);
    for (const h of hooks) expect(h.hmac).toBe(sign(h.raw, h.path === '/app' ? APP_SECRET : SECRET));
  });

  it('sends orders/create for the new order and draft_orders/update (completed, with the order) on completion', async () => {
    const input = {
      lineItems: [{ title: 'Spare part', originalUnitPriceWithCurrency: { amount: '3.00', currencyCode: 'USD' }, quantity: 1 }],
      tags: ['spare'],
    };
    const d = (await gql(sim, CREATE, { input })).body.data.draftOrderCreate.draftOrder;
    await sim.settleWebhooks();
    received.length = 0;
    const done = (await gql(sim, COMPLETE, { id: d.id })).body.data.draftOrderComplete;
    const orderId: string = done.draftOrder.order.id;
    const [created] = await bodies('/control', 'orders/create');
    expect(created).toMatchObject({
      admin_graphql_api_id: orderId,
      source_name: 'shopify_draft_order',
      financial_status: 'paid',
      total_price: '3.00',
      tags: 'spare',
      shipping_address: null,
      line_items: [{ title: 'Spare part', quantity: 1, price: '3.00' }],
    });
    const [updated] = await bodies('/control', 'draft_orders/update');
    expect(updated).toMatchObject({ admin_graphql_api_id: d.id, status: 'completed', order_id: numeric(orderId), total_price: '3.00' });
    expect(updated.completed_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // the app subscribed to DRAFT_ORDERS_CREATE only
    expect(received.filter((r) => r.path === '/app')).toEqual([]);
  });

  it('sends draft_orders/update when a draft’s tags change', async () => {
    const d = (await gql(sim, CREATE, { input: { lineItems: [{ variantId: 'gid://shopify/ProductVariant/90000011', quantity: 1 }] } })).body
      .data.draftOrderCreate.draftOrder;
    await sim.settleWebhooks();
    received.length = 0;
    await gql(sim, 'mutation($id: ID!) { tagsAdd(id: $id, tags: "a, b") { userErrors { message } } }', { id: d.id });
    expect((await bodies('/control', 'draft_orders/update')).map((b) => [b.admin_graphql_api_id, b.tags])).toEqual([[d.id, 'a, b']]);
  });
});

describe('GET /__simulator/draft-orders/{id}', () => {
  it('answers one draft by GID or numeric id, and 404 for an unknown one', async () => {
    const d = (await gql(sim, CREATE, { input: { lineItems: [{ variantId: 'gid://shopify/ProductVariant/90000011', quantity: 3 }] } })).body
      .data.draftOrderCreate.draftOrder;
    const byGid = await control(sim, `draft-orders/${encodeURIComponent(d.id)}`);
    expect(byGid).toMatchObject({ id: d.id, name: d.name, status: 'OPEN', orderId: null, totalPrice: '72.00' });
    expect(byGid.lineItems).toEqual([
      {
        id: expect.any(String),
        variantId: 'gid://shopify/ProductVariant/90000011',
        title: 'Canvas Tote Bag',
        quantity: 3,
        unitPrice: '24.00',
      },
    ]);
    expect(await control(sim, `draft-orders/${numeric(d.id)}`)).toEqual(byGid);
    const missing = await fetch(`${sim.url}/__simulator/draft-orders/gid%3A%2F%2Fshopify%2FDraftOrder%2F1`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'no draft order gid://shopify/DraftOrder/1' });
  });
});
