/** draftOrder, draftOrders(query:) and tags on drafts; a reset clears drafts and the orders made from them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../src/index.js';
import { control, gql, simulator, type OrderSummary } from './helpers.js';

let sim: Simulator;
let seededOrders: number;
beforeAll(async () => {
  sim = await simulator({ customers: 60 });
  seededOrders = (await control<OrderSummary[]>(sim, 'orders')).length;
});
afterAll(() => sim.close());

const TOTE = 'gid://shopify/ProductVariant/90000011';
const CREATE = `mutation Create($input: DraftOrderInput!) { draftOrderCreate(input: $input) { draftOrder { id name } userErrors { field message } } }`;
const COMPLETE = `mutation Complete($id: ID!) { draftOrderComplete(id: $id) { draftOrder { id } userErrors { field message } } }`;

async function create(input: Record<string, unknown>) {
  const res = await gql(sim, CREATE, { input });
  expect(res.body.data.draftOrderCreate.userErrors).toEqual([]);
  return res.body.data.draftOrderCreate;
}

describe('draftOrder and draftOrders', () => {
  it('finds drafts by tag and status, and tags a draft with tagsAdd / tagsRemove', async () => {
    const a = (await create({ lineItems: [{ variantId: TOTE, quantity: 1 }], tags: ['rk-find-me'] })).draftOrder;
    const b = (await create({ lineItems: [{ variantId: TOTE, quantity: 1 }], tags: ['rk-find-me', 'other'] })).draftOrder;
    await gql(sim, COMPLETE, { id: b.id });
    const list = async (query: string) =>
      (await gql(sim, 'query($q: String) { draftOrders(first: 10, query: $q) { nodes { id status } } }', { q: query })).body.data
        .draftOrders.nodes;
    expect(await list("tag:'rk-find-me'")).toEqual([
      { id: a.id, status: 'OPEN' },
      { id: b.id, status: 'COMPLETED' },
    ]);
    expect(await list('tag:rk-find-me status:completed')).toEqual([{ id: b.id, status: 'COMPLETED' }]);
    expect(await list('tag:rk-find-me AND status:open')).toEqual([{ id: a.id, status: 'OPEN' }]);
    expect(await list('tag:nothing-has-this')).toEqual([]);

    const added = await gql(
      sim,
      'mutation($id: ID!) { tagsAdd(id: $id, tags: ["urgent"]) { node { ... on DraftOrder { tags } } userErrors { message } } }',
      { id: a.id },
    );
    expect(added.body.data.tagsAdd).toEqual({ node: { tags: ['rk-find-me', 'urgent'] }, userErrors: [] });
    const removed = await gql(
      sim,
      'mutation($id: ID!) { tagsRemove(id: $id, tags: ["RK-FIND-ME"]) { node { ... on DraftOrder { tags } } userErrors { message } } }',
      { id: a.id },
    );
    expect(removed.body.data.tagsRemove).toEqual({ node: { tags: ['urgent'] }, userErrors: [] });
    const one = await gql(sim, 'query($id: ID!) { draftOrder(id: $id) { id tags } node(id: $id) { id } }', { id: a.id });
    expect(one.body.data).toEqual({ draftOrder: { id: a.id, tags: ['urgent'] }, node: { id: a.id } });
  });

  it('is cleared by a reset, with the orders made from drafts', async () => {
    expect((await control<unknown[]>(sim, 'draft-orders')).length).toBeGreaterThan(0);
    expect((await control<OrderSummary[]>(sim, 'orders')).length).toBeGreaterThan(seededOrders);
    await control(sim, 'reset', {});
    expect(await control<unknown[]>(sim, 'draft-orders')).toEqual([]);
    expect((await control<OrderSummary[]>(sim, 'orders')).length).toBe(seededOrders);
    expect((await create({ lineItems: [{ variantId: TOTE, quantity: 1 }] })).draftOrder.name).toBe('#D1');
  });
});
