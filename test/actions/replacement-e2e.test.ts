/**
 * createReplacementOrder over HTTP against the simulator: the new order as the simulator stores it (its lines, total,
 * payment, tags, note, address), the payload, the audit on the original order, replays, and every refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, validate, NoDeprecatedCustomRule } from 'graphql';
import { loadAdminSchema } from 'shopify-admin-schema';
import { gql } from 'shopify-admin-simulator/testing';
import * as replacementDocuments from '../../src/shopify/replacement-operations.js';
import { SCOPES } from '../../src/auth.js';
import { KEY_TTL_MS, purgeExpiredKeys } from '../../src/actions/idempotency.js';
import type { ReplacementSent } from '../../src/actions/replacement.js';
import { asAgent, newKey, onceBefore, orderPicker, simStats, startStack, type SimOrder, type Stack } from './helpers.js';
import {
  REPLACE,
  draftOrders,
  newOrdersSince,
  shippedLines,
  shippedOrder,
  simAddress,
  type ReplacementOrder,
} from './replacement-helpers.js';

let h: Stack;
let pick: (p: (o: SimOrder) => boolean) => Promise<ReplacementOrder>;

beforeAll(async () => {
  h = await startStack();
  pick = orderPicker(h) as typeof pick;
});
afterAll(async () => h?.close());

/** Polls the simulator until a draft with this tag shows (a create whose answer was lost lands after its latency). */
async function untilDraftTagged(tag: string) {
  for (let polls = 0; polls < 200; polls++) {
    const drafts = (await draftOrders(h)).filter((d) => d.tags.includes(tag));
    if (drafts.length > 0) return drafts;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no draft tagged ${tag} showed in the simulator`);
}

const ORIGINAL_VARIANTS = `query($id: ID!) { order(id: $id) { lineItems(first: 50) { nodes { id variant { id } } } } }`;

const NEW_ADDRESS = {
  firstName: 'Grace',
  lastName: 'Hopper',
  address1: '1 Navy Yard',
  address2: 'Building 7',
  city: 'Arlington',
  provinceCode: 'VA',
  zip: '22202',
  countryCode: 'US',
  phone: '+1 703 555 0100',
};

describe('createReplacementOrder', () => {
  it('makes one new order at no charge with the chosen variants, tagged and noted, shipped to the original address', async () => {
    const original = await pick(shippedOrder(2));
    const [a, b] = shippedLines(original);
    const input = {
      orderId: original.id,
      lineItems: [
        { lineItemId: a!.id, quantity: Math.min(2, a!.fulfilledQuantity) },
        { lineItemId: b!.id, quantity: 1 },
      ],
      reason: 'Arrived damaged',
      idempotencyKey: newKey(),
    };
    const before = await h.sim<Array<{ id: string }>>('orders');

    const res = await asAgent(h, REPLACE, { input });
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.createReplacementOrder;
    expect(payload.userErrors).toEqual([]);

    const created = await newOrdersSince(h, before);
    expect(created).toHaveLength(1);
    const order = created[0]!;
    expect(order.lineItems.map((l) => [l.title, l.variantTitle, l.sku, l.quantity])).toEqual(
      input.lineItems.map((l) => {
        const line = original.lineItems.find((x) => x.id === l.lineItemId)!;
        return [line.title, line.variantTitle, line.sku, l.quantity];
      }),
    );
    expect(order.totals.total).toBe('0.00');
    expect(order.financialStatus).toBe('PAID');
    expect(order.customerId).toBe(original.customerId);
    expect(order.tags).toEqual(expect.arrayContaining(['replacement', `replaces-${original.name.replace('#', '')}`]));
    expect(order.note).toBe(`Replacement for ${original.name}: Arrived damaged`);
    expect(simAddress(order.shippingAddress)).toEqual(simAddress(original.shippingAddress));

    const drafts = (await draftOrders(h)).filter((d) => d.id === payload.draftOrderId);
    expect(drafts).toEqual([
      expect.objectContaining({
        id: payload.draftOrderId,
        status: 'COMPLETED',
        orderId: order.id,
        customerId: original.customerId,
        totalPrice: '0.00',
        appliedDiscount: expect.objectContaining({ valueType: 'PERCENTAGE', value: 100, title: `Replacement for ${original.name}` }),
      }),
    ]);
    // the draft ordered exactly the original lines' variants (read from the simulator itself)
    const read = await gql(h.simulator, ORIGINAL_VARIANTS, { id: original.id });
    const nodes = read.body.data.order.lineItems.nodes as Array<{ id: string; variant: { id: string } }>;
    const variantOf = new Map(nodes.map((n) => [n.id, n.variant.id]));
    expect(drafts[0]!.lineItems.map((l) => [l.variantId, l.quantity])).toEqual(
      input.lineItems.map((l) => [variantOf.get(l.lineItemId), l.quantity]),
    );

    expect(payload.order).toMatchObject({
      id: order.id,
      orderNumber: order.name,
      total: { amount: '0.00', currencyCode: original.currency },
      financialStatus: 'PAID',
      note: order.note,
    });
    expect(payload.originalOrder).toMatchObject({
      id: original.id,
      agentActions: [
        {
          action: 'createReplacementOrder',
          outcome: 'succeeded',
          shopifyIds: [`draftOrderId=${payload.draftOrderId}`, `replacementOrderId=${order.id}`],
        },
      ],
    });
    const [entry] = await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey });
    expect(entry).toMatchObject({
      action: 'createReplacementOrder',
      outcome: 'succeeded',
      orderId: original.id,
      customerId: original.customerId,
      detail: `lines=2 units=${input.lineItems[0]!.quantity + 1} address=original`,
    });
  });

  it('ships to a new address when one is given', async () => {
    const original = await pick(shippedOrder(1));
    const [a] = shippedLines(original);
    const before = await h.sim<Array<{ id: string }>>('orders');
    const input = {
      orderId: original.id,
      lineItems: [{ lineItemId: a!.id, quantity: 1 }],
      shippingAddress: NEW_ADDRESS,
      idempotencyKey: newKey(),
    };
    const res = await asAgent(h, REPLACE, { input });
    expect(res.body.data.createReplacementOrder.userErrors).toEqual([]);
    const [order] = await newOrdersSince(h, before);
    expect(simAddress(order!.shippingAddress)).toEqual({ ...NEW_ADDRESS, company: null });
    expect(order!.note).toBe(`Replacement for ${original.name}`);
    const [entry] = await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey });
    expect(entry!.detail).toBe('lines=1 units=1 address=new');
  });

  it('replays a retry with the same key: the same new order, no second draft; another body under it is IDEMPOTENCY_KEY_REUSED', async () => {
    const original = await pick(shippedOrder(1));
    const [a] = shippedLines(original);
    const input = { orderId: original.id, lineItems: [{ lineItemId: a!.id, quantity: 1 }], idempotencyKey: newKey() };
    const first = (await asAgent(h, REPLACE, { input })).body.data.createReplacementOrder;
    const before = await h.sim<Array<{ id: string }>>('orders');
    const stats = await simStats(h);

    const again = (await asAgent(h, REPLACE, { input })).body.data.createReplacementOrder;
    expect(again).toEqual({
      ...first,
      originalOrder: {
        ...first.originalOrder,
        agentActions: [{ ...first.originalOrder.agentActions[0], outcome: 'replayed' }, ...first.originalOrder.agentActions],
      },
    });
    expect(again.order.id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    expect(await newOrdersSince(h, before)).toEqual([]);
    const after = await simStats(h);
    expect(after.byOperation.ReplacementDraftCreate).toBe(stats.byOperation.ReplacementDraftCreate);
    expect(after.byOperation.ReplacementDraftComplete).toBe(stats.byOperation.ReplacementDraftComplete);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => e.outcome)).toEqual([
      'replayed',
      'succeeded',
    ]);

    const reused = await asAgent(h, REPLACE, { input: { ...input, reason: 'another reason' } });
    expect(reused.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await newOrdersSince(h, before)).toEqual([]);
  });

  it('reuse of a key after its record was purged, on another order, makes a NEW order; the earlier draft is untouched', async () => {
    const firstOrder = await pick(shippedOrder(1));
    const secondOrder = await pick(shippedOrder(1));
    const key = newKey();
    const one = (o: ReplacementOrder) => ({
      orderId: o.id,
      lineItems: [{ lineItemId: shippedLines(o)[0]!.id, quantity: 1 }],
      idempotencyKey: key,
    });
    const first = (await asAgent(h, REPLACE, { input: one(firstOrder) })).body.data.createReplacementOrder;
    expect(first.userErrors).toEqual([]);
    const [firstDraft] = (await draftOrders(h)).filter((d) => d.id === first.draftOrderId);
    expect(firstDraft).toMatchObject({ status: 'COMPLETED', orderId: first.order.id });

    // A day later the key's record is purged, and the key is used again for another order. Its draftOrderCreate's answer
    // is lost, so the retry must find the draft by the tag written ahead for THIS request, never the first one's.
    expect(await purgeExpiredKeys(h.app.deps.store, Date.now() + KEY_TTL_MS + 1_000)).toBeGreaterThan(0);
    expect(await h.app.deps.store.idempotency.get(key)).toBeNull();
    const before = await h.sim<Array<{ id: string }>>('orders');
    onceBefore(h, 'ReplacementDraftCreate', () => h.sim('faults', { latencyMs: 3_500 }));
    const lost = await asAgent(h, REPLACE, { input: one(secondOrder) });
    expect(lost.body.errors[0].extensions.code).toBe('SHOPIFY_OUTCOME_UNKNOWN');
    const { sent } = (await h.app.deps.store.idempotency.get(key))!.result as { sent: ReplacementSent };
    expect(sent.orderId).toBe(secondOrder.id);
    expect(firstDraft!.tags).not.toContain(sent.keyTag);
    const [secondDraft] = await untilDraftTagged(sent.keyTag);
    await h.sim('faults', {});

    const retry = await asAgent(h, REPLACE, { input: one(secondOrder) });
    expect(retry.body.errors).toBeUndefined();
    const payload = retry.body.data.createReplacementOrder;
    expect(payload).toMatchObject({ userErrors: [], draftOrderId: secondDraft!.id, originalOrder: { id: secondOrder.id } });
    const created = await newOrdersSince(h, before);
    expect(created.map((o) => o.id)).toEqual([payload.order.id]);
    expect(payload.order.id).not.toBe(first.order.id);
    expect(created[0]!.tags).toContain(`replaces-${secondOrder.name.replace('#', '')}`);
    expect((await draftOrders(h)).filter((d) => d.id === firstDraft!.id)).toEqual([firstDraft]);
    expect((await draftOrders(h)).filter((d) => d.tags.includes(sent.keyTag))).toEqual([
      expect.objectContaining({ id: secondDraft!.id, status: 'COMPLETED', orderId: payload.order.id }),
    ]);
  });

  it('needs the shopify:orders:replace scope: FORBIDDEN, nothing read or sent', async () => {
    const original = await pick(shippedOrder(1));
    const stats = await simStats(h);
    const input = { orderId: original.id, lineItems: [{ lineItemId: original.lineItems[0]!.id, quantity: 1 }], idempotencyKey: newKey() };
    const res = await asAgent(
      h,
      REPLACE,
      { input },
      SCOPES.filter((s) => s !== 'shopify:orders:replace'),
    );
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'shopify:orders:replace' });
    expect((await simStats(h)).requests).toBe(stats.requests);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => [e.outcome, e.errorCode])).toEqual([
      ['denied', 'FORBIDDEN'],
    ]);
  });

  it('refuses an order with nothing shipped (NOT_SHIPPED) or a cancelled one (ORDER_CANCELLED) as a user error; nothing is sent', async () => {
    const unshipped = await pick((o) => !o.cancelled && o.fulfillmentStatus === 'UNFULFILLED' && o.lineItems.length > 0);
    const cancelled = await pick((o) => o.cancelled && o.lineItems.length > 0);
    const stats = await simStats(h);
    for (const [order, code] of [
      [unshipped, 'NOT_SHIPPED'],
      [cancelled, 'ORDER_CANCELLED'],
    ] as const) {
      const input = { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }], idempotencyKey: newKey() };
      const res = await asAgent(h, REPLACE, { input });
      expect(res.body.errors).toBeUndefined();
      const payload = res.body.data.createReplacementOrder;
      expect(payload).toMatchObject({ order: null, draftOrderId: null, originalOrder: { id: order.id, canReplace: false } });
      expect(payload.userErrors).toEqual([{ field: ['input', 'orderId'], message: expect.any(String), code }]);
      expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => [e.outcome, e.errorCode])).toEqual([
        ['rejected', code],
      ]);
    }
    const after = await simStats(h);
    expect(after.byOperation.ReplacementDraftCreate).toBe(stats.byOperation.ReplacementDraftCreate);
  });

  it('refuses more units than shipped, a line item of another order, and no address where the order has none', async () => {
    const original = await pick(shippedOrder(1));
    const [a] = shippedLines(original);
    const other = await pick(shippedOrder(1));
    const stats = await simStats(h);
    const refuse = async (input: Record<string, unknown>) => {
      const res = await asAgent(h, REPLACE, { input: { orderId: original.id, idempotencyKey: newKey(), ...input } });
      return res.body.errors[0];
    };
    const tooMany = await refuse({ lineItems: [{ lineItemId: a!.id, quantity: a!.fulfilledQuantity + 1 }] });
    expect(tooMany.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lineItems[0].quantity' });
    expect(tooMany.message).toBe(
      `input.lineItems[0].quantity: must be at most ${a!.fulfilledQuantity}, the units of this line item that shipped; got ${a!.fulfilledQuantity + 1}`,
    );
    const foreign = await refuse({ lineItems: [{ lineItemId: other.lineItems[0]!.id, quantity: 1 }] });
    expect(foreign.message).toBe('input.lineItems[0].lineItemId: is not a line item of this order');
    // a point-of-sale order was handed over in the shop: it has no address to ship a replacement to
    const pos = await pick(
      (o) => shippedOrder(1)({ ...o, shippingAddress: {} } as SimOrder) && (o as ReplacementOrder).shippingAddress === null,
    );
    const [posLine] = shippedLines(pos);
    const res = await asAgent(h, REPLACE, {
      input: { orderId: pos.id, lineItems: [{ lineItemId: posLine!.id, quantity: 1 }], idempotencyKey: newKey() },
    });
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.shippingAddress' });
    expect(res.body.errors[0].message).toBe(
      'input.shippingAddress: the order has no shipping address to send the replacement to; give one',
    );
    expect((await simStats(h)).byOperation.ReplacementDraftCreate).toBe(stats.byOperation.ReplacementDraftCreate);
  });

  it("passes Shopify's own userErrors through (a province the country does not have), naming our input field", async () => {
    const original = await pick(shippedOrder(1));
    const [a] = shippedLines(original);
    const before = await h.sim<Array<{ id: string }>>('orders');
    const input = {
      orderId: original.id,
      lineItems: [{ lineItemId: a!.id, quantity: 1 }],
      // our check takes any province code (Shopify knows each country's zones); Shopify refuses this one for the US
      shippingAddress: { ...NEW_ADDRESS, provinceCode: 'QQ' },
      idempotencyKey: newKey(),
    };
    const res = await asAgent(h, REPLACE, { input });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.createReplacementOrder).toMatchObject({
      order: null,
      draftOrderId: null,
      userErrors: [
        {
          field: ['input', 'shippingAddress', 'provinceCode'],
          message: 'Province is not a valid province for United States',
          code: 'SHOPIFY_USER_ERROR',
        },
      ],
    });
    expect(await newOrdersSince(h, before)).toEqual([]);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => [e.outcome, e.errorCode])).toEqual([
      ['failed', 'SHOPIFY_USER_ERROR'],
    ]);
  });
});

describe('the replacement documents', () => {
  it('validate against the pinned Admin schema without deprecated fields', () => {
    const schema = loadAdminSchema();
    const sources = Object.values(replacementDocuments).filter((v) => typeof v === 'string') as string[];
    expect(sources).toHaveLength(5);
    for (const source of sources) {
      expect(validate(schema, parse(source)).map((e) => e.message)).toEqual([]);
      expect(validate(schema, parse(source), [NoDeprecatedCustomRule]).map((e) => e.message)).toEqual([]);
    }
  });
});
