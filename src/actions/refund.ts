/**
 * refundOrder. Shopify computes the refund, not us: we ask order.suggestedRefund for the chosen line items and
 * shipping, then send refundCreate with its suggested transactions (without transactions no money moves).
 * refundCreate carries Shopify's @idempotent key derived from ours, so resending it after a lost answer is safe.
 * A refund above the agent's limit is held instead (./refund-hold.ts): nothing is sent, a refund request is written.
 */
import { createHash } from 'node:crypto';
import type { ActingContext } from '../context.js';
import { BadInputError } from '../errors.js';
import type { CheckedOrder, RefundLine, RefundSuggestion } from '../domain/actions.js';
import type { Money } from '../domain/model.js';
import type { ActionSpec, Outcome, UserError } from './idempotency.js';
import { orderGateway, requireOrder } from './orders.js';
import { holdIfAboveLimit, requireRoomFor, writeHold, type HeldRefund } from './refund-hold.js';
import { toUserErrors } from './user-errors.js';
import { compareDecimal, type RefundRequest } from './validate.js';

/** What refundCreate is sent (written ahead, resent unchanged after a lost answer). */
export interface RefundSent {
  shopifyKey: string;
  input: Record<string, unknown>;
  /** whether refundLineItems follow input.lineItems index for index (so Shopify's error paths map to ours) */
  explicitLines: boolean;
  customerId: string | null;
  /** what Shopify suggested, in the shop's currency (for the audit when the refund itself is not known) */
  suggested: Money;
  /** set when the refund is above the agent's limit: this request is written instead, and nothing is sent */
  hold?: HeldRefund;
  /** an approval's refund: when it was first decided to be sent (a takeover much later must not resend it) */
  startedAt?: string;
}

export interface RefundOutcome extends Outcome {
  orderId: string;
  customerId: string | null;
  refund: { id: string; total: Money } | null;
  /** the request a held refund became (absent in outcomes stored before refund limits existed) */
  held?: { requestId: string; amount: Money } | null;
}

/** Shopify's idempotency key for our key: agent-independent, and distinct from keys of other mutations. */
export function shopifyRefundKey(idempotencyKey: string): string {
  return createHash('sha256').update(`${idempotencyKey}\u0000refund`).digest('hex');
}

export const refundSpec: ActionSpec<RefundRequest, RefundSent, RefundOutcome> = {
  action: 'refundOrder',
  async prepare(ctx, req) {
    const { sent, order } = await prepareRefund(ctx, req);
    const hold = holdIfAboveLimit(ctx, req, order, sent.suggested);
    if (!hold) return sent;
    await requireRoomFor(ctx, hold);
    return { ...sent, hold };
  },
  async send(ctx, sent) {
    if (sent.hold) {
      const requestId = await writeHold(ctx, sent.hold);
      const { orderId, customerId, amount } = sent.hold;
      return { orderId, customerId, refund: null, held: { requestId, amount }, userErrors: [] };
    }
    return sendRefund(ctx, sent);
  },
  // refundCreate is replay-safe by Shopify's key, and a hold's insert by its id: resending is how we learn the outcome.
  reconcile: async () => null,
};

/**
 * Checks the refund against the order as it is now and asks Shopify what it comes to: what refundCreate would be sent
 * (BAD_USER_INPUT when the order no longer allows it). Shared by refundOrder and the approval of a held refund.
 */
export async function prepareRefund(ctx: ActingContext, req: RefundRequest): Promise<{ sent: RefundSent; order: CheckedOrder }> {
  const order = await requireOrder(ctx, req.orderId, true);
  checkShippingCurrency(order, req.shipping);
  const lines = refundLines(order, req);
  // Shipping exactly as asked: leaving line items out means every line item, never shipping too.
  const shipping = req.shipping;
  const suggestion = await suggest(ctx, req, lines, shipping);

  const maxShipping = suggestion.maxShipping;
  if (shipping && 'amount' in shipping && compareDecimal(shipping.amount, maxShipping.amount) > 0) {
    throw new BadInputError(
      'input.shipping.amount',
      `is more than the ${maxShipping.amount} ${maxShipping.currencyCode} of shipping still refundable`,
    );
  }
  const amount = suggestion.amount;
  if (lines.length === 0 && compareDecimal(amount.amount, '0') <= 0) {
    if (req.lineItems !== null) throw new BadInputError('input.shipping', 'there is nothing left to refund');
    const hint =
      shipping === null && compareDecimal(maxShipping.amount, '0') > 0 ? ' but shipping; to refund it, give shipping: { full: true }' : '';
    throw new BadInputError('input.orderId', `there is nothing left to refund${hint}`);
  }
  const sent: RefundSent = {
    shopifyKey: shopifyRefundKey(req.idempotencyKey),
    input: refundInput(req, order, lines, suggestion),
    explicitLines: req.lineItems !== null,
    customerId: order.customerId,
    suggested: suggestion.shopAmount,
  };
  return { sent, order };
}

