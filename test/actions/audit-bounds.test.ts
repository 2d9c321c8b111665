/**
 * The audit trail cannot be grown by callers (issue 10, defect 2): whatever they send, who they are and however their
 * attempt ends, every stored string is validated and bounded first. Spoken to over HTTP, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES } from '../../src/auth.js';
import type { AuditEntry } from '../../src/store/index.js';
import { databases } from '../helpers/databases.js';
import { asAgent, newKey, REFUND, startStack, type Stack } from './helpers.js';

const LINK = `mutation($p: ID!, $c: ID!) { linkShopifyCustomer(profileId: $p, customerId: $c) { profileId } }`;
const UNLINK = `mutation($p: ID!) { unlinkShopifyCustomer(profileId: $p) { profileId } }`;
/** 1.87 MB: just under the 2 MB body limit once wrapped in JSON, as in the probe. */
const HUGE = 'x'.repeat(1_870_000);

/** Characters an entry stores: every string column, shopifyIds as its JSON (what the table holds). */
const storedChars = (e: AuditEntry): number =>
  [
    e.id,
    e.store,
    e.agentId,
    e.action,
    e.outcome,
    e.orderId,
    e.customerId,
    e.profileId,
    e.amount,
    e.currencyCode,
    e.idempotencyKey,
    e.errorCode,
    e.detail,
  ].reduce((sum, v) => sum + (v?.length ?? 0), 0) + JSON.stringify(e.shopifyIds).length;

/** The fields of an entry besides its id and time. */
const facts = ({ id: _id, at: _at, ...rest }: AuditEntry) => rest;

const NOTHING = {
  // With one store configured, every attempt is known to be in it, even one refused before anything else was read.
  store: 'default',
  orderId: null,
  customerId: null,
  profileId: null,
  amount: null,
  currencyCode: null,
  idempotencyKey: null,
  shopifyIds: {},
  detail: null,
};

describe.each(databases)('audit bounds on $name', (db) => {
  let h: Stack;
  const options = db.freshOptions();
  beforeAll(async () => {
    h = await startStack({ build: { storeOptions: options } });
  });
  afterAll(async () => {
    await h?.close();
    await db.drop(options);
  });
  const newest = async (n: number) => h.app.deps.store.audit.list({ limit: n });

  it('20 unauthenticated unlinks with a 1.87 MB profileId store 20 fixed-size denied rows (87 characters each)', async () => {
    const results = await Promise.all([...Array(20)].map(() => h.query(UNLINK, { p: HUGE })));
    for (const r of results) expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const rows = await newest(100);
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect(facts(row)).toEqual({
        ...NOTHING,
        agentId: null,
        action: 'unlinkShopifyCustomer',
        outcome: 'denied',
        errorCode: 'UNAUTHENTICATED',
      });
    }
    // id 36 + store 7 + action 21 + outcome 6 + errorCode 15 + "{}" 2
    expect(rows.map(storedChars)).toEqual(Array(20).fill(87));
  });

  it('an agent without the scope, or with it but a huge or malformed id, stores no raw input', async () => {
    const forbidden = await asAgent(h, LINK, { p: HUGE, c: `gid://shopify/Customer/${'9'.repeat(100_000)}` }, ['shopify:read']);
    expect(forbidden.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const [denied] = await newest(1);
    expect(facts(denied!)).toEqual({
      ...NOTHING,
      agentId: 'agent-7',
      action: 'linkShopifyCustomer',
      outcome: 'denied',
      errorCode: 'FORBIDDEN',
    });

    const rejected = await asAgent(h, UNLINK, { p: HUGE });
    expect(rejected.body.errors[0]).toMatchObject({
      message: 'profileId: must be a non-empty id of at most 200 characters',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const [unlinkRow] = await newest(1);
    expect(facts(unlinkRow!)).toEqual({
      ...NOTHING,
      agentId: 'agent-7',
      action: 'unlinkShopifyCustomer',
      outcome: 'rejected',
      errorCode: 'BAD_USER_INPUT',
    });

    // A control character is not part of any id (and PostgreSQL cannot store NUL): refused, and not stored.
    const control = await asAgent(h, LINK, { p: 'p1\u0000', c: 'gid://shopify/Customer/1' });
    expect(control.body.errors[0]).toMatchObject({
      message: 'profileId: must not contain control characters',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const [controlRow] = await newest(1);
    expect(facts(controlRow!)).toEqual({
      ...NOTHING,
      customerId: 'gid://shopify/Customer/1',
      agentId: 'agent-7',
      action: 'linkShopifyCustomer',
      outcome: 'rejected',
      errorCode: 'BAD_USER_INPUT',
    });
  });

  it('order actions: a huge or malformed orderId and idempotency key are not stored, for anyone', async () => {
    const before = (await newest(1000)).length;
    const inputs = [
      { orderId: HUGE.slice(0, 900_000), idempotencyKey: HUGE.slice(0, 900_000) },
      { orderId: 'gid://shopify/Order/1\u0000', idempotencyKey: 'key\u0000with-nul' },
    ];
    for (const input of inputs) {
      const anonymous = await h.query(REFUND, { input });
      expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const agent = await asAgent(h, REFUND, { input }, SCOPES);
      expect(agent.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const all = await newest(1000);
    const rows = all.slice(0, all.length - before);
    expect(rows.map((r) => [r.agentId, r.outcome, r.orderId, r.idempotencyKey])).toEqual([
      ['agent-7', 'rejected', null, null],
      [null, 'denied', null, null],
      ['agent-7', 'rejected', null, null],
      [null, 'denied', null, null],
    ]);
    for (const row of rows) expect(storedChars(row)).toBeLessThanOrEqual(100);
    // A well-formed key is kept even for a denied attempt: it ties retries together.
    const key = newKey();
    await h.query(REFUND, { input: { orderId: 'gid://shopify/Order/1', idempotencyKey: key } });
    expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((r) => [r.outcome, r.orderId])).toEqual([
      ['denied', 'gid://shopify/Order/1'],
    ]);
  });
});
