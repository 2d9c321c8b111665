/**
 * The order edits end to end over HTTP with signed agent tokens, against the Shopify simulator, with the customer cache
 * on: updateOrderNote, updateOrderTags, updateShippingAddress. Expected values come from the simulator's own view of the
 * order (GET /__simulator/orders/{id}); Shopify mutations are counted by the simulator's per-operation stats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADDRESS_FIELDS,
  asAgent,
  contractAddress,
  newKey,
  onceBefore,
  orderPicker,
  simOrder,
  simStats,
  startStack,
  type EditSimOrder,
  type SimOrder,
  type Stack,
} from './helpers.js';

let h: Stack;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;
/** customer GID → email, for customers whose orders all fit in orders(limit: 10) */
let emailOf: Map<string, string>;

beforeAll(async () => {
  // The cache on, as in production (the default TTL, said explicitly): the edits must invalidate it.
  h = await startStack({ env: { SHOPIFY_CACHE_TTL_S: '60' } });
  pick = orderPicker(h);
  const customers = await h.sim<Array<{ id: string; email: string | null; numberOfOrders: number }>>('customers');
  emailOf = new Map(customers.flatMap((c) => (c.email && c.numberOfOrders <= 10 ? [[c.id, c.email] as const] : [])));
});
afterAll(async () => h?.close());

const detail = (id: string) => simOrder(h, id) as Promise<EditSimOrder>;
const PAYLOAD = (fields: string) => `order { id ${fields} agentActions { action outcome errorCode } } userErrors { field message code }`;
const NOTE = `mutation($input: ShopifyUpdateOrderNoteInput!) { updateOrderNote(input: $input) { ${PAYLOAD('note')} } }`;
const TAGS = `mutation($input: ShopifyUpdateOrderTagsInput!) { updateOrderTags(input: $input) { ${PAYLOAD('tags')} } }`;
const ADDRESS = `mutation($input: ShopifyUpdateShippingAddressInput!) { updateShippingAddress(input: $input) {
  ${PAYLOAD(`canEditShippingAddress shippingAddress { ${ADDRESS_FIELDS} }`)} } }`;
const EDIT_OPS = ['EditOrderNote', 'EditShippingAddress', 'EditTagsAdd', 'EditTagsRemove'] as const;

/** Counts the Shopify edit mutations `run` causes. */
async function mutationsDuring(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = (await simStats(h)).byOperation;
  await run();
  const after = (await simStats(h)).byOperation;
  return Object.fromEntries(EDIT_OPS.map((op) => [op, (after[op] ?? 0) - (before[op] ?? 0)]));
}
const none = { EditOrderNote: 0, EditShippingAddress: 0, EditTagsAdd: 0, EditTagsRemove: 0 };

/**
 * The order's tags in the simulator once they are `wanted`: polled, so a test waits for a slow mutation to land rather
 * than for a fixed time; if they never get there, the last tags read after 10 s (and the test fails on them).
 */
async function tagsOnceLanded(orderId: string, wanted: readonly string[]): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  let tags = (await detail(orderId)).tags;
  while (JSON.stringify(tags) !== JSON.stringify(wanted) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    tags = (await detail(orderId)).tags;
  }
  return tags;
}

/** Sends a tag mutation straight to the simulator, as a change made in Shopify's admin. */
async function tagInShopify(orderId: string, tags: string[]): Promise<void> {
  const res = await fetch(h.simulator.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': h.simulator.token },
    body: JSON.stringify({
      query: `mutation TestTagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { userErrors { message } } }`,
      variables: { id: orderId, tags },
    }),
  });
  expect(((await res.json()) as any).data.tagsAdd.userErrors).toEqual([]);
}

const unshipped = (o: SimOrder) => o.customerId !== null && !o.cancelled && o.fulfillmentStatus === 'UNFULFILLED';
const audit = (key: string) => h.app.deps.store.audit.list({ idempotencyKey: key });

