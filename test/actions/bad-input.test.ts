/**
 * Bad input is BAD_USER_INPUT naming the field, before any mutation reaches Shopify. Checks that need the order
 * (refundable quantities, already cancelled) cost one read; the rest cost nothing. Shopify's own refusals come back
 * as userErrors with their codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asAgent,
  CANCEL,
  DISCOUNT,
  newKey,
  orderPicker,
  paidOrder,
  REFUND,
  simStats,
  startStack,
  type SimOrder,
  type Stack,
} from './helpers.js';

let h: Stack;
let pick: (p: (o: SimOrder) => boolean) => Promise<SimOrder>;
let order: SimOrder;
let other: SimOrder;

beforeAll(async () => {
  h = await startStack();
  pick = orderPicker(h);
  order = await pick(paidOrder(1));
  other = await pick(paidOrder(1));
});
afterAll(async () => h?.close());

const MUTATIONS = ['ActionRefundCreate', 'ActionOrderCancel', 'ActionDiscountCreate'];

/** Sends the request; expects BAD_USER_INPUT on `field`, the given Shopify reads and no mutation; returns the message. */
async function rejects(doc: string, input: Record<string, unknown>, field: string, reads: Record<string, number> = {}): Promise<string> {
  const key = newKey();
  const before = await simStats(h);
  const res = await asAgent(h, doc, { input: { idempotencyKey: key, ...input } });
  expect(res.body.data).toBeNull();
  expect(res.body.errors).toHaveLength(1);
  const [error] = res.body.errors;
  expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field });
  expect(error.message.startsWith(`${field}: `)).toBe(true);
  const after = await simStats(h);
  const sent = Object.fromEntries(
    Object.entries(after.byOperation)
      .map(([op, n]) => [op, n - (before.byOperation[op] ?? 0)])
      .filter(([, n]) => n !== 0),
  );
  expect(sent).toEqual(reads);
  for (const m of MUTATIONS) expect(after.byOperation[m] ?? 0).toBe(before.byOperation[m] ?? 0);
  // A malformed key is not recorded (it identifies nothing): then the newest entry is this attempt's.
  const audit =
    'idempotencyKey' in input
      ? await h.app.deps.store.audit.list({ limit: 1 })
      : await h.app.deps.store.audit.list({ idempotencyKey: key });
  expect(audit.map((a) => [a.outcome, a.errorCode, a.idempotencyKey])).toEqual([
    ['rejected', 'BAD_USER_INPUT', 'idempotencyKey' in input ? null : key],
  ]);
  expect(await h.app.deps.store.idempotency.get(key)).toBeNull();
  return error.message;
}

