/**
 * createReplacementOrder through a real @apollo/gateway supergraph (dev/supergraph-harness.ts), as the support desk
 * calls it: the new order reaches the simulator, the next profile read through the supergraph shows it (our action
 * invalidated the cached card), and a missing scope is relayed as FORBIDDEN.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupergraphHarness } from '../../dev/supergraph-harness.js';
import { SCOPES } from '../../src/auth.js';
import { asAgent, newKey, orderPicker, simStats, type SimOrder } from './helpers.js';
import { startActionsSupergraph } from './supergraph.js';
import { newOrdersSince, orderIds, REPLACE, shippedLines, shippedOrder, type ReplacementOrder } from './replacement-helpers.js';

let h: SupergraphHarness;
/** customer GID → the profile matched to it by email, for customers whose orders all fit in orders(limit: 10) */
let profileOf: Map<string, string>;
let pick: (p: (o: SimOrder) => boolean) => Promise<ReplacementOrder>;

beforeAll(async () => {
  ({ h, profileOf } = await startActionsSupergraph({ maxOrders: 9 }));
  pick = orderPicker(h) as typeof pick;
});
afterAll(async () => h?.close());

const PROFILE = `query($ids: [ID!]!) { profiles(ids: $ids) { id orders(limit: 10) { id orderNumber total { amount } tags canReplace } } }`;

describe('createReplacementOrder through the gateway', () => {
  it("makes the new order, and the customer's next profile read through the supergraph shows it", async () => {
    const original = await pick((o) => shippedOrder(1)(o) && profileOf.has(o.customerId!));
    const profileId = profileOf.get(original.customerId!)!;
    const read = async () => (await asAgent(h, PROFILE, { ids: [profileId] })).body.data.profiles[0].orders as Array<{ id: string }>;
    // Read first, so the card is cached: the action must drop it for the new order to show.
    const seen = await read();
    expect(seen.map((o) => o.id)).toContain(original.id);
    const before = await orderIds(h);

    const [line] = shippedLines(original);
    const input = { orderId: original.id, lineItems: [{ lineItemId: line!.id, quantity: 1 }], idempotencyKey: newKey() };
    const res = await asAgent(h, REPLACE, { input });
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.createReplacementOrder;
    expect(payload.userErrors).toEqual([]);
    const created = await newOrdersSince(h, before);
    expect(created.map((o) => o.id)).toEqual([payload.order.id]);

    const after = await read();
    expect(after).toHaveLength(seen.length + 1);
    expect(after[0]).toEqual({
      id: payload.order.id,
      orderNumber: created[0]!.name,
      total: { amount: '0.00' },
      tags: expect.arrayContaining(['replacement', `replaces-${original.name.replace('#', '')}`]),
      canReplace: false,
    });
  });

  it('relays FORBIDDEN without the shopify:orders:replace scope, and sends nothing', async () => {
    const original = await pick(shippedOrder(1));
    const stats = await simStats(h);
    const input = { orderId: original.id, lineItems: [{ lineItemId: original.lineItems[0]!.id, quantity: 1 }], idempotencyKey: newKey() };
    const denied = await asAgent(
      h,
      REPLACE,
      { input },
      SCOPES.filter((s) => s !== 'shopify:orders:replace'),
    );
    expect(denied.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'shopify:orders:replace' });
    expect(denied.body.data?.createReplacementOrder ?? null).toBeNull();
    expect((await simStats(h)).requests).toBe(stats.requests);
  });
});