/** refundCreate's input: the lines and shipping asked for, moved back the way Shopify suggested. */
function refundInput(req: RefundRequest, order: CheckedOrder, lines: RefundLine[], suggestion: RefundSuggestion): Record<string, unknown> {
  const shipping = req.shipping;
  const locations = new Map(suggestion.locations.map((l) => [l.lineItemId, l.locationId]));
  return {
    orderId: req.orderId,
    currency: order.presentmentCurrencyCode,
    note: req.note,
    notify: req.notifyCustomer,
    refundLineItems: lines.map((l) => ({
      lineItemId: l.lineItemId,
      quantity: l.quantity,
      restockType: l.restockType,
      ...(l.restockType !== 'NO_RESTOCK' && locations.get(l.lineItemId) ? { locationId: locations.get(l.lineItemId) } : {}),
    })),
    shipping: shipping === null ? null : 'full' in shipping ? { fullRefund: true } : { amount: shipping.amount },
    ...(req.toStoreCredit
      ? { transactions: [], refundMethods: [{ storeCreditRefund: { amount: storeCreditAmount(suggestion) } }] }
      : {
          transactions: suggestion.transactions.map((t) => ({
            orderId: req.orderId,
            parentId: t.parentId,
            gateway: t.gateway ?? '',
            kind: 'REFUND',
            amount: t.amount,
          })),
        }),
  };
}

/** Sends the prepared refundCreate under its Shopify key and reads the answer as the agent's outcome. */
export async function sendRefund(ctx: ActingContext, sent: RefundSent): Promise<RefundOutcome> {
  // No result at all (e.g. IDEMPOTENCY_CONCURRENT_REQUEST) throws SHOPIFY_UNAVAILABLE: the key stays unknown for a retry.
  const result = await orderGateway(ctx).createRefund(sent.input, sent.shopifyKey);
  const orderId = sent.input.orderId as string;
  const fields = {
    orderId: 'orderId',
    shipping: 'shipping',
    note: 'note',
    refundMethods: 'toStoreCredit',
    ...(sent.explicitLines ? { refundLineItems: 'lineItems' } : {}),
  };
  const userErrors: UserError[] = toUserErrors(result.userErrors, fields);
  const refund = result.refund;
  if (!refund && userErrors.length === 0)
    userErrors.push({ field: null, message: 'Shopify created no refund and gave no reason', code: 'INTERNAL_ERROR' });
  return { orderId, customerId: sent.customerId, refund: userErrors.length ? null : refund, userErrors };
}

/**
 * Shopify reads a shipping amount in the order's presentment currency, while an input amount is in the currency it
 * names (the shop's when it names none): refused unless the two are the same, so no amount is silently re-read.
 */
function checkShippingCurrency(order: CheckedOrder, shipping: RefundRequest['shipping']): void {
  if (!shipping || !('amount' in shipping)) return;
  const paidIn = order.presentmentCurrencyCode;
  const named = shipping.currencyCode ?? order.currencyCode;
  if (named === paidIn) return;
  throw new BadInputError(
    'input.shipping.currencyCode',
    shipping.currencyCode
      ? `must be ${paidIn}, the currency this order was paid in (Shopify refunds shipping in it), got ${named}`
      : `is needed: this order was paid in ${paidIn} and Shopify refunds shipping in that currency, so give amount in ${paidIn} with currencyCode: "${paidIn}" (left out, it means the shop's ${named})`,
  );
}

/** The line items to refund, checked against what the order can still refund. */
function refundLines(order: CheckedOrder, req: RefundRequest): RefundLine[] {
  const items = order.lineItems?.nodes ?? [];
  if (order.lineItems?.hasNextPage) {
    throw new BadInputError(
      'input.orderId',
      `orders with more than ${items.length} line items cannot be refunded here; use the Shopify admin`,
    );
  }
  // Restocking an unshipped unit cancels it; a shipped one comes back as a return.
  const restockType = (unfulfilled: number, quantity: number, restock: boolean): RefundLine['restockType'] =>
    !restock ? 'NO_RESTOCK' : unfulfilled >= quantity ? 'CANCEL' : 'RETURN';
  if (req.lineItems === null) {
    return items
      .filter((li) => li.refundableQuantity > 0)
      .map((li) => ({ lineItemId: li.id, quantity: li.refundableQuantity, restockType: 'NO_RESTOCK' }));
  }
  const byId = new Map(items.map((li) => [li.id, li]));
  return req.lineItems.map((line, i) => {
    const li = byId.get(line.lineItemId);
    if (!li) throw new BadInputError(`input.lineItems[${i}].lineItemId`, 'is not a line item of this order');
    if (line.quantity > li.refundableQuantity) {
      throw new BadInputError(`input.lineItems[${i}].quantity`, `is more than the ${li.refundableQuantity} still refundable`);
    }
    return { lineItemId: li.id, quantity: line.quantity, restockType: restockType(li.unfulfilledQuantity, line.quantity, line.restock) };
  });
}

/** What Shopify would refund for these lines and this shipping (SHOPIFY_UNAVAILABLE when it suggests nothing). */
function suggest(
  ctx: ActingContext,
  req: RefundRequest,
  lines: RefundLine[],
  shipping: RefundRequest['shipping'],
): Promise<RefundSuggestion> {
  return orderGateway(ctx).suggestRefund({
    orderId: req.orderId,
    lines,
    refundShipping: shipping !== null && 'full' in shipping,
    shippingAmount: shipping !== null && 'amount' in shipping ? shipping.amount : null,
    allocation: req.toStoreCredit ? 'STORE_CREDIT' : 'ORIGINAL_PAYMENT_METHODS',
  });
}

function storeCreditAmount(s: RefundSuggestion): Money {
  return s.refundMethodAmounts[0] ?? s.amount;
}
