/** Order.shippingAddress, orderUpdate, tagsAdd and tagsRemove: documented semantics, user errors and webhooks. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { control, gql, simulator, type OrderSummary } from './helpers.js';

let sim: Simulator;
let receiver: Server;
const received: Array<{ topic: string; body: any }> = [];

beforeAll(async () => {
  sim = await simulator();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ topic: String(req.headers['x-shopify-topic']), body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  await control(sim, 'webhooks', { url, secret: 'whsec_edits' });
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => receiver.close(r));
});
beforeEach(async () => {
  await sim.settleWebhooks();
  received.length = 0;
});

const ADDRESS = `firstName lastName name company address1 address2 city province provinceCode zip country countryCodeV2 phone
  formatted formattedArea`;
const UPDATE = `mutation Update($input: OrderInput!) {
  orderUpdate(input: $input) {
    order { id note tags email phone poNumber updatedAt customAttributes { key value } shippingAddress { ${ADDRESS} } }
    userErrors { field message }
  }
}`;
const TAGS_ADD = `mutation Add($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) { node { id ... on Order { tags } ... on Customer { tags } } userErrors { field message } }
}`;
const TAGS_REMOVE = `mutation Remove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) { node { id ... on Order { tags } ... on Customer { tags } } userErrors { field message } }
}`;
const READ = `query($id: ID!) { order(id: $id) { id note tags email updatedAt shippingAddress { ${ADDRESS} } } }`;

/** The n-th seeded order (of the control API's list) that passes `test`. */
async function seededOrder(test: (o: OrderSummary) => boolean, n = 0): Promise<OrderSummary> {
  const orders = await control<OrderSummary[]>(sim, 'orders');
  return orders.filter(test)[n]!;
}

const detail = (id: string) => control(sim, `orders/${encodeURIComponent(id)}`);

async function hooks(topic: string) {
  await sim.settleWebhooks();
  return received.filter((r) => r.topic === topic).map((r) => r.body);
}

describe('Order.shippingAddress', () => {
  it('is the seeded address of an order that ships, the same through GraphQL and the control API', async () => {
    const o = await seededOrder((x) => x.sourceName === 'web');
    const stored = (await detail(o.id)).shippingAddress;
    expect(stored).toMatchObject({ id: expect.stringMatching(/^gid:\/\/shopify\/MailingAddress\/\d+\?model_name=Address$/) });
    const res = await gql(sim, READ, { id: o.id });
    const a = res.body.data.order.shippingAddress;
    expect(a).toMatchObject({
      firstName: stored.firstName,
      lastName: stored.lastName,
      name: `${stored.firstName} ${stored.lastName}`,
      company: stored.company,
      address1: stored.address1,
      address2: stored.address2,
      city: stored.city,
      provinceCode: stored.provinceCode,
      zip: stored.zip,
      country: stored.country,
      countryCodeV2: stored.countryCode,
      phone: stored.phone,
    });
    expect(a.formatted).toContain(stored.address1);
    expect(a.formatted[a.formatted.length - 1]).toBe(stored.country);
  });

  it('is null for an in-store (POS) sale', async () => {
    const pos = await seededOrder((x) => x.sourceName === 'pos');
    expect((await gql(sim, READ, { id: pos.id })).body.data.order.shippingAddress).toBeNull();
    expect((await detail(pos.id)).shippingAddress).toBeNull();
  });
});

