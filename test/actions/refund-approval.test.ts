/**
 * Refunds above an agent's limit need a supervisor's approval (issue 15), over HTTP against the simulator: the limit
 * (claim, else the default per scope), the held request (nothing sent to Shopify), its approval by another agent
 * (exactly one refund, for the request's amount), refusals (own request, approver's limit, scope, not pending,
 * expired), the re-check against the order, Shopify's own refusals, a lost answer, rejection, the audit trail, and
 * the bounds on an order's requests (at most 20 pending; the status filter runs before the cap of 50 shown).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { startSimulator, type Simulator } from 'shopify-admin-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireRefundRequests } from '../../src/actions/refund-approval-expiry.js';
import { refundLimitOf } from '../../src/actions/refund-limits.js';
import { SCOPES } from '../../src/auth.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  cents,
  JWT_SECRET,
  money,
  newKey,
  onceBefore,
  orderPicker,
  paidOrder,
  simOrder,
  simStats,
  startStack,
  type SimOrder,
  type Stack,
} from './helpers.js';

const LIMIT = '50.00';
const REQUESTER = { sub: 'agent-ann', scopes: ['shopify:read', 'shopify:orders:refund'] };
const BOSS = { sub: 'boss-bea', scopes: ['shopify:read', 'shopify:orders:refund', 'shopify:orders:refund:approve'] };
const BOSS2 = { sub: 'boss-cal', scopes: BOSS.scopes };
type Agent = { sub: string; scopes: readonly string[]; claims?: Record<string, unknown> };

let h: Stack;
let simulator: Simulator;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;
let tmp: string;
/** added to the store's clock (the requests' expiry, the sweep): tests that need time to pass move it */
let offsetMs = 0;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'approval-'));
  // Enough customers for a fresh above-limit order per test; a bucket that never throttles.
  simulator = await startSimulator({ port: 0, customers: 200, maximumAvailable: 1_000_000, restoreRate: 1_000_000 });
  h = await startStack({
    simulator,
    env: {
      SHOPIFY_REFUND_LIMITS: `shopify:orders:refund=${LIMIT}, shopify:orders:refund:approve=none`,
      SHOPIFY_TIMEOUT_MS: '1000',
      SHOPIFY_MAX_WAIT_MS: '2000',
    },
    build: { storeOptions: { sqlitePath: join(tmp, 'subgraph.sqlite'), now: () => new Date(Date.now() + offsetMs) } },
  });
  pick = orderPicker(h);
});
afterAll(async () => {
  await h?.close();
  await simulator?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function tokenOf(agent: Agent): Promise<string> {
  return new SignJWT({ scope: agent.scopes.join(' '), ...agent.claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(agent.sub)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

const as = async (agent: Agent, query: string, variables: Record<string, unknown>) =>
  h.query(query, variables, { authorization: `Bearer ${await tokenOf(agent)}` });

const MONEY = `{ amount currencyCode }`;
const REQUEST_FIELDS = `id store { handle } orderId status requestedBy requestedAt expiresAt amount ${MONEY} limit ${MONEY}
  lineItems { lineItemId quantity restock } shippingFull shippingAmount ${MONEY} note toStoreCredit notifyCustomer
  decidedBy decidedAt rejectionReason refund { id total ${MONEY} } errorCode`;
const USER_ERRORS = `userErrors { field message code }`;
const ORDER = `order { id totalRefunded ${MONEY} refundRequests { id status } agentActions { agentId action outcome amount ${MONEY} errorCode } }`;

const REFUND = `mutation($input: ShopifyRefundOrderInput!) {
  refundOrder(input: $input) { refund { id total ${MONEY} } refundRequest { ${REQUEST_FIELDS} } ${ORDER} ${USER_ERRORS} }
}`;
const APPROVE = `mutation($input: ShopifyApproveRefundRequestInput!) {
  approveRefundRequest(input: $input) { refundRequest { ${REQUEST_FIELDS} } refund { id total ${MONEY} } ${ORDER} ${USER_ERRORS} }
}`;
const REJECT = `mutation($input: ShopifyRejectRefundRequestInput!) {
  rejectRefundRequest(input: $input) { refundRequest { ${REQUEST_FIELDS} } refund { id } ${ORDER} ${USER_ERRORS} }
}`;
const REQUESTS = `mutation($input: ShopifyRefundOrderInput!) {
  refundOrder(input: $input) {
    refundRequest { id status }
    order { expired: refundRequests(status: [EXPIRED]) { id status } pending: refundRequests(status: [PENDING, APPROVED]) { id } all: refundRequests { id } }
  }
}`;

/** A paid USD order whose first line item costs more than the limit (one unit is above it). */
const aboveLimit = (o: SimOrder) =>
  paidOrder(1)(o) && cents(o.lineItems[0]!.discountedUnitPrice) > cents(LIMIT) && o.lineItems[0]!.refundableQuantity >= 1;
/** A paid USD order whose first line item costs less than the limit. */
const belowLimit = (o: SimOrder) => paidOrder(1)(o) && cents(o.lineItems[0]!.discountedUnitPrice) < cents(LIMIT);

/** Asks for one unit of the order's first line item as `agent`; the input and the answer. */
async function refundOne(agent: Agent, order: SimOrder, extra: Record<string, unknown> = {}) {
  const input = { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }], idempotencyKey: newKey(), ...extra };
  const res = await as(agent, REFUND, { input });
  expect(res.body.errors).toBeUndefined();
  return { input, payload: res.body.data.refundOrder };
}

/** A held request for one unit of a fresh above-limit order; the order, the request and the requester's key. */
async function heldRequest(extra: Record<string, unknown> = {}) {
  const order = await pick(aboveLimit);
  const { input, payload } = await refundOne(REQUESTER, order, extra);
  expect(payload.refundRequest.status).toBe('PENDING');
  return { order, request: payload.refundRequest, key: input.idempotencyKey as string };
}

const approve = (agent: Agent, id: string, idempotencyKey = newKey()) => as(agent, APPROVE, { input: { id, idempotencyKey } });

/**
 * The order's refunds in the simulator once there are `n`: polled, so a test waits for a slow refundCreate to land
 * rather than for a fixed time; if they never get there, what is there after 10 s (and the test fails on it).
 */
async function refundsOnceMade(orderId: string, n: number): Promise<SimOrder['refunds']> {
  const deadline = Date.now() + 10_000;
  let refunds = (await simOrder(h, orderId)).refunds;
  while (refunds.length !== n && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    refunds = (await simOrder(h, orderId)).refunds;
  }
  return refunds;
}
const refundCreates = async () => (await simStats(h)).byOperation.ActionRefundCreate ?? 0;
const unitPrice = (order: SimOrder) => ({ amount: money(cents(order.lineItems[0]!.discountedUnitPrice)), currencyCode: 'USD' });

describe('the limit', () => {
  it('a refund above the limit becomes a request: nothing is sent to Shopify, the audit says it was held', async () => {
    const order = await pick(aboveLimit);
    const line = order.lineItems[0]!;
    const creates = await refundCreates();
    const { input, payload } = await refundOne(REQUESTER, order, {
      note: 'arrived broken',
      notifyCustomer: true,
      shipping: { full: true },
    });
    const { refundRequest: request } = payload;
    const shipping = cents(order.totals.shipping!);
    const amount = { amount: money(cents(line.discountedUnitPrice) + shipping), currencyCode: 'USD' };
    expect(request).toEqual({
      id: expect.stringMatching(/^rr_[0-9a-f]{32}$/),
      store: { handle: 'default' },
      orderId: order.id,
      status: 'PENDING',
      requestedBy: REQUESTER.sub,
      requestedAt: expect.any(String),
      expiresAt: new Date(Date.parse(request.requestedAt) + 259_200_000).toISOString(),
      amount,
      limit: { amount: LIMIT, currencyCode: 'USD' },
      lineItems: [{ lineItemId: line.id, quantity: 1, restock: false }],
      shippingFull: true,
      shippingAmount: null,
      note: 'arrived broken',
      toStoreCredit: false,
      notifyCustomer: true,
      decidedBy: null,
      decidedAt: null,
      rejectionReason: null,
      refund: null,
      errorCode: null,
    });
    expect(payload.refund).toBeNull();
    expect(payload.userErrors).toEqual([]);
    expect(payload.order).toEqual({
      id: order.id,
      totalRefunded: { amount: '0.00', currencyCode: 'USD' },
      refundRequests: [{ id: request.id, status: 'PENDING' }],
      agentActions: [{ agentId: REQUESTER.sub, action: 'refundOrder', outcome: 'succeeded', amount, errorCode: null }],
    });
    expect(await refundCreates()).toBe(creates);
    expect((await simOrder(h, order.id)).refunds).toEqual([]);
    const [audit] = await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey });
    expect(audit).toMatchObject({
      outcome: 'succeeded',
      detail: `held for approval request=${request.id}; no money moved`,
      amount: amount.amount,
    });

    // A replay returns the same request, and writes no second one.
    const replay = await as(REQUESTER, REFUND, { input });
    expect(replay.body.data.refundOrder.refundRequest).toEqual(request);
    expect((await h.app.deps.store.refundRequests.listByOrders('default', [order.id], 50)).get(order.id)!.map((r) => r.id)).toEqual([
      request.id,
    ]);
  });

  it('a refund below the limit is made at once, as before limits existed', async () => {
    const order = await pick(belowLimit);
    const { payload } = await refundOne(REQUESTER, order);
    expect(payload.refundRequest).toBeNull();
    expect(payload.refund.total).toEqual(unitPrice(order));
    expect((await simOrder(h, order.id)).refunds).toHaveLength(1);
  });

  it('the claim wins over the default per scope; a per-store claim applies in its store, the default elsewhere', async () => {
    const cases: Array<[string, Agent, 'refund' | 'held']> = [
      ['claim above the default', { ...REQUESTER, claims: { shopify_refund_limit: '100000.00' } }, 'refund'],
      ['claim below an unlimited scope', { ...BOSS, claims: { shopify_refund_limit: '5.00' } }, 'held'],
      ['claim for this store', { ...REQUESTER, claims: { shopify_refund_limit: { default: '100000.00' } } }, 'refund'],
      ['claim for another store only', { ...REQUESTER, claims: { shopify_refund_limit: { eu: '100000.00' } } }, 'held'],
      ['the most generous scope (none) without a claim', BOSS, 'refund'],
    ];
    for (const [name, agent, expected] of cases) {
      const { payload } = await refundOne(agent, await pick(aboveLimit));
      expect([name, payload.refund ? 'refund' : payload.refundRequest ? 'held' : 'neither']).toEqual([name, expected]);
    }
  });

  it('a malformed limit claim is UNAUTHENTICATED naming the claim', async () => {
    const order = await pick(aboveLimit);
    for (const bad of ['-1', '12.345', 'lots', 100, ['1.00'], { US: '1.00' }, { us: 5 }, null]) {
      const res = await as({ ...REQUESTER, claims: { shopify_refund_limit: bad } }, REFUND, {
        input: { orderId: order.id, idempotencyKey: newKey() },
      });
      expect(res.body.errors[0].message, JSON.stringify(bad)).toBe(
        'The agent token was rejected (its "shopify_refund_limit" claim must be a decimal string like "250.00" (at most 2 decimals), or an object of at most 100 store handles each to such a string)',
      );
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('the default per scope: the most generous configured scope the token carries; none wins; unconfigured scopes set none', () => {
    const refunds = loadConfig({
      SHOPIFY_REFUND_LIMITS: 'shopify:orders:refund=50.00,shopify:read=75,shopify:orders:refund:approve=none',
    }).refunds;
    const caller = (scopes: string[], refundLimit?: string | Record<string, string>) => ({
      authenticated: true as const,
      agentId: 'a',
      scopes: new Set(scopes),
      ...(refundLimit ? { refundLimit } : {}),
    });
    expect(refundLimitOf(caller(['shopify:orders:refund']), 'us', refunds)).toBe('50.00');
    expect(refundLimitOf(caller(['shopify:orders:refund', 'shopify:read']), 'us', refunds)).toBe('75');
    expect(refundLimitOf(caller(['shopify:orders:refund', 'shopify:orders:refund:approve']), 'us', refunds)).toBeNull();
    expect(refundLimitOf(caller(['shopify:orders:cancel']), 'us', refunds)).toBeNull();
    expect(refundLimitOf(caller(['shopify:orders:refund'], { constructor: '1.00' }), 'us', refunds)).toBe('50.00');
    // AUTH_MODE=none grants every scope: limited only when SHOPIFY_REFUND_LIMITS names scopes, and then by the most generous.
    expect(refundLimitOf(caller([...SCOPES]), 'us', refunds)).toBeNull();
    expect(refundLimitOf(caller([...SCOPES]), 'us', loadConfig({ SHOPIFY_REFUND_LIMITS: 'shopify:orders:refund=20' }).refunds)).toBe('20');
    expect(refundLimitOf(caller([...SCOPES]), 'us', loadConfig({}).refunds)).toBeNull();
  });

  it('SHOPIFY_REFUND_LIMITS and SHOPIFY_REFUND_REQUEST_TTL_S are validated at boot, every problem listed', () => {
    let problems: string[] = [];
    try {
      loadConfig({
        SHOPIFY_REFUND_LIMITS: 'shopify:orders:refund=1.234, shopify:orders:refunds=5, shopify:read, shopify:orders:refund=none',
        SHOPIFY_REFUND_REQUEST_TTL_S: '59',
      });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual([
      'SHOPIFY_REFUND_REQUEST_TTL_S: must be a whole number from 60 to 2592000',
      'SHOPIFY_REFUND_LIMITS: entry 1 (shopify:orders:refund) must be a decimal amount like 100.00 (at most 2 decimals) or none',
      `SHOPIFY_REFUND_LIMITS: entry 2 names an unknown scope "shopify:orders:refunds" (known: ${SCOPES.join(', ')})`,
      'SHOPIFY_REFUND_LIMITS: entry 3 must be scope=amount or scope=none, like shopify:orders:refund=100.00',
    ]);
    expect(loadConfig({}).refunds).toEqual({ limitsByScope: new Map(), requestTtlSeconds: 259_200 });
  });
});

describe('approval', () => {
  it('another agent approves: exactly one refund for the request amount, APPROVED, and the whole trail on the order', async () => {
    const { order, request, key } = await heldRequest();
    const creates = await refundCreates();
    const approval = newKey();
    const res = await approve(BOSS, request.id, approval);
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.approveRefundRequest;
    const [refund] = (await simOrder(h, order.id)).refunds;
    const total = unitPrice(order);
    expect(payload.userErrors).toEqual([]);
    expect(payload.refund).toEqual({ id: refund!.id, total });
    expect(payload.refundRequest).toEqual({
      ...request,
      status: 'APPROVED',
      decidedBy: BOSS.sub,
      decidedAt: expect.any(String),
      refund: { id: refund!.id, total },
    });
    expect(payload.order).toEqual({
      id: order.id,
      totalRefunded: total,
      refundRequests: [{ id: request.id, status: 'APPROVED' }],
      agentActions: [
        { agentId: BOSS.sub, action: 'approveRefundRequest', outcome: 'succeeded', amount: total, errorCode: null },
        { agentId: REQUESTER.sub, action: 'refundOrder', outcome: 'succeeded', amount: request.amount, errorCode: null },
      ],
    });
    expect((await simOrder(h, order.id)).refunds).toHaveLength(1);
    expect(await refundCreates()).toBe(creates + 1);

    // A replay with the approver's key: the same result, no second refundCreate.
    const replay = await approve(BOSS, request.id, approval);
    expect({ ...replay.body.data.approveRefundRequest, order: null }).toEqual({ ...payload, order: null });
    expect(await refundCreates()).toBe(creates + 1);
    // The same key for another decision is IDEMPOTENCY_KEY_REUSED; another key meets a request already approved.
    const reused = await as(BOSS, REJECT, { input: { id: request.id, reason: 'no', idempotencyKey: approval } });
    expect(reused.body.errors[0].extensions).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const again = await approve(BOSS2, request.id);
    expect(again.body.data.approveRefundRequest.userErrors).toEqual([
      {
        field: ['input', 'id'],
        message: `this refund request was already approved by ${BOSS.sub} at ${payload.refundRequest.decidedAt}`,
        code: 'REQUEST_NOT_PENDING',
      },
    ]);
    expect(again.body.data.approveRefundRequest.refundRequest.status).toBe('APPROVED');
    // The requester's own retry still answers with the request, now approved.
    const requesterRetry = await as(REQUESTER, REFUND, {
      input: { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }], idempotencyKey: key },
    });
    expect(requesterRetry.body.data.refundOrder.refundRequest.status).toBe('APPROVED');
    expect(await refundCreates()).toBe(creates + 1);
  });

  it('refusals: own request, an approver whose limit is below the amount, a missing scope (FORBIDDEN, audited denied on the order)', async () => {
    const { order, request } = await heldRequest();
    const creates = await refundCreates();
    const selfApproval = { ...REQUESTER, scopes: [...REQUESTER.scopes, 'shopify:orders:refund:approve'] };
    const low = { ...BOSS2, claims: { shopify_refund_limit: '10.00' } };
    const cases: Array<[Agent, Record<string, unknown>, string]> = [
      [
        selfApproval,
        { code: 'FORBIDDEN', reason: 'OWN_REQUEST' },
        'You asked for this refund yourself: another agent with the shopify:orders:refund:approve scope must approve or reject it',
      ],
      [
        low,
        { code: 'FORBIDDEN', reason: 'ABOVE_LIMIT' },
        `This request is for ${request.amount.amount} USD, above your own refund limit of 10.00 USD in the store "default": an approver with a higher limit must decide it`,
      ],
      [
        REQUESTER,
        { code: 'FORBIDDEN', scope: 'shopify:orders:refund:approve' },
        `This needs the scope "shopify:orders:refund:approve", which the agent's token does not carry`,
      ],
    ];
    for (const [agent, extensions, message] of cases) {
      const res = await approve(agent, request.id);
      expect(res.body.errors[0]).toMatchObject({ message, extensions });
    }
    const ownReject = await as(selfApproval, REJECT, { input: { id: request.id, reason: 'changed my mind', idempotencyKey: newKey() } });
    expect(ownReject.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN', reason: 'OWN_REQUEST' });
    expect(await refundCreates()).toBe(creates);
    const trail = (await h.app.deps.store.audit.listByOrders([order.id], 10, 'default')).get(order.id)!;
    expect(trail.map((e) => [e.action, e.agentId, e.outcome, e.errorCode])).toEqual([
      ['rejectRefundRequest', REQUESTER.sub, 'denied', 'FORBIDDEN'],
      ['approveRefundRequest', REQUESTER.sub, 'denied', 'FORBIDDEN'],
      ['approveRefundRequest', BOSS2.sub, 'denied', 'FORBIDDEN'],
      ['approveRefundRequest', REQUESTER.sub, 'denied', 'FORBIDDEN'],
      ['refundOrder', REQUESTER.sub, 'succeeded', null],
    ]);
    expect((await h.app.deps.store.refundRequests.get(request.id))!.status).toBe('PENDING');
  });

  it('an unknown or malformed id is BAD_USER_INPUT on input.id', async () => {
    for (const [id, message] of [
      ['rr_0123456789abcdef0123456789abcdef', 'input.id: no refund request has this id'],
      ['gid://shopify/Refund/1', 'input.id: must be a refund request id (rr_ and 32 hexadecimal digits)'],
    ]) {
      const res = await approve(BOSS, id!);
      expect(res.body.errors[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT', field: 'input.id' } });
    }
  });

  it('re-check: the order was fully refunded meanwhile, so the approval sends nothing and the request FAILS', async () => {
    const { order, request } = await heldRequest();
    const line = order.lineItems[0]!;
    // A supervisor (no limit) refunds the whole line directly before anyone decides.
    const direct = await refundOne(BOSS, order);
    expect(direct.payload.refund).not.toBeNull();
    if (line.refundableQuantity > 1) {
      await as(BOSS, REFUND, {
        input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: line.refundableQuantity - 1 }], idempotencyKey: newKey() },
      });
    }
    const creates = await refundCreates();
    const res = await approve(BOSS2, request.id);
    const payload = res.body.data.approveRefundRequest;
    expect(payload.userErrors).toEqual([
      {
        field: ['input', 'id'],
        message: `the order changed since the request: lineItems[0].quantity: is more than the 0 still refundable`,
        code: 'NO_LONGER_REFUNDABLE',
      },
    ]);
    expect(payload.refund).toBeNull();
    expect(payload.refundRequest).toMatchObject({
      status: 'FAILED',
      errorCode: 'NO_LONGER_REFUNDABLE',
      decidedBy: BOSS2.sub,
      refund: null,
    });
    expect(await refundCreates()).toBe(creates);
    expect(payload.order.agentActions[0]).toEqual({
      agentId: BOSS2.sub,
      action: 'approveRefundRequest',
      outcome: 'failed',
      amount: null,
      errorCode: 'NO_LONGER_REFUNDABLE',
    });
  });

  it("Shopify's own refusal passes through: the request FAILS with its code and no money moves", async () => {
    const { order, request } = await heldRequest();
    const line = order.lineItems[0]!;
    // Another supervisor refunds every unit between the approval's checks and its refundCreate.
    onceBefore(h, 'ActionRefundCreate', async () => {
      const other = await as(BOSS2, REFUND, {
        input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: line.refundableQuantity }], idempotencyKey: newKey() },
      });
      expect(other.body.data.refundOrder.userErrors).toEqual([]);
    });
    const res = await approve(BOSS, request.id);
    const payload = res.body.data.approveRefundRequest;
    // Shopify's messages as it wrote them; its field paths name the requester's refund input, so no field here.
    expect(payload.userErrors).toEqual([
      { field: null, message: 'Quantity cannot refund more items than were purchased', code: 'SHOPIFY_USER_ERROR' },
      { field: null, message: 'Amount cannot be greater than the refundable amount of the parent transaction', code: 'SHOPIFY_USER_ERROR' },
    ]);
    expect(payload.refundRequest).toMatchObject({ status: 'FAILED', errorCode: 'SHOPIFY_USER_ERROR', decidedBy: BOSS.sub, refund: null });
    expect((await simOrder(h, order.id)).refunds).toHaveLength(1);
  });

  it('a lost answer leaves the request approving; the same approver retries with the same key and gets the one refund', async () => {
    const { order, request } = await heldRequest();
    const key = newKey();
    // Every attempt at refundCreate (the client resends it: it is replay-safe) answers after our timeout, yet is made.
    onceBefore(h, 'ActionRefundCreate', () => h.sim('faults', { latencyMs: 1_500 }));
    const lost = await approve(BOSS, request.id, key);
    expect(lost.body.errors[0].extensions.code).toBe('SHOPIFY_OUTCOME_UNKNOWN');
    // The slow refundCreate already took its latency when it arrived: clearing the fault neither hurries nor stops it.
    await h.sim('faults', {});
    const made = await refundsOnceMade(order.id, 1);
    expect(made).toHaveLength(1);
    // Meanwhile nobody else can decide it.
    const other = await approve(BOSS2, request.id);
    expect(other.body.data.approveRefundRequest.userErrors[0]).toMatchObject({ code: 'REQUEST_NOT_PENDING' });
    expect(other.body.data.approveRefundRequest.userErrors[0].message).toMatch(/^this refund request is being approved by boss-bea at /);

    const retry = await approve(BOSS, request.id, key);
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.approveRefundRequest.refund).toEqual({ id: made[0]!.id, total: unitPrice(order) });
    expect(retry.body.data.approveRefundRequest.refundRequest.status).toBe('APPROVED');
    expect((await simOrder(h, order.id)).refunds.map((r) => r.id)).toEqual([made[0]!.id]);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((e) => e.outcome)).toEqual(['succeeded', 'unknown']);
  }, 20_000);
});

