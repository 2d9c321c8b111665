/**
 * createReplacementOrder exactly once when an attempt stops half-way: the process dies between draftOrderCreate and
 * draftOrderComplete (a real second OS process on the same SQLite file, killed with SIGKILL), or an answer is lost.
 * Each time the retry with the same key ends with exactly one draft, completed, and exactly one new order.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'shopify-admin-simulator';
import type { ReplacementSent } from '../../src/actions/replacement.js';
import type { CrashReply, CrashTask } from './fixtures/crashing-subgraph.js';
import {
  asAgent,
  JWT_ENV,
  newKey,
  onceBefore,
  orderPicker,
  simStats,
  startStack,
  startTestSimulator,
  token,
  type SimOrder,
  type Stack,
} from './helpers.js';
import { draftOrders, newOrdersSince, orderIds, REPLACE, shippedLines, shippedOrder, type SimDraft } from './replacement-helpers.js';

const CHILD = fileURLToPath(new URL('./fixtures/crashing-subgraph.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
/** Short Shopify timeouts (so a lost answer shows quickly); the key's lease is 2 × (1000 + 500) + 1000 = 4 s. */
const TIMEOUTS = { SHOPIFY_TIMEOUT_MS: '1000', SHOPIFY_MAX_WAIT_MS: '500' };

let simulator: Simulator;
let h: Stack;
let tmp: string;
let sqlitePath: string;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;

