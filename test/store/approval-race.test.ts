/**
 * Two supervisors approve one refund request at the same moment, through TWO subgraph processes sharing ONE
 * PostgreSQL database and one simulator, each with their own idempotency key: exactly one refund is made. The two
 * approvals are made to overlap, not left to chance: the subgraphs reach the simulator through a forwarding proxy that
 * holds each approval's last Shopify read (its suggested refund, after its re-check of the request) until BOTH are
 * waiting, then lets them through together. Both have then seen the request pending, so the conditional UPDATE alone
 * decides between them: the loser's approval fails with REQUEST_NOT_PENDING (its key settled as that refusal) — never a
 * replay of the winner's outcome: its key is its own, so there is nothing of its own to replay, and telling it who
 * decided is what the agent needs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
let proxy: Server;
let storeOptions: StoreOptions;
let subgraphs: SubgraphProcess[] = [];

/**
 * Holds requests of one Shopify operation, once armed, until `parties` of them are waiting, then releases them all
 * together. If they never all arrive (the approvals did not overlap), those waiting are released after 10 s and the
 * round records it, so the test fails instead of hanging.
 */
class Barrier {
  private waiting: Array<() => void> = [];
  private parties = 0;
  private timer: NodeJS.Timeout | undefined;
  /** whether the last armed round had all parties waiting at once */
  met = false;

  constructor(readonly operation: string) {}

  arm(parties: number): void {
    this.parties = parties;
    this.met = false;
    this.timer = setTimeout(() => this.release(), 10_000);
  }

  /** Resolves when this request may go on: at once unless armed for its operation. */
  pass(query: string): Promise<void> {
    if (this.parties === 0 || !new RegExp(`\\b(query|mutation) ${this.operation}\\b`).test(query)) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === this.parties) {
        this.met = true;
        this.release();
      }
    });
  }

  private release(): void {
    clearTimeout(this.timer);
    this.parties = 0;
    for (const go of this.waiting.splice(0)) go();
  }
}

// The last Shopify read of an approval before its conditional UPDATE (prepareRefund: order check, then this).
const barrier = new Barrier('ActionSuggestedRefund');

/** Forwards every request to the simulator unchanged, after the barrier lets it through. */
async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const query = body.length ? String((JSON.parse(body.toString()) as { query?: unknown }).query ?? '') : '';
  await barrier.pass(query);
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name)),
  ) as Record<string, string>;
  const answer = await fetch(`${simulator.url}${req.url}`, { method: req.method, headers, body: body.length ? body : undefined });
  const passOn = [...answer.headers].filter(
    ([name]) => !['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name),
  );
  res.writeHead(answer.status, Object.fromEntries(passOn));
  res.end(Buffer.from(await answer.arrayBuffer()));
}

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, customers: 80, maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
  proxy = createServer((req, res) => {
    forward(req, res).catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  storeOptions = postgres.freshOptions();
  const env = {
    NODE_ENV: 'test',
    SHOPIFY_STORE_DOMAIN: `http://127.0.0.1:${(proxy.address() as { port: number }).port}`,
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
  await new Promise((resolve) => proxy?.close(resolve));
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

it('two supervisors on two processes approve at once (both past their re-check): one refund, one APPROVED, the other REQUEST_NOT_PENDING', async () => {
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
    barrier.arm(2);
    const answers = await Promise.all(
      bosses.map((boss, i) => call(subgraphs[i]!, boss, APPROVE, { id: request.id, idempotencyKey: newKey() })),
    );
    // Both approvals were at the barrier at once: each had re-checked the request (pending) and none had updated it.
    expect(barrier.met).toBe(true);
    const payloads = answers.map((a) => a.data.approveRefundRequest);
    const winners = payloads.flatMap((p, i) => (p.userErrors.length === 0 ? [i] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
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
    // The trail: the winner succeeded; the loser passed its re-check and lost the UPDATE, so its key settled as the
    // refusal (failed), not refused before the claim (rejected).
    const store = await openStore(storeOptions);
    try {
      const trail = (await store.audit.listByOrders([order.id], 10, 'default')).get(order.id)!;
      const decisions = trail.filter((e) => e.action === 'approveRefundRequest').map((e) => [e.agentId, e.outcome, e.errorCode]);
      expect(decisions.sort()).toEqual(
        [
          [bosses[winner]!.sub, 'succeeded', null],
          [bosses[1 - winner]!.sub, 'failed', 'REQUEST_NOT_PENDING'],
        ].sort(),
      );
    } finally {
      await store.close();
    }
  }
}, 60_000);