describe('orderUpdate', () => {
  it('overwrites note, tags, email, phone, poNumber, attributes and address; leaves out the rest; sends orders/updated', async () => {
    const o = await seededOrder((x) => x.sourceName === 'web' && !x.cancelled, 1);
    const before = await detail(o.id);
    const res = await gql(sim, UPDATE, {
      input: {
        id: o.id,
        note: 'Leave with the neighbour at 12',
        tags: ['vip, gift', 'VIP', ' rush '],
        email: 'new.address@example.com',
        phone: '+1 416 555 0100',
        poNumber: 'PO-7',
        customAttributes: [{ key: 'gift-wrap', value: 'yes' }],
        shippingAddress: {
          firstName: 'Ada',
          lastName: 'Lovelace',
          address1: '12 Birch Crescent',
          address2: '',
          city: 'Ottawa',
          provinceCode: 'on',
          zip: 'K1P 1J1',
          countryCode: 'CA',
        },
      },
    });
    expect(res.body.data.orderUpdate.userErrors).toEqual([]);
    const order = res.body.data.orderUpdate.order;
    expect(order).toMatchObject({
      id: o.id,
      note: 'Leave with the neighbour at 12',
      tags: ['vip', 'gift', 'rush'],
      email: 'new.address@example.com',
      phone: '+1 416 555 0100',
      poNumber: 'PO-7',
      customAttributes: [{ key: 'gift-wrap', value: 'yes' }],
      shippingAddress: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        name: 'Ada Lovelace',
        company: null,
        address1: '12 Birch Crescent',
        address2: null,
        city: 'Ottawa',
        province: 'Ontario',
        provinceCode: 'ON',
        zip: 'K1P 1J1',
        country: 'Canada',
        countryCodeV2: 'CA',
        phone: null,
        formatted: ['12 Birch Crescent', 'Ottawa ON K1P 1J1', 'Canada'],
        formattedArea: 'Ottawa, ON, Canada',
      },
    });
    expect(order.updatedAt > before.updatedAt).toBe(true);
    const after = await detail(o.id);
    expect(after).toMatchObject({
      note: order.note,
      tags: order.tags,
      email: order.email,
      poNumber: 'PO-7',
      totalPrice: before.totalPrice,
    });
    // the address keeps its id: it is the order's address, overwritten
    expect(after.shippingAddress).toMatchObject({ id: before.shippingAddress.id, city: 'Ottawa', provinceCode: 'ON' });

    const [hook] = await hooks('orders/updated');
    expect(hook).toMatchObject({
      admin_graphql_api_id: o.id,
      note: 'Leave with the neighbour at 12',
      tags: 'vip, gift, rush',
      shipping_address: { city: 'Ottawa', province_code: 'ON', country_code: 'CA', zip: 'K1P 1J1' },
    });

    // a field left out stays; null clears a text; an empty list clears the tags
    const next = await gql(sim, UPDATE, { input: { id: o.id, note: null, tags: [] } });
    expect(next.body.data.orderUpdate.order).toMatchObject({ note: null, tags: [], email: 'new.address@example.com', poNumber: 'PO-7' });
    expect(next.body.data.orderUpdate.order.shippingAddress.city).toBe('Ottawa');
  });

  it('refuses an unknown order on ["id"]', async () => {
    const res = await gql(sim, UPDATE, { input: { id: 'gid://shopify/Order/1', note: 'x' } });
    expect(res.body.data.orderUpdate).toEqual({ order: null, userErrors: [{ field: ['id'], message: 'Order does not exist' }] });
  });

  it('checks the province against the country, and the email and phone, changing nothing when one is wrong', async () => {
    const o = await seededOrder((x) => x.sourceName === 'web', 2);
    const before = await detail(o.id);
    const bad = async (input: Record<string, unknown>) =>
      (await gql(sim, UPDATE, { input: { id: o.id, note: 'must not stick', ...input } })).body.data.orderUpdate;
    expect(
      await bad({ shippingAddress: { address1: '1 Main St', city: 'Austin', provinceCode: 'ON', countryCode: 'US', zip: '78701' } }),
    ).toEqual({
      order: null,
      userErrors: [{ field: ['shippingAddress', 'provinceCode'], message: 'Province is not a valid province for United States' }],
    });
    expect(await bad({ email: 'not an email' })).toEqual({ order: null, userErrors: [{ field: ['email'], message: 'Email is invalid' }] });
    expect(await bad({ phone: 'call me' })).toEqual({ order: null, userErrors: [{ field: ['phone'], message: 'Phone is invalid' }] });
    expect(await detail(o.id)).toEqual(before);
    expect(await hooks('orders/updated')).toEqual([]);
  });

  it('holds order tags to 40 characters each and 250 in all', async () => {
    const o = await seededOrder((x) => x.sourceName === 'web', 3);
    const long = await gql(sim, UPDATE, { input: { id: o.id, tags: ['x'.repeat(41)] } });
    expect(long.body.data.orderUpdate.userErrors).toEqual([{ field: ['tags'], message: 'Tags cannot be longer than 40 characters each.' }]);
    const many = await gql(sim, UPDATE, { input: { id: o.id, tags: Array.from({ length: 251 }, (_, i) => `t${i}`) } });
    expect(many.body.data.orderUpdate.userErrors).toEqual([{ field: ['tags'], message: 'Tags cannot be more than 250.' }]);
    const fits = await gql(sim, UPDATE, { input: { id: o.id, tags: ['x'.repeat(40), ...Array.from({ length: 249 }, (_, i) => `t${i}`)] } });
    expect(fits.body.data.orderUpdate.order.tags).toHaveLength(250);
  });

  it('costs a mutation (10) plus one per object selected', async () => {
    const o = await seededOrder((x) => x.sourceName === 'web', 4);
    const res = await gql(
      sim,
      'mutation($input: OrderInput!) { orderUpdate(input: $input) { order { id shippingAddress { city } } userErrors { field message } } }',
      { input: { id: o.id, note: 'cost' } },
    );
    // 10 for the mutation, 1 for order, 1 for shippingAddress, 1 for the userErrors list
    expect(res.body.extensions.cost).toMatchObject({ requestedQueryCost: 13, actualQueryCost: 12 });
  });
});