describe('updateOrderNote', () => {
  it('sets the note (line breaks kept), replays a retry without a second orderUpdate, and clears it with null', async () => {
    const order = await pick((o) => o.customerId !== null);
    const note = 'Leave the parcel with the neighbour\nat no. 12';
    const key = newKey();
    let first: any;
    expect(
      await mutationsDuring(async () => (first = await asAgent(h, NOTE, { input: { orderId: order.id, note, idempotencyKey: key } }))),
    ).toEqual({
      ...none,
      EditOrderNote: 1,
    });
    expect(first.body.errors).toBeUndefined();
    expect((await detail(order.id)).note).toBe(note);
    expect(first.body.data.updateOrderNote).toEqual({
      order: { id: order.id, note, agentActions: [{ action: 'updateOrderNote', outcome: 'succeeded', errorCode: null }] },
      userErrors: [],
    });
    const [entry] = await audit(key);
    expect(entry).toMatchObject({ action: 'updateOrderNote', outcome: 'succeeded', orderId: order.id, customerId: order.customerId });
    expect(entry!.detail).toBe(`note=set length=${note.length}`);

    let replay: any;
    expect(
      await mutationsDuring(async () => (replay = await asAgent(h, NOTE, { input: { orderId: order.id, note, idempotencyKey: key } }))),
    ).toEqual(none);
    expect(replay.body.data.updateOrderNote.order.note).toBe(note);
    expect(replay.body.data.updateOrderNote.userErrors).toEqual([]);
    expect((await audit(key)).map((e) => e.outcome).sort()).toEqual(['replayed', 'succeeded']);

    const reused = await asAgent(h, NOTE, { input: { orderId: order.id, note: 'another note', idempotencyKey: key } });
    expect(reused.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const clearKey = newKey();
    const cleared = await asAgent(h, NOTE, { input: { orderId: order.id, note: null, idempotencyKey: clearKey } });
    expect(cleared.body.data.updateOrderNote.order.note).toBeNull();
    expect((await detail(order.id)).note).toBeNull();
    expect((await audit(clearKey))[0]!.detail).toBe('note=cleared');
  });

  it('is FORBIDDEN without shopify:orders:edit and refuses unsafe or too long notes as BAD_USER_INPUT, sending nothing', async () => {
    const order = await pick((o) => o.customerId !== null);
    const before = (await detail(order.id)).note;
    const results: any[] = [];
    const sent = await mutationsDuring(async () => {
      results.push(await asAgent(h, NOTE, { input: { orderId: order.id, note: 'x', idempotencyKey: newKey() } }, ['shopify:read']));
      results.push(await asAgent(h, NOTE, { input: { orderId: order.id, note: 'a\u202Eb', idempotencyKey: newKey() } }));
      results.push(await asAgent(h, NOTE, { input: { orderId: order.id, note: 'n'.repeat(5001), idempotencyKey: newKey() } }));
      results.push(await asAgent(h, NOTE, { input: { orderId: 'gid://shopify/Order/99999999', note: 'x', idempotencyKey: newKey() } }));
    });
    expect(sent).toEqual(none);
    expect(results.map((r) => r.body.errors[0].extensions)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', scope: 'shopify:orders:edit' }),
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.note' }),
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.note' }),
      expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.orderId' }),
    ]);
    expect(results[1].body.errors[0].message).toBe('input.note: must not contain control or bidirectional characters, found U+202E');
    expect(results[2].body.errors[0].message).toBe('input.note: must be at most 5000 characters, got 5001');
    expect((await detail(order.id)).note).toBe(before);
  });
});

