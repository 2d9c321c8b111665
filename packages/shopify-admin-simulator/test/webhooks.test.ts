/** A refund sends a signed refunds/create webhook to a local receiver; a dead receiver changes nothing. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { control, gql, simulator, type OrderSummary } from './helpers.js';

const SECRET = 'whsec_test_secret';
let sim: Simulator;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; raw: string }> = [];

beforeAll(async () => {
  sim = await simulator();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;
});
afterAll(async () => {
  await sim.close();
  await new Promise((r) => receiver.close(r));
});

function verify(raw: string, hmac: string | string[] | undefined): boolean {
  const expected = createHmac('sha256', SECRET).update(raw, 'utf8').digest();
  const given = Buffer.from(String(hmac), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhooks', () => {
  it('a refund sends a correctly signed refunds/create (and orders/updated, customers/update)', async () => {
    await control(sim, 'webhooks', { url: receiverUrl, secret: SECRET });
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const summary = orders.find((o) => o.financialStatus === 'PAID' && o.customerId && !o.cancelled)!;
    const o = await control(sim, `orders/${encodeURIComponent(summary.id)}`);
    const sale = o.transactions.find((t: any) => t.kind === 'SALE' || t.kind === 'CAPTURE');
    const res = await gql(
      sim,
      'mutation($input: RefundInput!) { refundCreate(input: $input) @idempotent(key: "wh-1") { refund { id } userErrors { message } } }',
      {
        input: {
          orderId: o.id,
          transactions: [{ orderId: o.id, parentId: sale.id, gateway: sale.gateway, kind: 'REFUND', amount: '1.00' }],
        },
      },
    );
    expect(res.body.data.refundCreate.userErrors).toEqual([]);
    const refundId: string = res.body.data.refundCreate.refund.id;
    await sim.settleWebhooks();

    const topics = received.map((r) => r.headers['x-shopify-topic']);
    // three deliveries run concurrently, so they may arrive in any order
    expect([...topics].sort()).toEqual(['customers/update', 'orders/updated', 'refunds/create']);
    const hook = received.find((r) => r.headers['x-shopify-topic'] === 'refunds/create')!;
    expect(verify(hook.raw, hook.headers['x-shopify-hmac-sha256'])).toBe(true);
    expect(hook.headers['x-shopify-shop-domain']).toBe(new URL(sim.url).host);
    expect(hook.headers['x-shopify-api-version']).toBe('2026-07');
    expect(hook.headers['x-shopify-event-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(hook.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isNaN(Date.parse(String(hook.headers['x-shopify-triggered-at'])))).toBe(false);
    const body = JSON.parse(hook.raw);
    expect(body).toMatchObject({
      id: Number(refundId.split('/').pop()),
      admin_graphql_api_id: refundId,
      order_id: Number(o.id.split('/').pop()),
      refund_line_items: [],
      transactions: [
        { kind: 'refund', status: 'success', amount: '1.00', gateway: sale.gateway, parent_id: Number(sale.id.split('/').pop()) },
      ],
    });
    const update = received.find((r) => r.headers['x-shopify-topic'] === 'customers/update')!;
    expect(JSON.parse(update.raw).admin_graphql_api_id).toBe(o.customerId);
    expect(verify(update.raw, update.headers['x-shopify-hmac-sha256'])).toBe(true);
  });

  it('a receiver that is down neither blocks nor breaks the simulator', async () => {
    await control(sim, 'webhooks', {});
    await control(sim, 'webhooks', { url: 'http://127.0.0.1:9/nowhere', secret: SECRET });
    const orders = await control<OrderSummary[]>(sim, 'orders');
    const summary = orders.find((o) => o.financialStatus === 'PAID' && !o.cancelled && o.fulfillmentStatus === 'UNFULFILLED')!;
    const res = await gql(
      sim,
      'mutation($id: ID!) { orderCancel(orderId: $id, reason: OTHER, restock: false) { job { id } orderCancelUserErrors { code } } }',
      { id: summary.id },
    );
    expect(res.body.data.orderCancel.orderCancelUserErrors).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    await sim.settleWebhooks();
    const { deliveries } = await control(sim, 'webhooks');
    expect(deliveries.map((d: any) => d.topic)).toEqual(expect.arrayContaining(['orders/cancelled', 'orders/updated']));
    expect(deliveries.every((d: any) => d.status === null && typeof d.error === 'string')).toBe(true);
    expect((await gql(sim, '{ shop { id } }')).status).toBe(200);
  });
});