describe('refundOrder', () => {
  it('over-refund: a quantity above the refundable one, after one read of the order', async () => {
    const line = order.lineItems[0]!;
    const message = await rejects(
      REFUND,
      { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: line.refundableQuantity + 1 }] },
      'input.lineItems[0].quantity',
      { ActionOrderCheck: 1 },
    );
    expect(message).toBe(`input.lineItems[0].quantity: is more than the ${line.refundableQuantity} still refundable`);
  });

  it('a line item of another order', async () => {
    await rejects(
      REFUND,
      { orderId: order.id, lineItems: [{ lineItemId: other.lineItems[0]!.id, quantity: 1 }] },
      'input.lineItems[0].lineItemId',
      { ActionOrderCheck: 1 },
    );
  });

  it("more shipping than is left to refund, after reading the order and Shopify's suggestion", async () => {
    const message = await rejects(REFUND, { orderId: order.id, lineItems: [], shipping: { amount: '1000.00' } }, 'input.shipping.amount', {
      ActionOrderCheck: 1,
      ActionSuggestedRefund: 1,
    });
    expect(message).toBe(`input.shipping.amount: is more than the ${order.totals.shipping} USD of shipping still refundable`);
  });

  it('an order this store does not have', async () => {
    await rejects(REFUND, { orderId: 'gid://shopify/Order/999999999' }, 'input.orderId', { ActionOrderCheck: 1 });
  });

  it('malformed ids, quantities, amounts and keys cost no Shopify request at all', async () => {
    await rejects(REFUND, { orderId: 'Order/5000001' }, 'input.orderId');
    await rejects(
      REFUND,
      { orderId: order.id, lineItems: [{ lineItemId: 'gid://shopify/Product/1', quantity: 1 }] },
      'input.lineItems[0].lineItemId',
    );
    await rejects(
      REFUND,
      { orderId: order.id, lineItems: [{ lineItemId: order.lineItems[0]!.id, quantity: 0 }] },
      'input.lineItems[0].quantity',
    );
    await rejects(
      REFUND,
      {
        orderId: order.id,
        lineItems: [
          { lineItemId: order.lineItems[0]!.id, quantity: 1 },
          { lineItemId: order.lineItems[0]!.id, quantity: 1 },
        ],
      },
      'input.lineItems[1].lineItemId',
    );
    await rejects(REFUND, { orderId: order.id, shipping: { amount: '-1' } }, 'input.shipping.amount');
    await rejects(REFUND, { orderId: order.id, shipping: { full: true, amount: '1' } }, 'input.shipping');
    await rejects(REFUND, { orderId: order.id, lineItems: [] }, 'input.lineItems');
    await rejects(REFUND, { orderId: order.id, idempotencyKey: '' }, 'input.idempotencyKey');
    await rejects(REFUND, { orderId: order.id, idempotencyKey: 'k'.repeat(256) }, 'input.idempotencyKey');
  });

  it('a corrected retry may reuse the key of a rejected request (checks run before the key is claimed)', async () => {
    const key = newKey();
    const line = order.lineItems[0]!;
    const bad = await asAgent(h, REFUND, {
      input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: 99 }], idempotencyKey: key },
    });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const good = await asAgent(h, REFUND, {
      input: { orderId: order.id, lineItems: [{ lineItemId: line.id, quantity: 1 }], idempotencyKey: key },
    });
    expect(good.body.errors).toBeUndefined();
    expect(good.body.data.refundOrder.refund.id).toMatch(/^gid:\/\/shopify\/Refund\//);
    expect((await h.app.deps.store.audit.list({ idempotencyKey: key })).map((a) => a.outcome)).toEqual(['succeeded', 'rejected']);
  });
});

/** A paid order in another presentment currency than the shop's USD (orderPicker hands out USD orders only). */
async function eurOrder(): Promise<SimOrder> {
  for (const { id, currency } of await h.sim<Array<{ id: string; currency: string }>>('orders')) {
    if (currency !== 'EUR') continue;
    const o = await h.sim<SimOrder>(`orders/${encodeURIComponent(id)}`);
    if (paidOrder(1)(o)) return o;
  }
  throw new Error('no paid EUR order');
}

