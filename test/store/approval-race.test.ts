/**
 * Two supervisors approve one refund request at the same moment, through TWO subgraph processes sharing ONE
 * PostgreSQL database and one simulator, each with their own idempotency key: exactly one refund is made. The
 * approval that loses the conditional UPDATE (or finds the request already decided by the other when it re-checks)
 * gets the user error REQUEST_NOT_PENDING — never a replay of the winner's outcome: its key is its own, so there is
 * nothing of its own to replay, and telling it who decided is what the agent needs.
 */
import { startSimulator, type Simulator } from 'shopify-admin-simulator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore, type StoreOptions } from '../../src/store/index.js';
import { cents, JWT_SECRET, newKey, orderPicker, paidOrder, simOrder, simStats, token, type Stack } from '../actions/helpers.js';
import { databases } from '../helpers/databases.js';
import { startSubgraphProcess, type SubgraphProcess } from './fixtures/subgraphs.js';

const postgres = databases.find((d) => d.name === 'postgres')!;
const REQUESTER = { sub: 'agent-ann', scopes: ['shopify:read', 'shopify:orders:refund'] };
const APPROVER_SCOPES = ['shopify:read', 'shopify:orders:refund:approve'];

let simulator: Simulator;
let storeOptions: StoreOptions;
let subgraphs: SubgraphProcess[] = [];

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, customers: 80, maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
  storeOptions = postgres.freshOptions();
  const env = {
    NODE_ENV: 'test',
    SHOPIFY_STORE_DOMAIN: simulator.url,
    SHOPIFY_ADMIN_ACCESS_TOKEN: simulator.token,
    AUTH_MODE: 'jwt',
    AUTH_JWT_SECRET: JWT_SECRET,
    SHOPIFY_REFUND_LIMITS: 'shopify:orders:refund=10.00',
  };
  // Started together: both migrate the fresh schema at once (Kysely's advisory lock serialises them).
  subgraphs = await Promise.all([startSubgraphProcess({ env, storeOptions }), startSubgraphProcess({ env, storeOptions })]);
}, 60_000);

afterAll(async () => {
  await Promise.all(subgraphs.map((s) => s.stop()));
  await simulator?.close();
  if (storeOptions) await postgres.drop(storeOptions);
});

/** POSTs to one subgraph process as an agent. */
async function call(subgraph: SubgraphProcess, agent: { sub: string; scopes: string[] }, query: string, input: unknown) {
  const res = await fetch(subgraph.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(agent.scopes, agent.sub)}` },
    body: JSON.stringify({ query, variables: { input } }),
  });
  return (await res.json()) as any;
}

const REFUND = `mutation($input: ShopifyRefundOrderInput!) { refundOrder(input: $input) { refund { id } refundRequest { id status amount { amount } } } }`;
const APPROVE = `mutation($input: ShopifyApproveRefundRequestInput!) {
  approveRefundRequest(input: $input) { refundRequest { status decidedBy } refund { id total { amount } } userErrors { field message code } }
}`;

/** The simulator's control API, as the action helpers speak it. */
const sim: Pick<Stack, 'sim'> = {
  async sim<T>(path: string): Promise<T> {
    return (await (await fetch(`${simulator.url}/__simulator/${path}`)).json()) as T;
  },
};

it('two supervisors on two processes approve at once: one refund, one APPROVED, the other REQUEST_NOT_PENDING', async () => {
  const pick = orderPicker(sim);
  for (let round = 0; round < 3; round++) {
    const order = await pick((o) => paidOrder(1)(o) && cents(o.lineItems[0]!.discountedUnitPrice) > 1_000);
    const line = order.lineItems[0]!;
    const held = await call(subgraphs[0]!, REQUESTER, REFUND, {
      orderId: order.id,
      lineItems: [{ lineItemId: line.id, quantity: 1 }],
      idempotencyKey: newKey(),
    });
    const request = held.data.refundOrder.refundRequest;
    expect([held.data.refundOrder.refund, request.status]).toEqual([null, 'PENDING']);
    const creates = (await simStats(sim)).byOperation.ActionRefundCreate ?? 0;

    const bosses = [
      { sub: `boss-a-${round}`, scopes: APPROVER_SCOPES },
      { sub: `boss-b-${round}`, scopes: APPROVER_SCOPES },
    ];
    // Every Shopify answer slowed: both approvals pass their re-check while the request is still pending, so the
    // conditional UPDATE (not the re-check) decides between them.
    await fetch(`${simulator.url}/__simulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 300 }),
    });
    const answers = await Promise.all(
      bosses.map((boss, i) => call(subgraphs[i]!, boss, APPROVE, { id: request.id, idempotencyKey: newKey() })),
    );
    await fetch(`${simulator.url}/__simulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const payloads = answers.map((a) => a.data.approveRefundRequest);
    const winner = payloads.findIndex((p) => p.userErrors.length === 0);
    expect(winner).toBeGreaterThanOrEqual(0);
    const loser = payloads[1 - winner]!;
    const refunds = (await simOrder(sim, order.id)).refunds;
    expect(refunds).toHaveLength(1);
    expect(payloads[winner]).toEqual({
      refundRequest: { status: 'APPROVED', decidedBy: bosses[winner]!.sub },
      refund: { id: refunds[0]!.id, total: { amount: request.amount.amount } },
      userErrors: [],
    });
    expect(loser.refund).toBeNull();
    expect(loser.userErrors).toHaveLength(1);
    expect(loser.userErrors[0].code).toBe('REQUEST_NOT_PENDING');
    expect(loser.userErrors[0].message).toMatch(
      new RegExp(`^this refund request (is being|was already) approved by ${bosses[winner]!.sub} at `),
    );
    expect((await simStats(sim)).byOperation.ActionRefundCreate).toBe(creates + 1);
    // The trail: the winner succeeded; the loser lost the UPDATE (its key settled: failed) or, had it been slower
    // than the winner's whole re-check, was refused by its own re-check (rejected) — REQUEST_NOT_PENDING either way.
    const store = await openStore(storeOptions);
    try {
      const trail = (await store.audit.listByOrders([order.id], 10, 'default')).get(order.id)!;
      const decisions = trail.filter((e) => e.action === 'approveRefundRequest').map((e) => [e.agentId, e.outcome, e.errorCode]);
      expect(decisions).toContainEqual([bosses[winner]!.sub, 'succeeded', null]);
      expect(decisions).toHaveLength(2);
      const lost = decisions.find((d) => d[0] === bosses[1 - winner]!.sub)!;
      expect([
        ['failed', 'REQUEST_NOT_PENDING'],
        ['rejected', 'REQUEST_NOT_PENDING'],
      ]).toContainEqual(lost.slice(1));
    } finally {
      await store.close();
    }
  }
}, 60_000);