describe('rejection and expiry', () => {
  it('reject: REJECTED with the reason, no money; then nobody can approve it; the reason never reaches the audit', async () => {
    const { order, request } = await heldRequest();
    const creates = await refundCreates();
    for (const [reason, problem] of [
      [' ', 'input.reason: must be 1 to 1000 characters, got 0'],
      ['x'.repeat(1001), 'input.reason: must be 1 to 1000 characters, got 1001'],
      ['ok\u202Eevil', 'input.reason: must not contain control or bidirectional characters, found U+202E'],
    ]) {
      const bad = await as(BOSS, REJECT, { input: { id: request.id, reason, idempotencyKey: newKey() } });
      expect(bad.body.errors[0]).toMatchObject({ message: problem, extensions: { code: 'BAD_USER_INPUT' } });
    }
    const res = await as(BOSS, REJECT, { input: { id: request.id, reason: '  Refund policy: 30 days only  ', idempotencyKey: newKey() } });
    const payload = res.body.data.rejectRefundRequest;
    expect(payload.userErrors).toEqual([]);
    expect(payload.refund).toBeNull();
    expect(payload.refundRequest).toEqual({
      ...request,
      status: 'REJECTED',
      decidedBy: BOSS.sub,
      decidedAt: expect.any(String),
      rejectionReason: 'Refund policy: 30 days only',
    });
    expect(payload.order.agentActions.slice(0, 1)).toEqual([
      { agentId: BOSS.sub, action: 'rejectRefundRequest', outcome: 'succeeded', amount: null, errorCode: null },
    ]);
    const late = await approve(BOSS2, request.id);
    expect(late.body.data.approveRefundRequest.userErrors[0]).toEqual({
      field: ['input', 'id'],
      message: `this refund request was already rejected by ${BOSS.sub} at ${payload.refundRequest.decidedAt}`,
      code: 'REQUEST_NOT_PENDING',
    });
    expect(await refundCreates()).toBe(creates);
    expect((await simOrder(h, order.id)).refunds).toEqual([]);
    const trail = await h.app.deps.store.audit.list({ action: 'rejectRefundRequest', limit: 1000 });
    expect(trail.some((e) => JSON.stringify(e).includes('30 days'))).toBe(false);
  });

  it('past its expiry: EXPIRED on read, REQUEST_EXPIRED to approvers, and the expiry audited once (by the refusal or the sweep)', async () => {
    const first = await heldRequest();
    const second = await heldRequest();
    try {
      offsetMs = 259_200_000 + 1_000;
      // Read through the requester's replay, whose order is read fresh: the status filter sees the computed EXPIRED.
      const read = await as(REQUESTER, REQUESTS, {
        input: {
          orderId: first.order.id,
          lineItems: [{ lineItemId: first.order.lineItems[0]!.id, quantity: 1 }],
          idempotencyKey: first.key,
        },
      });
      expect(read.body.data.refundOrder).toEqual({
        refundRequest: { id: first.request.id, status: 'EXPIRED' },
        order: { expired: [{ id: first.request.id, status: 'EXPIRED' }], pending: [], all: [{ id: first.request.id }] },
      });

      const res = await approve(BOSS, first.request.id);
      expect(res.body.data.approveRefundRequest.userErrors).toEqual([
        {
          field: ['input', 'id'],
          message: `this refund request expired at ${first.request.expiresAt} without a decision`,
          code: 'REQUEST_EXPIRED',
        },
      ]);
      expect(res.body.data.approveRefundRequest.refundRequest.status).toBe('EXPIRED');
      // The sweep (callable; the app's own runs every minute and may come first) expires the other one, nothing twice:
      // the trails below hold exactly one expiry each.
      const swept = await expireRefundRequests(h.app.deps);
      expect(swept.map((r) => r.id)).not.toContain(first.request.id);
      expect(await expireRefundRequests(h.app.deps)).toEqual([]);
      for (const { order, request } of [first, second]) {
        const trail = (await h.app.deps.store.audit.listByOrders([order.id], 10, 'default')).get(order.id)!;
        expect(trail.map((e) => [e.action, e.agentId, e.outcome, e.amount, e.detail])).toEqual([
          ...(order === first.order ? [['approveRefundRequest', BOSS.sub, 'rejected', null, `request=${request.id}`]] : []),
          [
            'expireRefundRequest',
            null,
            'succeeded',
            request.amount.amount,
            `request=${request.id} expired without a decision; no money moved`,
          ],
          ...(order === first.order
            ? [['refundOrder', REQUESTER.sub, 'replayed', request.amount.amount, `held for approval request=${request.id}; no money moved`]]
            : []),
          ['refundOrder', REQUESTER.sub, 'succeeded', request.amount.amount, `held for approval request=${request.id}; no money moved`],
        ]);
        expect((await h.app.deps.store.refundRequests.get(request.id))!.state).toBe('expired');
      }
      const rejectLate = await as(BOSS, REJECT, { input: { id: second.request.id, reason: 'late', idempotencyKey: newKey() } });
      expect(rejectLate.body.data.rejectRefundRequest.userErrors[0].code).toBe('REQUEST_EXPIRED');
    } finally {
      offsetMs = 0;
    }
  });
});