// Issue 10, defects 4 and 10: the agent's words are honoured exactly, amounts are bounded and name their currency,
// and text carries no control characters.
describe('refundOrder: shipping, currencies, bounds and text', () => {
  it('`full: false` with nothing else to refund names nothing to refund', async () => {
    const message = await rejects(REFUND, { orderId: order.id, lineItems: [], shipping: { full: false } }, 'input.lineItems');
    expect(message).toBe(
      'input.lineItems: names nothing to refund: list line items, give shipping, or leave lineItems out to refund every line item',
    );
  });

  it('every line item refunded already: nothing left but shipping, which is refunded only when asked', async () => {
    const o = await pick(paidOrder(1));
    const first = await asAgent(h, REFUND, { input: { orderId: o.id, idempotencyKey: newKey() } });
    expect(first.body.data.refundOrder.userErrors).toEqual([]);
    expect(await rejects(REFUND, { orderId: o.id }, 'input.orderId', { ActionOrderCheck: 1, ActionSuggestedRefund: 1 })).toBe(
      'input.orderId: there is nothing left to refund but shipping; to refund it, give shipping: { full: true }',
    );
  });

  it('`full: true` with an amount contradicts itself', async () => {
    const message = await rejects(REFUND, { orderId: order.id, shipping: { full: true, amount: '1.00' } }, 'input.shipping');
    expect(message).toBe('input.shipping: give either full: true or an amount, not both');
  });

  it('a currency without an amount, and a malformed currency', async () => {
    expect(await rejects(REFUND, { orderId: order.id, shipping: { full: true, currencyCode: 'USD' } }, 'input.shipping.currencyCode')).toBe(
      'input.shipping.currencyCode: names the currency of amount; give it only with amount',
    );
    expect(
      await rejects(REFUND, { orderId: order.id, shipping: { amount: '1.00', currencyCode: 'usd' } }, 'input.shipping.currencyCode'),
    ).toBe('input.shipping.currencyCode: must be an ISO 4217 code of three capital letters such as "USD", got "usd"');
  });

  it('a shipping amount for an order paid in EUR must name EUR, after one read of the order', async () => {
    const eur = await eurOrder();
    expect(
      await rejects(REFUND, { orderId: eur.id, lineItems: [], shipping: { amount: '1.00' } }, 'input.shipping.currencyCode', {
        ActionOrderCheck: 1,
      }),
    ).toBe(
      'input.shipping.currencyCode: is needed: this order was paid in EUR and Shopify refunds shipping in that currency, so give amount in EUR with currencyCode: "EUR" (left out, it means the shop\'s USD)',
    );
    expect(
      await rejects(
        REFUND,
        { orderId: eur.id, lineItems: [], shipping: { amount: '1.00', currencyCode: 'USD' } },
        'input.shipping.currencyCode',
        { ActionOrderCheck: 1 },
      ),
    ).toBe('input.shipping.currencyCode: must be EUR, the currency this order was paid in (Shopify refunds shipping in it), got USD');
    expect(
      await rejects(
        REFUND,
        { orderId: order.id, lineItems: [], shipping: { amount: '1.00', currencyCode: 'EUR' } },
        'input.shipping.currencyCode',
        { ActionOrderCheck: 1 },
      ),
    ).toBe('input.shipping.currencyCode: must be USD, the currency this order was paid in (Shopify refunds shipping in it), got EUR');
  });

  it('shipping amounts are bounded, with at most 2 decimals', async () => {
    for (const amount of ['999999999999.999', '1.001', '100000000.01']) {
      expect(await rejects(REFUND, { orderId: order.id, shipping: { amount } }, 'input.shipping.amount')).toBe(
        `input.shipping.amount: must be more than 0 and at most 100000000.00, with at most 2 decimals, got "${amount}"`,
      );
    }
  });

  it('notes and keys with control or bidirectional characters', async () => {
    for (const note of ['a\u0000b', 'a\u001bb', 'a\u202eb']) {
      const cp = note.codePointAt(1)!.toString(16).toUpperCase().padStart(4, '0');
      expect(await rejects(REFUND, { orderId: order.id, note }, 'input.note')).toBe(
        `input.note: must not contain control or bidirectional characters, found U+${cp}`,
      );
    }
    expect(await rejects(REFUND, { orderId: order.id, idempotencyKey: 'key\u0000' }, 'input.idempotencyKey')).toBe(
      'input.idempotencyKey: must be 1 to 255 printable characters (a UUID per action is a good choice), found U+0000',
    );
  });
});