describe('tagsAdd and tagsRemove', () => {
  it('adds comma-separated tags to an order, skipping ones it has in any case, and sends orders/updated', async () => {
    const o = await seededOrder((x) => x.sourceName === 'web', 5);
    await gql(sim, UPDATE, { input: { id: o.id, tags: ['Gift'] } });
    await sim.settleWebhooks();
    received.length = 0;
    const res = await gql(sim, TAGS_ADD, { id: o.id, tags: ['priority, gift', 'Fragile', 'PRIORITY'] });
    expect(res.body.data.tagsAdd).toEqual({ node: { id: o.id, tags: ['Gift', 'priority', 'Fragile'] }, userErrors: [] });
    expect((await detail(o.id)).tags).toEqual(['Gift', 'priority', 'Fragile']);
    expect((await hooks('orders/updated')).map((h) => h.tags)).toEqual(['Gift, priority, Fragile']);

    const removed = await gql(sim, TAGS_REMOVE, { id: o.id, tags: ['GIFT, missing', 'fragile'] });
    expect(removed.body.data.tagsRemove).toEqual({ node: { id: o.id, tags: ['priority'] }, userErrors: [] });
    expect((await detail(o.id)).tags).toEqual(['priority']);
  });

  it('refuses an order tag over 40 characters and a 251st tag, changing nothing', async () => {
    const o = await seededOrder((x) => x.sourceName === 'web', 6);
    await gql(sim, UPDATE, { input: { id: o.id, tags: Array.from({ length: 250 }, (_, i) => `t${i}`) } });
    const more = await gql(sim, TAGS_ADD, { id: o.id, tags: ['one-too-many'] });
    expect(more.body.data.tagsAdd).toEqual({ node: null, userErrors: [{ field: ['tags'], message: 'Tags cannot be more than 250.' }] });
    // a tag it already has adds nothing, so it still fits
    expect((await gql(sim, TAGS_ADD, { id: o.id, tags: ['T0'] })).body.data.tagsAdd.userErrors).toEqual([]);
    await gql(sim, UPDATE, { input: { id: o.id, tags: [] } });
    const long = await gql(sim, TAGS_ADD, { id: o.id, tags: ['y'.repeat(41)] });
    expect(long.body.data.tagsAdd.userErrors).toEqual([{ field: ['tags'], message: 'Tags cannot be longer than 40 characters each.' }]);
    expect((await detail(o.id)).tags).toEqual([]);
  });

  it('tags a customer (up to 255 characters) and sends customers/update', async () => {
    const customers = await control<Array<{ id: string; tags: string[] }>>(sim, 'customers');
    const c = customers.find((x) => x.tags.length === 0)!;
    const tag = 'z'.repeat(255);
    const res = await gql(sim, TAGS_ADD, { id: c.id, tags: [tag, 'vip'] });
    expect(res.body.data.tagsAdd).toEqual({ node: { id: c.id, tags: [tag, 'vip'] }, userErrors: [] });
    expect((await hooks('customers/update')).map((h) => h.admin_graphql_api_id)).toEqual([c.id]);
    const res2 = await gql(sim, TAGS_REMOVE, { id: c.id, tags: ['VIP'] });
    expect(res2.body.data.tagsRemove.node.tags).toEqual([tag]);
  });

  it('answers "not found" on ["id"] for an unknown id and for a type that takes no tags', async () => {
    const o = await seededOrder((x) => x.sourceName === 'web', 7);
    const lineItemId = (await detail(o.id)).lineItems[0].id;
    for (const id of ['gid://shopify/Order/1', lineItemId]) {
      const res = await gql(sim, TAGS_ADD, { id, tags: ['x'] });
      expect(res.body.data.tagsAdd).toEqual({ node: null, userErrors: [{ field: ['id'], message: 'Resource not found' }] });
      const rm = await gql(sim, TAGS_REMOVE, { id, tags: ['x'] });
      expect(rm.body.data.tagsRemove).toEqual({ node: null, userErrors: [{ field: ['id'], message: 'Resource not found' }] });
    }
  });
});