describe("bounds on an order's requests", () => {
  const HOLD = `mutation($input: ShopifyRefundOrderInput!) {
    refundOrder(input: $input) {
      refund { id } refundRequest { id status } ${USER_ERRORS}
      order { refundRequests(status: [PENDING]) { id } agentActions { agentId action outcome errorCode } }
    }
  }`;
  const oneUnit = (order: SimOrder, idempotencyKey = newKey()) => ({
    orderId: order.id,
    lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 1 }],
    idempotencyKey,
  });
  const READ = `mutation($input: ShopifyRefundOrderInput!) {
    refundOrder(input: $input) {
      order {
        pending: refundRequests(status: [PENDING]) { id status }
        all: refundRequests { id }
        rejected: refundRequests(status: [REJECTED, REJECTED]) { id }
        expiredOrPending: refundRequests(status: [EXPIRED, PENDING]) { id status }
        none: refundRequests(status: []) { id }
      }
    }
  }`;
  /** A request on the order as another hold would write it (through the repository: set-up and races only). */
  const otherRequest = (
    order: SimOrder,
    amount: { amount: string; currencyCode: string },
    id = `rr_${randomBytes(16).toString('hex')}`,
  ) => ({
    id,
    store: 'default',
    orderId: order.id,
    customerId: null,
    requestedBy: REQUESTER.sub,
    requestedKey: newKey(),
    ask: { lineItems: null, shipping: null, note: null, notifyCustomer: false, toStoreCredit: false },
    amount,
    limit: LIMIT,
    ttlMs: 60_000,
    maxPending: 20,
  });
  const stored = async (orderId: string) =>
    (await h.app.deps.store.refundRequests.listByOrders('default', [orderId], 50)).get(orderId)!.map((r) => r.id);

  it('a 21st pending request on one order is refused (TOO_MANY_PENDING_REQUESTS): nothing written, nothing sent, the key unused', async () => {
    const order = await pick(aboveLimit);
    const held: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await as(REQUESTER, HOLD, { input: oneUnit(order) });
      expect(res.body.data.refundOrder.refundRequest.status).toBe('PENDING');
      held.unshift(res.body.data.refundOrder.refundRequest.id);
    }
    const creates = await refundCreates();
    const key = newKey();
    const res = await as(REQUESTER, HOLD, { input: oneUnit(order, key) });
    expect(res.body.errors).toBeUndefined();
    const payload = res.body.data.refundOrder;
    expect(payload.userErrors).toEqual([
      {
        field: ['input', 'orderId'],
        message:
          'this order already has 20 refund requests waiting for a decision, the most one order may have: an approver must approve or reject one of them before another refund above your limit can be held',
        code: 'TOO_MANY_PENDING_REQUESTS',
      },
    ]);
    expect([payload.refund, payload.refundRequest]).toEqual([null, null]);
    expect(payload.order.refundRequests.map((r: { id: string }) => r.id)).toEqual(held);
    expect(payload.order.agentActions[0]).toEqual({
      agentId: REQUESTER.sub,
      action: 'refundOrder',
      outcome: 'rejected',
      errorCode: 'TOO_MANY_PENDING_REQUESTS',
    });
    expect(await stored(order.id)).toEqual(held);
    expect(await h.app.deps.store.idempotency.get(key)).toBeNull();
    expect(await refundCreates()).toBe(creates);
    expect((await simOrder(h, order.id)).refunds).toEqual([]);

    // Once an approver decided one, the same key holds the refund: the refusal did not use it up.
    const rejected = await as(BOSS, REJECT, { input: { id: held[0], reason: 'duplicate', idempotencyKey: newKey() } });
    expect(rejected.body.data.rejectRefundRequest.userErrors).toEqual([]);
    const again = await as(REQUESTER, HOLD, { input: oneUnit(order, key) });
    expect(again.body.data.refundOrder.userErrors).toEqual([]);
    const request = again.body.data.refundOrder.refundRequest;
    expect(request.status).toBe('PENDING');
    expect(again.body.data.refundOrder.order.refundRequests.map((r: { id: string }) => r.id)).toEqual([request.id, ...held.slice(1)]);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((e) => [e.outcome, e.errorCode])).toEqual([
      ['succeeded', null],
      ['rejected', 'TOO_MANY_PENDING_REQUESTS'],
    ]);
    expect(await refundCreates()).toBe(creates);
  }, 30_000);

  it('concurrent holds on one order with 15 pending: exactly 5 more are held, the others refused TOO_MANY_PENDING_REQUESTS', async () => {
    const order = await pick(aboveLimit);
    for (let i = 0; i < 15; i++) {
      expect((await as(REQUESTER, HOLD, { input: oneUnit(order) })).body.data.refundOrder.userErrors).toEqual([]);
    }
    const answers = await Promise.all(Array.from({ length: 10 }, () => as(REQUESTER, HOLD, { input: oneUnit(order) })));
    const outcomes = answers.map((a) => {
      const { refundRequest, userErrors } = a.body.data.refundOrder;
      return refundRequest ? refundRequest.status : userErrors.map((e: { code: string }) => e.code).join();
    });
    expect(outcomes.filter((o) => o === 'PENDING')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'TOO_MANY_PENDING_REQUESTS')).toHaveLength(5);
    expect(await stored(order.id)).toHaveLength(20);
    expect(await h.app.deps.store.refundRequests.countPending('default', order.id)).toBe(20);
  }, 30_000);

  it('a hold that loses the last place between its check and its insert is refused by the insert; its retry holds it once there is room', async () => {
    const order = await pick(aboveLimit);
    const held: string[] = [];
    for (let i = 0; i < 19; i++)
      held.unshift((await as(REQUESTER, HOLD, { input: oneUnit(order) })).body.data.refundOrder.refundRequest.id);
    // Another process's hold takes the 20th place just before this one's insert (after its check saw 19).
    const repo = h.app.deps.store.refundRequests;
    const create = repo.create;
    const racer = otherRequest(order, { amount: '60.00', currencyCode: 'USD' });
    repo.create = async (request) => {
      repo.create = create;
      expect((await create(racer)).created).toBe(true);
      return create(request);
    };
    const key = newKey();
    const lost = await as(REQUESTER, HOLD, { input: oneUnit(order, key) });
    expect(repo.create).toBe(create);
    expect(lost.body.data.refundOrder.userErrors.map((e: { code: string }) => e.code)).toEqual(['TOO_MANY_PENDING_REQUESTS']);
    expect(lost.body.data.refundOrder.refundRequest).toBeNull();
    expect(await stored(order.id)).toEqual([racer.id, ...held]);

    // The refused attempt wrote no request and released its key: once a place is free, its retry holds the refund.
    expect(
      (await as(BOSS, REJECT, { input: { id: racer.id, reason: 'duplicate', idempotencyKey: newKey() } })).body.data.rejectRefundRequest
        .userErrors,
    ).toEqual([]);
    const retry = await as(REQUESTER, HOLD, { input: oneUnit(order, key) });
    expect(retry.body.data.refundOrder.userErrors).toEqual([]);
    expect(retry.body.data.refundOrder.refundRequest.status).toBe('PENDING');
    expect(await repo.countPending('default', order.id)).toBe(20);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((e) => [e.outcome, e.errorCode])).toEqual([
      ['succeeded', null],
      ['rejected', 'TOO_MANY_PENDING_REQUESTS'],
    ]);
  }, 30_000);

  it('refundRequests(status: [PENDING]) finds a pending request behind 50 newer rejected ones (the filter runs before the cap of 50)', async () => {
    const { order, request, key } = await heldRequest();
    // 50 newer requests on the order, each decided: written through the repository, as 50 holds and rejections would.
    const repo = h.app.deps.store.refundRequests;
    const rejected: string[] = [];
    for (let i = 0; i < 50; i++) {
      const other = otherRequest(order, request.amount);
      const { record } = await repo.create(other);
      expect(Date.parse(record!.requestedAt)).toBeGreaterThan(Date.parse(request.requestedAt));
      expect(await repo.reject({ id: other.id, by: BOSS.sub, key: newKey() }, 'no')).not.toBeNull();
      rejected.push(other.id);
    }
    // Several may share a millisecond (their order is then by id): compared as sets, newest first is the store test's.
    const ids = (list: Array<{ id: string }>) => list.map((r) => r.id).sort();
    // Read through the requester's replay, whose order is read fresh.
    const read = await as(REQUESTER, READ, { input: oneUnit(order, key) });
    expect(read.body.errors).toBeUndefined();
    const { order: seen } = read.body.data.refundOrder;
    expect(seen.pending).toEqual([{ id: request.id, status: 'PENDING' }]);
    // Unfiltered, the newest 50 are the rejected ones; any status set is filtered the same way, in any order.
    expect(ids(seen.all)).toEqual(rejected.sort());
    expect(ids(seen.rejected)).toEqual(rejected);
    expect(seen.expiredOrPending).toEqual([{ id: request.id, status: 'PENDING' }]);
    expect(seen.none).toEqual([]);
  }, 30_000);
});
