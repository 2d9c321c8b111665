/**
 * The order edits through a real @apollo/gateway supergraph (dev/supergraph-harness.ts), as the support desk calls
 * them: each edit reaches the simulator and the next profile read through the supergraph shows it; FORBIDDEN is relayed;
 * ShopifyOrder.shippingAddress is readable with shopify:orders:edit and, without it, null with FORBIDDEN on that field
 * alone while the rest of the order is given.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupergraphHarness } from '../../dev/supergraph-harness.js';
import { ADDRESS_FIELDS, asAgent, contractAddress, newKey, orderPicker, simOrder, type EditSimOrder, type SimOrder } from './helpers.js';
import { startActionsSupergraph } from './supergraph.js';

let h: SupergraphHarness;
/** customer GID → the profile matched to it by email, for customers whose orders all fit in orders(limit: 10) */
let profileOf: Map<string, string>;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;

beforeAll(async () => {
  ({ h, profileOf } = await startActionsSupergraph());
  pick = orderPicker(h);
});
afterAll(async () => h?.close());

const detail = (id: string) => simOrder(h, id) as Promise<EditSimOrder>;

const ordersOf = (withAddress: boolean) => `query($ids: [ID!]!) { profiles(ids: $ids) { id orders(limit: 10) {
  id note tags canEditShippingAddress ${withAddress ? `shippingAddress { ${ADDRESS_FIELDS} }` : ''} agentActions { action outcome } } } }`;

/** An order whose customer has a profile, and that profile's read of it. */
async function pickWithProfile(predicate: (o: SimOrder) => boolean) {
  const order = await pick((o) => predicate(o) && profileOf.has(o.customerId!));
  const read = async (scopes?: string[], withAddress = true) => {
    const res = await asAgent(h, ordersOf(withAddress), { ids: [profileOf.get(order.customerId!)] }, scopes);
    return { body: res.body, order: res.body.data.profiles[0].orders.find((o: { id: string }) => o.id === order.id) };
  };
  return { order, read };
}

const unshipped = (o: SimOrder) => o.customerId !== null && !o.cancelled && o.fulfillmentStatus === 'UNFULFILLED';
const USER_ERRORS = 'userErrors { field message code }';

describe('order edits through the gateway', () => {
  it('updateOrderNote and updateOrderTags reach Shopify, and the next profile read shows both', async () => {
    const { order, read } = await pickWithProfile((o) => o.customerId !== null);
    await read();
    const note = await asAgent(
      h,
      `mutation($input: ShopifyUpdateOrderNoteInput!) { updateOrderNote(input: $input) { order { note } ${USER_ERRORS} } }`,
      {
        input: { orderId: order.id, note: 'Fragile: glass inside', idempotencyKey: newKey() },
      },
    );
    expect(note.body.errors).toBeUndefined();
    expect(note.body.data.updateOrderNote).toEqual({ order: { note: 'Fragile: glass inside' }, userErrors: [] });
    const tags = await asAgent(
      h,
      `mutation($input: ShopifyUpdateOrderTagsInput!) { updateOrderTags(input: $input) { order { tags } ${USER_ERRORS} } }`,
      {
        input: { orderId: order.id, add: ['vip'], idempotencyKey: newKey() },
      },
    );
    expect(tags.body.errors).toBeUndefined();

    const after = await detail(order.id);
    expect(after.note).toBe('Fragile: glass inside');
    expect(after.tags.map((t) => t.toLowerCase())).toContain('vip');
    expect(tags.body.data.updateOrderTags).toEqual({ order: { tags: after.tags }, userErrors: [] });
    expect((await read()).order).toEqual({
      id: order.id,
      note: after.note,
      tags: after.tags,
      canEditShippingAddress: unshipped(order),
      shippingAddress: contractAddress(after.shippingAddress),
      agentActions: [
        { action: 'updateOrderTags', outcome: 'succeeded' },
        { action: 'updateOrderNote', outcome: 'succeeded' },
      ],
    });
  });

  it('updateShippingAddress reaches Shopify and the next profile read shows the new address; without the scope the gateway relays FORBIDDEN', async () => {
    const { order, read } = await pickWithProfile(unshipped);
    await read();
    const address = {
      firstName: 'Grace',
      lastName: 'Hopper',
      address1: '1 Navy Way',
      city: 'Arlington',
      provinceCode: 'VA',
      zip: '22202',
      countryCode: 'US',
    };
    const MUTATION = `mutation($input: ShopifyUpdateShippingAddressInput!) { updateShippingAddress(input: $input) { order { id } ${USER_ERRORS} } }`;
    const denied = await asAgent(h, MUTATION, { input: { orderId: order.id, address, idempotencyKey: newKey() } }, ['shopify:read']);
    expect(denied.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'shopify:orders:edit' });
    const untouched = (await detail(order.id)).shippingAddress;
    expect(untouched?.lastName).not.toBe('Hopper');

    const res = await asAgent(h, MUTATION, { input: { orderId: order.id, address, idempotencyKey: newKey() } });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.updateShippingAddress).toEqual({ order: { id: order.id }, userErrors: [] });
    const stored = contractAddress((await detail(order.id)).shippingAddress);
    expect(stored).toEqual({ ...address, company: null, address2: null, phone: null });
    expect((await read()).order.shippingAddress).toEqual(stored);
  });

  it('shippingAddress is read with shopify:orders:edit; without it the field alone is null with FORBIDDEN, the rest of the order given', async () => {
    const { order, read } = await pickWithProfile((o) => o.customerId !== null && (o as EditSimOrder).shippingAddress !== null);
    const stored = await detail(order.id);
    expect(stored.shippingAddress).not.toBeNull();
    const full = await read();
    expect(full.body.errors).toBeUndefined();
    expect(full.order.shippingAddress).toEqual(contractAddress(stored.shippingAddress));

    const limited = await read(['shopify:read']);
    const without = (await read(['shopify:read'], false)).order;
    expect(limited.order).toEqual({ ...without, shippingAddress: null });
    expect(without).toMatchObject({ id: order.id, note: stored.note, tags: stored.tags });
    // one FORBIDDEN per order of the profile, each at that order's shippingAddress, and no other error
    const orders = limited.body.data.profiles[0].orders.length;
    expect(limited.body.errors.map((e: any) => e.path).sort((a: number[], b: number[]) => a[3]! - b[3]!)).toEqual(
      Array.from({ length: orders }, (_, i) => ['profiles', 0, 'orders', i, 'shippingAddress']),
    );
    const forbidden = limited.body.errors;
    for (const e of forbidden) expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', scope: 'shopify:orders:edit' });
  });
});