beforeAll(async () => {
  simulator = await startTestSimulator();
  tmp = mkdtempSync(join(tmpdir(), 'replacement-crash-'));
  sqlitePath = join(tmp, 'shared.sqlite');
  h = await startStack({ simulator, env: { ...TIMEOUTS, SQLITE_PATH: sqlitePath } });
  pick = orderPicker(h);
});
afterAll(async () => {
  await h?.close();
  await simulator?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A subgraph process on the same simulator and SQLite file that kills itself right before sending `dieBefore`. */
function startCrashingSubgraph(dieBefore: string): { url: Promise<string>; exit: Promise<NodeJS.Signals | number | null> } {
  const task: CrashTask = {
    env: {
      SHOPIFY_STORE_DOMAIN: simulator.url,
      SHOPIFY_ADMIN_ACCESS_TOKEN: simulator.token,
      SQLITE_PATH: sqlitePath,
      ...JWT_ENV,
      ...TIMEOUTS,
    },
    dieBefore,
  };
  const child = fork(CHILD, [JSON.stringify(task)], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.resume();
  const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const url = new Promise<string>((resolve, reject) => {
    child.on('message', (m: CrashReply) => (m.type === 'listening' ? resolve(m.url) : reject(new Error(m.message))));
    void exit.then((how) => reject(new Error(`the subgraph process ended (${String(how)}) before listening\n${stderr}`)));
  });
  return { url, exit };
}

/** The key's record in the shared database: its state and what was written ahead (and checkpointed). */
async function record(key: string) {
  const r = (await h.app.deps.store.idempotency.get(key))!;
  return { state: r.state, leaseUntil: r.leaseUntil, sent: (r.result as { sent: ReplacementSent }).sent };
}

/** Waits until the key's lease has lapsed, so a retry takes it over at once (no timing is asserted). */
async function leaseLapsed(key: string): Promise<void> {
  const { leaseUntil } = await record(key);
  if (leaseUntil) await sleep(Math.max(0, leaseUntil.getTime() - Date.now()) + 50);
}

/** The simulator's drafts carrying the tag of the request written ahead under `key` (drawn for it, not derived from the key). */
async function draftsOfKey(key: string) {
  const { sent } = await record(key);
  expect(sent.keyTag).toMatch(/^rk-[0-9a-f]{16}$/);
  expect(sent.draft.tags).toContain(sent.keyTag);
  return (await draftOrders(h)).filter((d) => d.tags.includes(sent.keyTag));
}

/**
 * Polls the simulator until `landed` holds of the key's drafts: a mutation whose answer we gave up on lands after the
 * simulated latency, and the assertions that follow must see it (no fixed sleep racing that latency).
 */
async function untilDrafts(key: string, landed: (drafts: SimDraft[]) => boolean): Promise<SimDraft[]> {
  for (let polls = 0; polls < 200; polls++) {
    const drafts = await draftsOfKey(key);
    if (landed(drafts)) return drafts;
    await sleep(50);
  }
  throw new Error(`the simulator never showed the expected drafts of key ${key}`);
}

/** A replacement input for one unit of a shipped line of a fresh shipped order. */
async function replacementInput() {
  const original = await pick(shippedOrder(1));
  const [line] = shippedLines(original);
  return { orderId: original.id, lineItems: [{ lineItemId: line!.id, quantity: 1 }], reason: 'Lost in transit', idempotencyKey: newKey() };
}

const delta = (after: Record<string, number>, before: Record<string, number>, op: string) => (after[op] ?? 0) - (before[op] ?? 0);

describe('a replacement that stopped half-way, retried with the same key', () => {
  it('the process died before draftOrderComplete: the retry on another process completes the same draft, once', async () => {
    const input = await replacementInput();
    const before = await orderIds(h);
    const stats = await simStats(h);
    const crashing = startCrashingSubgraph('ReplacementDraftComplete');
    const sent = fetch(await crashing.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: JSON.stringify({ query: REPLACE, variables: { input } }),
    });
    await expect(sent).rejects.toThrow();
    expect(await crashing.exit).toBe('SIGKILL');

    // The crash left an OPEN draft and the key `unknown`, with the draft's id checkpointed before the second call.
    const [draft] = await draftsOfKey(input.idempotencyKey);
    expect(draft).toMatchObject({ status: 'OPEN', orderId: null });
    const left = await record(input.idempotencyKey);
    expect(left.state).toBe('unknown');
    expect(left.sent.draftOrderId).toBe(draft!.id);
    expect(await newOrdersSince(h, before)).toEqual([]);

    await leaseLapsed(input.idempotencyKey);
    const retry = await asAgent(h, REPLACE, { input });
    expect(retry.body.errors).toBeUndefined();
    const payload = retry.body.data.createReplacementOrder;
    expect(payload.userErrors).toEqual([]);
    expect(payload.draftOrderId).toBe(draft!.id);

    const created = await newOrdersSince(h, before);
    expect(created.map((o) => o.id)).toEqual([payload.order.id]);
    expect(await draftsOfKey(input.idempotencyKey)).toEqual([
      expect.objectContaining({ id: draft!.id, status: 'COMPLETED', orderId: payload.order.id }),
    ]);
    const after = await simStats(h);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraftCreate')).toBe(1);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraftComplete')).toBe(1);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraft')).toBe(1);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraftByTag')).toBe(0);
    // The dead process recorded nothing; the retry's attempt is the one audited, with both ids.
    expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => [e.outcome, e.shopifyIds])).toEqual([
      ['succeeded', { draftOrderId: draft!.id, replacementOrderId: payload.order.id }],
    ]);
    expect((await record(input.idempotencyKey)).state).toBe('succeeded');
  }, 30_000);

  it("draftOrderCreate's answer was lost: the retry finds the draft by the tag written ahead and completes it, once", async () => {
    const input = await replacementInput();
    const before = await orderIds(h);
    const stats = await simStats(h);
    // Shopify creates the draft but answers after our timeout: we cannot know it exists.
    onceBefore(h, 'ReplacementDraftCreate', () => h.sim('faults', { latencyMs: 1_500 }));
    const lost = await asAgent(h, REPLACE, { input });
    expect(lost.body.errors[0].extensions.code).toBe('SHOPIFY_OUTCOME_UNKNOWN');
    const [draft] = await untilDrafts(input.idempotencyKey, (drafts) => drafts.length > 0);
    await h.sim('faults', {});
    expect(draft).toMatchObject({ status: 'OPEN', orderId: null });
    expect((await record(input.idempotencyKey)).sent.draftOrderId).toBeUndefined();

    const retry = await asAgent(h, REPLACE, { input });
    expect(retry.body.errors).toBeUndefined();
    const payload = retry.body.data.createReplacementOrder;
    expect(payload).toMatchObject({ userErrors: [], draftOrderId: draft!.id });
    expect((await newOrdersSince(h, before)).map((o) => o.id)).toEqual([payload.order.id]);
    expect(await draftsOfKey(input.idempotencyKey)).toEqual([expect.objectContaining({ id: draft!.id, status: 'COMPLETED' })]);
    const after = await simStats(h);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraftCreate')).toBe(1);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraftByTag')).toBe(1);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraftComplete')).toBe(1);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: input.idempotencyKey })).map((e) => e.outcome)).toEqual([
      'succeeded',
      'unknown',
    ]);
  }, 30_000);

  it("draftOrderComplete's answer was lost: the retry reads the checkpointed draft, finds it completed, completes nothing", async () => {
    const input = await replacementInput();
    const before = await orderIds(h);
    const stats = await simStats(h);
    onceBefore(h, 'ReplacementDraftComplete', () => h.sim('faults', { latencyMs: 1_500 }));
    const lost = await asAgent(h, REPLACE, { input });
    expect(lost.body.errors[0].extensions.code).toBe('SHOPIFY_OUTCOME_UNKNOWN');
    const [draft] = await untilDrafts(input.idempotencyKey, (drafts) => drafts.some((d) => d.status !== 'OPEN'));
    await h.sim('faults', {});
    expect(draft!.status).toBe('COMPLETED');
    expect((await record(input.idempotencyKey)).sent.draftOrderId).toBe(draft!.id);

    const retry = await asAgent(h, REPLACE, { input });
    expect(retry.body.errors).toBeUndefined();
    expect(retry.body.data.createReplacementOrder).toMatchObject({
      userErrors: [],
      draftOrderId: draft!.id,
      order: { id: draft!.orderId },
    });
    expect((await newOrdersSince(h, before)).map((o) => o.id)).toEqual([draft!.orderId]);
    const after = await simStats(h);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraftCreate')).toBe(1);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraftComplete')).toBe(1);
    expect(delta(after.byOperation, stats.byOperation, 'ReplacementDraft')).toBe(1);
  }, 30_000);
});
