/**
 * Exactly once per idempotency key: concurrent duplicates (one process, and two processes sharing one database),
 * replays, reused keys, a key whose first attempt is still running. On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashInput } from '../../src/actions/idempotency.js';
import { parseRefund } from '../../src/actions/validate.js';
import { databases } from '../helpers/databases.js';
import {
  asAgent,
  cents,
  DISCOUNT,
  newKey,
  orderPicker,
  paidOrder,
  REFUND,
  simOrder,
  simStats,
  startStack,
  startTestSimulator,
  type SimOrder,
  type Stack,
} from './helpers.js';
import type { Simulator } from 'shopify-admin-simulator';

describe.each(databases)('exactly once on $name', (db) => {
  let simulator: Simulator;
  let a: Stack;
  let b: Stack;
  let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;
  const options = db.freshOptions();

  beforeAll(async () => {
    simulator = await startTestSimulator();
    // Two subgraph instances, each with its own connection to the same database: like two processes behind a router.
    a = await startStack({ simulator, build: { storeOptions: options } });
    b = await startStack({ simulator, build: { storeOptions: options } });
    pick = orderPicker(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await simulator?.close();
    await db.drop(options);
  });

  it('20 concurrent refundOrder calls with one key, spread over two instances: one refund, one success, 19 replays', async () => {
    const before = await pick(paidOrder(1));
    const line = before.lineItems[0]!;
    const key = newKey();
    const input = { orderId: before.id, lineItems: [{ lineItemId: line.id, quantity: 1 }], idempotencyKey: key };
    const stats = await simStats(a);

    // Slow Shopify down a little so the 20 requests overlap: most arrive while the first one is still acting.
    await a.sim('faults', { latencyMs: 40 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => asAgent(i % 2 ? b : a, REFUND, { input })));
    await a.sim('faults', {});

    for (const r of results) expect(r.body.errors).toBeUndefined();
    const refunds = new Set(results.map((r) => r.body.data.refundOrder.refund.id));
    expect(refunds.size).toBe(1);
    const after = await simOrder(a, before.id);
    expect(after.refunds.map((r) => r.id)).toEqual([...refunds]);
    expect(cents(after.totalRefunded)).toBe(cents(line.discountedUnitPrice));
    expect(after.transactions.filter((t) => t.kind === 'REFUND')).toHaveLength(1);
    expect((await simStats(a)).byOperation.ActionRefundCreate! - (stats.byOperation.ActionRefundCreate ?? 0)).toBe(1);
    // every response shows the order after the refund
    for (const r of results) expect(r.body.data.refundOrder.order.totalRefunded.amount).toBe(after.totalRefunded);

    const audit = await a.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit.filter((e) => e.outcome === 'succeeded')).toHaveLength(1);
    expect(audit.filter((e) => e.outcome === 'replayed')).toHaveLength(19);
    expect(audit).toHaveLength(20);
    expect((await a.app.deps.store.idempotency.get(key))!.state).toBe('succeeded');
  });

  it('a later retry replays the stored result without a Shopify mutation; the order is read fresh', async () => {
    const before = await pick(paidOrder(1));
    const key = newKey();
    const input = {
      orderId: before.id,
      lineItems: [{ lineItemId: before.lineItems[0]!.id, quantity: 1 }],
      shipping: { full: true },
      idempotencyKey: key,
    };
    const first = await asAgent(a, REFUND, { input });
    const stats = await simStats(a);
    const again = await asAgent(b, REFUND, { input });
    const { order: firstOrder, ...firstRest } = first.body.data.refundOrder;
    const { order: againOrder, ...againRest } = again.body.data.refundOrder;
    expect(againRest).toEqual(firstRest);
    expect(againRest.refund.id).toMatch(/^gid:\/\/shopify\/Refund\//);
    // the order is read again: the same state, and its trail now shows the replay on top
    expect({ ...againOrder, agentActions: undefined }).toEqual({ ...firstOrder, agentActions: undefined });
    expect(againOrder.agentActions.map((x: { outcome: string }) => x.outcome)).toEqual(['replayed', 'succeeded']);
    const after = await simStats(a);
    expect(after.byOperation.ActionRefundCreate).toBe(stats.byOperation.ActionRefundCreate);
    expect(after.byOperation.ActionSuggestedRefund).toBe(stats.byOperation.ActionSuggestedRefund);
    // no checks against the changed order (they would fail now): only the payload's fresh read
    expect(after.byOperation.ActionOrderCheck).toBe(stats.byOperation.ActionOrderCheck);
    expect(after.byOperation.ActionOrder! - stats.byOperation.ActionOrder!).toBe(1);
    expect((await a.app.deps.store.audit.list({ idempotencyKey: key })).map((e) => e.outcome)).toEqual(['replayed', 'succeeded']);
  });

  it('the same key with another input, another mutation or another agent is IDEMPOTENCY_KEY_REUSED, and nothing is sent', async () => {
    const before = await pick(paidOrder(1));
    const key = newKey();
    const line = before.lineItems[0]!;
    await asAgent(a, REFUND, { input: { orderId: before.id, lineItems: [{ lineItemId: line.id, quantity: 1 }], idempotencyKey: key } });
    const stats = await simStats(a);
    const reused = [
      await asAgent(b, REFUND, {
        input: { orderId: before.id, lineItems: [{ lineItemId: line.id, quantity: 1, restock: true }], idempotencyKey: key },
      }),
      await asAgent(a, DISCOUNT, { input: { customerId: before.customerId, percentage: 10, idempotencyKey: key } }),
      await asAgent(
        b,
        REFUND,
        { input: { orderId: before.id, lineItems: [{ lineItemId: line.id, quantity: 1 }], idempotencyKey: key } },
        undefined,
        'agent-other',
      ),
    ];
    for (const r of reused) {
      expect(r.body.errors[0].extensions).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED' });
    }
    const after = await simStats(a);
    expect(after.byOperation.ActionRefundCreate).toBe(stats.byOperation.ActionRefundCreate);
    expect(after.byOperation.ActionDiscountCreate ?? 0).toBe(stats.byOperation.ActionDiscountCreate ?? 0);
    const audit = await a.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit.map((e) => [e.action, e.outcome, e.errorCode])).toEqual([
      ['refundOrder', 'rejected', 'IDEMPOTENCY_KEY_REUSED'],
      ['createDiscount', 'rejected', 'IDEMPOTENCY_KEY_REUSED'],
      ['refundOrder', 'rejected', 'IDEMPOTENCY_KEY_REUSED'],
      ['refundOrder', 'succeeded', null],
    ]);
  });
});

describe('a key whose first attempt is still running', () => {
  let h: Stack;
  beforeAll(async () => {
    h = await startStack();
  });
  afterAll(async () => h?.close());

  it('makes a second request wait (bounded, 5 s), then answer IDEMPOTENCY_IN_PROGRESS without acting', async () => {
    const order = await orderPicker(h)(paidOrder(1));
    const key = newKey();
    const input = { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }], idempotencyKey: key };
    // Another process holds the key (claimed, working): same agent, mutation and input.
    const { idempotencyKey: _k, ...rest } = parseRefund(input);
    await h.app.deps.store.idempotency.claim({
      key,
      agentId: 'agent-7',
      mutation: 'refundOrder',
      inputHash: hashInput(rest),
      leaseMs: 60_000,
    });
    const stats = await simStats(h);
    const started = Date.now();
    const res = await asAgent(h, REFUND, { input });
    expect(Date.now() - started).toBeGreaterThanOrEqual(5_000);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
    expect(res.body.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(40);
    expect((await simStats(h)).byOperation).toEqual(stats.byOperation);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((e) => [e.outcome, e.errorCode])).toEqual([
      ['rejected', 'IDEMPOTENCY_IN_PROGRESS'],
    ]);
  }, 15_000);
});