describe('updateOrderTags', () => {
  it('removes then adds (compared without regard to case), keeps the other tags, and replays a retry', async () => {
    const order = await pick((o) => o.customerId !== null);
    await tagInShopify(order.id, ['needs-review', 'wholesale']);
    const before = (await detail(order.id)).tags;
    const key = newKey();
    const input = { orderId: order.id, add: ['VIP', ' escalated '], remove: ['NEEDS-REVIEW'], idempotencyKey: key };
    let res: any;
    expect(await mutationsDuring(async () => (res = await asAgent(h, TAGS, { input })))).toEqual({
      ...none,
      EditTagsAdd: 1,
      EditTagsRemove: 1,
    });
    const after = (await detail(order.id)).tags;
    expect(after).toEqual([...before.filter((t) => t !== 'needs-review'), 'VIP', 'escalated']);
    expect(res.body.data.updateOrderTags).toEqual({
      order: { id: order.id, tags: after, agentActions: [{ action: 'updateOrderTags', outcome: 'succeeded', errorCode: null }] },
      userErrors: [],
    });
    expect((await audit(key))[0]!.detail).toBe('add=2 remove=1');

    let replay: any;
    expect(await mutationsDuring(async () => (replay = await asAgent(h, TAGS, { input })))).toEqual(none);
    expect(replay.body.data.updateOrderTags.order.tags).toEqual(after);
    const reused = await asAgent(h, TAGS, { input: { ...input, add: ['VIP'] } });
    expect(reused.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Nothing to change (the tag is there in another case, the other is absent): no Shopify call at all.
    const noop = { orderId: order.id, add: ['vip'], remove: ['never-there'], idempotencyKey: newKey() };
    expect(await mutationsDuring(async () => (res = await asAgent(h, TAGS, { input: noop })))).toEqual(none);
    expect(res.body.data.updateOrderTags.userErrors).toEqual([]);
    expect((await detail(order.id)).tags).toEqual(after);
  });

  it('refuses a change past 250 tags as TOO_MANY_TAGS before sending; passes on Shopify’s own refusal when the order filled up meanwhile', async () => {
    const order = await pick((o) => o.customerId !== null);
    const have = (await detail(order.id)).tags.length;
    await tagInShopify(
      order.id,
      Array.from({ length: 249 - have }, (_, i) => `t${i}`),
    );
    let res: any;
    const tooMany = { orderId: order.id, add: ['one', 'two'], idempotencyKey: newKey() };
    expect(await mutationsDuring(async () => (res = await asAgent(h, TAGS, { input: tooMany })))).toEqual(none);
    expect(res.body.data.updateOrderTags.userErrors).toEqual([
      {
        field: ['input', 'add'],
        code: 'TOO_MANY_TAGS',
        message: 'would leave the order with 251 tags (it has 249); an order keeps at most 250',
      },
    ]);
    expect((await audit(tooMany.idempotencyKey))[0]).toMatchObject({ outcome: 'rejected', errorCode: 'TOO_MANY_TAGS' });

    // One more fits when checked; another tag lands in Shopify before ours is sent: Shopify refuses, and we say so.
    onceBefore(h, 'EditTagsAdd', () => tagInShopify(order.id, ['added-elsewhere']));
    const raced = { orderId: order.id, add: ['one'], idempotencyKey: newKey() };
    res = await asAgent(h, TAGS, { input: raced });
    expect(res.body.data.updateOrderTags.userErrors).toEqual([
      { field: ['input', 'add'], code: 'SHOPIFY_USER_ERROR', message: 'Tags cannot be more than 250.' },
    ]);
    expect((await detail(order.id)).tags).toHaveLength(250);
    expect((await audit(raced.idempotencyKey))[0]).toMatchObject({ outcome: 'failed', errorCode: 'SHOPIFY_USER_ERROR' });
  });

  it('is FORBIDDEN without the scope, and BAD_USER_INPUT naming the tag for commas, length, both lists, or no tag at all', async () => {
    const order = await pick((o) => o.customerId !== null);
    const send = (tags: { add?: string[]; remove?: string[] }, scopes?: string[]) =>
      asAgent(h, TAGS, { input: { orderId: order.id, ...tags, idempotencyKey: newKey() } }, scopes);
    const results: any[] = [];
    const sent = await mutationsDuring(async () => {
      results.push(await send({ add: ['vip'] }, ['shopify:read']));
      results.push(await send({ add: ['ok', 'a,b'] }));
      results.push(await send({ remove: ['x'.repeat(41)] }));
      results.push(await send({ add: ['Gift'], remove: ['gift'] }));
      results.push(await send({ add: [], remove: [] }));
      results.push(await send({ add: ['   '] }));
    });
    expect(sent).toEqual(none);
    expect(
      results.map((r) => [r.body.errors[0].extensions.code, r.body.errors[0].extensions.field ?? r.body.errors[0].extensions.scope]),
    ).toEqual([
      ['FORBIDDEN', 'shopify:orders:edit'],
      ['BAD_USER_INPUT', 'input.add[1]'],
      ['BAD_USER_INPUT', 'input.remove[0]'],
      ['BAD_USER_INPUT', 'input.remove[0]'],
      ['BAD_USER_INPUT', 'input.add'],
      ['BAD_USER_INPUT', 'input.add[0]'],
    ]);
  });
});

describe('updateShippingAddress', () => {
  const NEW_ADDRESS = {
    firstName: 'Ada',
    lastName: 'Lovelace',
    address1: '500 Howard Street',
    address2: 'Floor 3',
    city: 'San Francisco',
    provinceCode: 'CA',
    zip: '94105',
    countryCode: 'US',
  };
  const expected = { ...NEW_ADDRESS, company: null, phone: null };

  it('replaces the address of an order that has not shipped, once per key', async () => {
    const order = await pick((o) => unshipped(o));
    const key = newKey();
    const input = { orderId: order.id, address: NEW_ADDRESS, idempotencyKey: key };
    let res: any;
    expect(await mutationsDuring(async () => (res = await asAgent(h, ADDRESS, { input })))).toEqual({ ...none, EditShippingAddress: 1 });
    expect(res.body.errors).toBeUndefined();
    const stored = (await detail(order.id)).shippingAddress;
    expect(contractAddress(stored)).toEqual(expected);
    expect(res.body.data.updateShippingAddress).toEqual({
      order: {
        id: order.id,
        canEditShippingAddress: true,
        shippingAddress: contractAddress(stored),
        agentActions: [{ action: 'updateShippingAddress', outcome: 'succeeded', errorCode: null }],
      },
      userErrors: [],
    });
    const [entry] = await audit(key);
    expect(entry).toMatchObject({ outcome: 'succeeded', orderId: order.id, customerId: order.customerId, detail: 'countryCode=US' });

    let replay: any;
    expect(await mutationsDuring(async () => (replay = await asAgent(h, ADDRESS, { input })))).toEqual(none);
    expect(replay.body.data.updateShippingAddress.order.shippingAddress).toEqual(expected);
    const reused = await asAgent(h, ADDRESS, { input: { ...input, address: { ...NEW_ADDRESS, zip: '94106' } } });
    expect(reused.body.errors[0].extensions.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  for (const [label, predicate, code, words] of [
    [
      'fulfilled',
      (o: SimOrder) => o.customerId !== null && !o.cancelled && o.fulfillmentStatus === 'FULFILLED',
      'ORDER_FULFILLED',
      'fulfillment status FULFILLED',
    ],
    ['cancelled', (o: SimOrder) => o.customerId !== null && o.cancelled, 'ORDER_CANCELLED', 'was cancelled at'],
  ] as const) {
    it(`refuses a ${label} order with ${code}, sending nothing to Shopify and leaving the key unused`, async () => {
      const order = await pick(predicate);
      const before = (await detail(order.id)).shippingAddress;
      const key = newKey();
      let res: any;
      expect(
        await mutationsDuring(
          async () => (res = await asAgent(h, ADDRESS, { input: { orderId: order.id, address: NEW_ADDRESS, idempotencyKey: key } })),
        ),
      ).toEqual(none);
      expect(res.body.errors).toBeUndefined();
      const payload = res.body.data.updateShippingAddress;
      expect(payload.userErrors).toEqual([{ field: ['input', 'orderId'], code, message: expect.stringContaining(words) }]);
      expect(payload.order).toMatchObject({ id: order.id, canEditShippingAddress: false, shippingAddress: contractAddress(before) });
      expect(payload.order.agentActions).toEqual([{ action: 'updateShippingAddress', outcome: 'rejected', errorCode: code }]);
      expect((await detail(order.id)).shippingAddress).toEqual(before);
      expect(await h.app.deps.store.idempotency.get(key)).toBeNull();
    });
  }

  it('passes Shopify’s own refusal through (a province the country does not have), mapped to the input’s path', async () => {
    const order = await pick((o) => unshipped(o));
    const before = (await detail(order.id)).shippingAddress;
    const key = newKey();
    const res = await asAgent(h, ADDRESS, {
      input: { orderId: order.id, address: { ...NEW_ADDRESS, provinceCode: 'ZZ' }, idempotencyKey: key },
    });
    expect(res.body.data.updateShippingAddress.userErrors).toEqual([
      {
        field: ['input', 'address', 'provinceCode'],
        code: 'SHOPIFY_USER_ERROR',
        message: 'Province is not a valid province for United States',
      },
    ]);
    expect((await detail(order.id)).shippingAddress).toEqual(before);
    expect((await audit(key))[0]).toMatchObject({ outcome: 'failed', errorCode: 'SHOPIFY_USER_ERROR', detail: 'countryCode=US' });
  });

  it('is FORBIDDEN without the scope, and BAD_USER_INPUT naming the address field', async () => {
    const order = await pick((o) => unshipped(o));
    const send = (address: Record<string, unknown>, scopes?: string[]) =>
      asAgent(h, ADDRESS, { input: { orderId: order.id, address, idempotencyKey: newKey() } }, scopes);
    const results: any[] = [];
    const sent = await mutationsDuring(async () => {
      results.push(await send(NEW_ADDRESS, ['shopify:read', 'shopify:orders:cancel']));
      results.push(await send({ ...NEW_ADDRESS, countryCode: 'us' }));
      results.push(await send({ ...NEW_ADDRESS, countryCode: 'XX' }));
      results.push(await send({ ...NEW_ADDRESS, lastName: '  ' }));
      results.push(await send({ ...NEW_ADDRESS, city: 'x'.repeat(256) }));
    });
    expect(sent).toEqual(none);
    expect(
      results.map((r) => [r.body.errors[0].extensions.code, r.body.errors[0].extensions.field ?? r.body.errors[0].extensions.scope]),
    ).toEqual([
      ['FORBIDDEN', 'shopify:orders:edit'],
      ['BAD_USER_INPUT', 'input.address.countryCode'],
      ['BAD_USER_INPUT', 'input.address.countryCode'],
      ['BAD_USER_INPUT', 'input.address.lastName'],
      ['BAD_USER_INPUT', 'input.address.city'],
    ]);
  });
});

describe('the next profile read, with the cache on', () => {
  const PROFILE = `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerProfile {
    orders(limit: 10) { id note tags canEditShippingAddress shippingAddress { ${ADDRESS_FIELDS} } } } } }`;

  it('shows the new note, tags and address: each edit invalidated the cached order', async () => {
    const order = await pick((o) => unshipped(o) && emailOf.has(o.customerId!));
    const read = async () => {
      const res = await asAgent(h, PROFILE, {
        r: [{ __typename: 'CustomerProfile', id: 'p-edits', emails: [emailOf.get(order.customerId!)] }],
      });
      expect(res.body.errors).toBeUndefined();
      return res.body.data._entities[0].orders.find((o: { id: string }) => o.id === order.id);
    };
    const shown = (o: EditSimOrder) => ({
      id: o.id,
      note: o.note,
      tags: o.tags,
      canEditShippingAddress: true,
      shippingAddress: contractAddress(o.shippingAddress),
    });
    expect(await read()).toEqual(shown(await detail(order.id)));
    const requests = (await simStats(h)).requests;
    await read();
    expect((await simStats(h)).requests).toBe(requests); // served from the cache

    const edits = [
      [NOTE, { orderId: order.id, note: 'Call before delivery', idempotencyKey: newKey() }],
      [TAGS, { orderId: order.id, add: ['escalated'], idempotencyKey: newKey() }],
      [
        ADDRESS,
        {
          orderId: order.id,
          address: { lastName: 'Hopper', address1: '1 Navy Way', city: 'Arlington', provinceCode: 'VA', countryCode: 'US' },
          idempotencyKey: newKey(),
        },
      ],
    ] as const;
    for (const [document, input] of edits) {
      const res = await asAgent(h, document, { input });
      expect(res.body.errors).toBeUndefined();
      const after = await detail(order.id);
      expect(await read()).toEqual(shown(after));
    }
    const after = await detail(order.id);
    expect([after.note, after.tags.includes('escalated'), after.shippingAddress?.lastName]).toEqual([
      'Call before delivery',
      true,
      'Hopper',
    ]);
  });
});

describe('a lost answer, then a retry with the same key', () => {
  let quick: Stack;
  beforeAll(async () => {
    // Same simulator, a short Shopify timeout so a lost answer is noticed quickly.
    quick = await startStack({ simulator: h.simulator, env: { SHOPIFY_TIMEOUT_MS: '300', SHOPIFY_MAX_WAIT_MS: '600' } });
  });
  afterAll(async () => quick?.close());

  it('updateOrderTags: the slow tagsAdd happened although we timed out; the retry sends both again, harmlessly, and succeeds', async () => {
    const order = await pick((o) => o.customerId !== null);
    await tagInShopify(order.id, ['needs-review']);
    const before = (await detail(order.id)).tags;
    const input = { orderId: order.id, add: ['vip'], remove: ['needs-review'], idempotencyKey: newKey() };
    onceBefore(quick, 'EditTagsAdd', () => quick.sim('faults', { latencyMs: 800 }));
    const first = await asAgent(quick, TAGS, { input });
    expect(first.body.errors[0].extensions.code).toBe('SHOPIFY_OUTCOME_UNKNOWN');
    // The slow tagsAdd already took its latency when it arrived: clearing the fault does not hurry or stop it.
    await quick.sim('faults', {});
    const expected = [...before.filter((t) => t !== 'needs-review'), 'vip'];
    expect(await tagsOnceLanded(order.id, expected)).toEqual(expected);

    const retry = await asAgent(quick, TAGS, { input });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.updateOrderTags.userErrors).toEqual([]);
    expect(retry.body.data.updateOrderTags.order.tags).toEqual(expected);
    expect((await detail(order.id)).tags).toEqual(expected);
    const trail = await quick.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey });
    expect(trail.map((e) => [e.outcome, e.errorCode])).toEqual([
      ['succeeded', null],
      ['unknown', 'SHOPIFY_OUTCOME_UNKNOWN'],
    ]);
  }, 15_000);
});