describe('cancelOrder', () => {
  it('an order that is already cancelled, after one read', async () => {
    const cancelled = await pick((o) => o.cancelled && o.currency === 'USD');
    const message = await rejects(CANCEL, { orderId: cancelled.id, reason: 'OTHER', refund: false, restock: false }, 'input.orderId', {
      ActionOrderCheck: 1,
    });
    expect(message).toBe(`input.orderId: the order was already cancelled at ${cancelled.cancelledAt}`);
  });

  it('store credit without a refund, and a malformed order id', async () => {
    await rejects(
      CANCEL,
      { orderId: order.id, reason: 'OTHER', refund: false, refundToStoreCredit: true, restock: false },
      'input.refundToStoreCredit',
    );
    await rejects(CANCEL, { orderId: 'gid://shopify/Customer/1', reason: 'OTHER', refund: false, restock: false }, 'input.orderId');
  });

  it('a staff note with control characters', async () => {
    expect(
      await rejects(
        CANCEL,
        { orderId: order.id, reason: 'OTHER', refund: false, restock: false, staffNote: 'x\u001b[2J' },
        'input.staffNote',
      ),
    ).toBe('input.staffNote: must not contain control or bidirectional characters, found U+001B');
  });

  it("Shopify's refusal (a fulfilled order) comes back as userErrors with its code, recorded as failed", async () => {
    const fulfilled = await pick((o) => o.fulfillments > 0 && !o.cancelled && o.financialStatus === 'PAID');
    const key = newKey();
    const res = await asAgent(h, CANCEL, {
      input: { orderId: fulfilled.id, reason: 'OTHER', refund: true, restock: true, idempotencyKey: key },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.cancelOrder).toMatchObject({
      jobId: null,
      userErrors: [
        {
          field: ['input', 'orderId'],
          message: 'Cannot cancel an order with fulfillments; cancel the fulfillments first',
          code: 'INVALID',
        },
      ],
      order: { id: fulfilled.id, cancelledAt: null },
    });
    expect((await h.sim<SimOrder>(`orders/${encodeURIComponent(fulfilled.id)}`)).cancelled).toBe(false);
    const [audit] = await h.app.deps.store.audit.list({ idempotencyKey: key });
    expect(audit).toMatchObject({ outcome: 'failed', errorCode: 'INVALID', orderId: fulfilled.id });
  });
});

describe('createDiscount', () => {
  const customer = () => ({ customerId: order.customerId });

  it('percentages outside (0, 100], both or neither of percentage/amount, bad amounts, ends and limits', async () => {
    for (const percentage of [-5, 0, 100.5]) await rejects(DISCOUNT, { ...customer(), percentage }, 'input.percentage');
    await rejects(DISCOUNT, { ...customer(), percentage: 10, amount: '5' }, 'input.amount');
    await rejects(DISCOUNT, { ...customer() }, 'input.percentage');
    for (const amount of ['0', '-3', 'ten', '1e3']) await rejects(DISCOUNT, { ...customer(), amount }, 'input.amount');
    await rejects(DISCOUNT, { ...customer(), percentage: 10, endsAt: new Date(Date.now() - 1000).toISOString() }, 'input.endsAt');
    for (const usageLimit of [0, 1001]) await rejects(DISCOUNT, { ...customer(), percentage: 10, usageLimit }, 'input.usageLimit');
    await rejects(DISCOUNT, { ...customer(), percentage: 10, minimumSubtotal: '0' }, 'input.minimumSubtotal');
    await rejects(DISCOUNT, { ...customer(), percentage: 10, code: 'has space' }, 'input.code');
  });

  it('codes must be printable: no NUL, ESC, bidi override, zero-width or other invisible characters', async () => {
    for (const [code, cp] of [
      ['SORRY\u0000X', '0000'],
      ['SORRY\u001bX', '001B'],
      ['SORRY\u202eX', '202E'],
      ['SORRY\u200bX', '200B'],
      ['\ufeffSORRY', 'FEFF'],
      ['SORRY\u00a0X', '00A0'],
    ]) {
      expect(await rejects(DISCOUNT, { ...customer(), percentage: 10, code }, 'input.code')).toBe(
        `input.code: must be 1 to 255 printable characters without spaces, control, invisible or bidirectional characters, found U+${cp}`,
      );
    }
    expect(await rejects(DISCOUNT, { ...customer(), percentage: 10, code: 'A'.repeat(256) }, 'input.code')).toBe(
      'input.code: must be 1 to 255 printable characters without spaces, control, invisible or bidirectional characters, got 256 characters',
    );
  });

  it('amounts are bounded, with at most 2 decimals', async () => {
    expect(await rejects(DISCOUNT, { ...customer(), amount: '999999999999.999' }, 'input.amount')).toBe(
      'input.amount: must be more than 0 and at most 100000000.00, with at most 2 decimals, got "999999999999.999"',
    );
    expect(await rejects(DISCOUNT, { ...customer(), percentage: 10, minimumSubtotal: '100000000.01' }, 'input.minimumSubtotal')).toBe(
      'input.minimumSubtotal: must be more than 0 and at most 100000000.00, with at most 2 decimals, got "100000000.01"',
    );
  });

  it("amounts are in the shop's currency: another currency is refused after reading the customer and the shop", async () => {
    expect(
      await rejects(DISCOUNT, { ...customer(), amount: '5.00', currencyCode: 'EUR' }, 'input.currencyCode', { ActionCustomer: 1 }),
    ).toBe("input.currencyCode: must be USD, the shop's currency, in which Shopify applies discount amounts, got EUR");
    expect(await rejects(DISCOUNT, { ...customer(), amount: '5.00', currencyCode: 'EURO' }, 'input.currencyCode')).toBe(
      'input.currencyCode: must be an ISO 4217 code of three capital letters such as "USD", got "EURO"',
    );
  });

  it('a profile id with control characters', async () => {
    expect(await rejects(DISCOUNT, { profileId: 'p\u0000', percentage: 10 }, 'input.profileId')).toBe(
      'input.profileId: must not contain control or bidirectional characters, found U+0000',
    );
  });

  it('exactly one of customerId/profileId, and a well-formed customer GID', async () => {
    await rejects(DISCOUNT, { percentage: 10 }, 'input.customerId');
    await rejects(DISCOUNT, { ...customer(), profileId: 'p1', percentage: 10 }, 'input.profileId');
    await rejects(DISCOUNT, { customerId: '1000001', percentage: 10 }, 'input.customerId');
    await rejects(DISCOUNT, { customerId: 'gid://shopify/Customer/999999999', percentage: 10 }, 'input.customerId', { ActionCustomer: 1 });
  });

  it("Shopify's TAKEN for a code in use comes back as a userError on input.code", async () => {
    const first = await asAgent(h, DISCOUNT, { input: { ...customer(), percentage: 10, code: 'TAKEN-CODE-1', idempotencyKey: newKey() } });
    expect(first.body.data.createDiscount.userErrors).toEqual([]);
    const second = await asAgent(h, DISCOUNT, { input: { ...customer(), percentage: 20, code: 'taken-code-1', idempotencyKey: newKey() } });
    expect(second.body.data.createDiscount).toEqual({
      discount: null,
      userErrors: [{ field: ['input', 'code'], message: 'Code must be unique. Please try a different code.', code: 'TAKEN' }],
    });
  });
});

// Issue 10, defect 10: DateTime is a real scalar; anything but an ISO 8601 date-time with a UTC offset is refused
// before any resolver runs, as a variable (BAD_USER_INPUT) and as a literal (GRAPHQL_VALIDATION_FAILED).
describe('DateTime inputs', () => {
  const RULE = 'An ISO 8601 date and time with a UTC offset is needed, such as "2031-01-01T09:00:00Z" or "2031-01-01T10:00:00+01:00"';
  const BAD: Array<[unknown, string]> = [
    [['2031-01-01'], 'got a list'],
    ['2031-01-01T00:00:00', 'got "2031-01-01T00:00:00"'],
    ['2031-01-01', 'got "2031-01-01"'],
    ['2031-02-30T00:00:00Z', 'got "2031-02-30T00:00:00Z"'],
    ['2031-01-01 00:00:00Z', 'got "2031-01-01 00:00:00Z"'],
    [1924992000000, 'got a number'],
  ];

  it('as a variable: BAD_USER_INPUT naming input.endsAt, nothing sent to Shopify', async () => {
    for (const [endsAt, got] of BAD) {
      const before = await simStats(h);
      const res = await asAgent(h, DISCOUNT, { input: { customerId: order.customerId, percentage: 10, endsAt, idempotencyKey: newKey() } });
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.body.errors[0].message).toBe(
        `Variable "$input" got invalid value ${JSON.stringify(endsAt)} at "input.endsAt"; Expected type "DateTime". ${RULE}; ${got}`,
      );
      expect((await simStats(h)).requests).toBe(before.requests);
    }
  });

  it('as a literal: GRAPHQL_VALIDATION_FAILED naming the argument', async () => {
    const res = await asAgent(
      h,
      `mutation { createDiscount(input: { customerId: "${order.customerId}", percentage: 10, endsAt: "2031-01-01", idempotencyKey: "${newKey()}" }) { userErrors { code } } }`,
      {},
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors[0].message).toBe(`Expected value of type "DateTime", found "2031-01-01"; ${RULE}; got "2031-01-01"`);
  });

  it('accepts a date-time with an offset, in either form', async () => {
    for (const endsAt of ['2031-01-01T09:00:00Z', '2031-01-01T10:00:00.250+01:00']) {
      const res = await asAgent(h, DISCOUNT, { input: { customerId: order.customerId, percentage: 10, endsAt, idempotencyKey: newKey() } });
      expect(res.body.errors).toBeUndefined();
      expect(Date.parse(res.body.data.createDiscount.discount.endsAt)).toBe(Date.parse(endsAt));
    }
  });
});
