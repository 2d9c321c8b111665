/**
 * Refund rules: what Shopify suggests (Order.suggestedRefund), what refundCreate accepts, and what a refund changes.
 * As on Shopify, money only moves through the transactions given to refundCreate; line items and shipping only
 * say what is being refunded (and lower the order's current totals and refundable quantities).
 */
import {
  currentQuantity,
  orderTotals,
  parentRefundable,
  parseGid,
  parseMoney,
  refundedQuantity,
  refundParents,
  type OrderRec,
  type RefundRec,
  type RestockType,
  type TransactionRec,
} from './model.js';
import type { Store } from './store.js';

export interface RefundLineInput {
  lineItemId: number;
  quantity: number;
  restockType: RestockType;
}

export interface RefundTransactionInput {
  parentId: number | null;
  gateway: string;
  kind: string;
  amountMinor: number;
}

export interface RefundRequest {
  note: string | null;
  lines: RefundLineInput[];
  /** undefined = no shipping refunded */
  shippingMinor?: number;
  transactions: RefundTransactionInput[];
  /** refundMethods' storeCreditRefund amount: money that goes to the customer's store credit, not back to a card */
  storeCreditMinor?: number;
}

/** Store credit refunds are recorded as a REFUND transaction of this gateway, without a parent sale. */
export const STORE_CREDIT_GATEWAY = 'shopify_store_credit';

/** A refundCreate user error (UserError has no code in 2026-07). */
export interface FieldError {
  field: string[] | null;
  message: string;
}

export interface Suggestion {
  lines: Array<{ lineItemId: number; quantity: number; restockType: RestockType; subtotalMinor: number }>;
  subtotalMinor: number;
  shippingMinor: number;
  maximumShippingMinor: number;
  amountMinor: number;
  maximumRefundableMinor: number;
  transactions: Array<{ parent: TransactionRec; amountMinor: number; maximumMinor: number }>;
}

/** Splits an amount over the sale/capture transactions that can still take refunds, oldest first. */
export function allocate(
  order: OrderRec,
  amountMinor: number,
): Array<{ parent: TransactionRec; amountMinor: number; maximumMinor: number }> {
  const out: Array<{ parent: TransactionRec; amountMinor: number; maximumMinor: number }> = [];
  let left = amountMinor;
  for (const parent of refundParents(order)) {
    const max = parentRefundable(order, parent);
    if (left <= 0 || max <= 0) continue;
    const take = Math.min(left, max);
    out.push({ parent, amountMinor: take, maximumMinor: max });
    left -= take;
  }
  return out;
}

/** Order.suggestedRefund: quantities are capped at what is refundable, the amount at what was paid and not refunded. */
export function suggestRefund(
  order: OrderRec,
  args: {
    lines?: Array<{ lineItemId: number; quantity: number; restockType?: RestockType }>;
    refundShipping?: boolean;
    shippingMinor?: number | null;
    full?: boolean;
  },
): Suggestion {
  const totals = orderTotals(order);
  const maximumShippingMinor = totals.currentShipping;
  const wanted = new Map<number, { quantity: number; restockType: RestockType }>();
  if (args.full) {
    for (const li of order.lineItems) wanted.set(li.id, { quantity: currentQuantity(order, li), restockType: 'NO_RESTOCK' });
  } else {
    for (const l of args.lines ?? []) {
      const prev = wanted.get(l.lineItemId);
      wanted.set(l.lineItemId, { quantity: (prev?.quantity ?? 0) + l.quantity, restockType: l.restockType ?? 'NO_RESTOCK' });
    }
  }
  const lines: Suggestion['lines'] = [];
  let subtotalMinor = 0;
  for (const li of order.lineItems) {
    const w = wanted.get(li.id);
    if (!w) continue;
    const quantity = Math.max(0, Math.min(w.quantity, li.quantity - refundedQuantity(order, li.id)));
    if (quantity === 0) continue;
    const sub = li.discountedUnitMinor * quantity;
    lines.push({ lineItemId: li.id, quantity, restockType: w.restockType, subtotalMinor: sub });
    subtotalMinor += sub;
  }
  let shippingMinor = 0;
  if (args.full || args.refundShipping) shippingMinor = maximumShippingMinor;
  else if (args.shippingMinor != null) shippingMinor = Math.max(0, Math.min(args.shippingMinor, maximumShippingMinor));
  const maximumRefundableMinor = Math.max(0, totals.net);
  const amountMinor = Math.min(subtotalMinor + shippingMinor, maximumRefundableMinor);
  return {
    lines,
    subtotalMinor,
    shippingMinor,
    maximumShippingMinor,
    amountMinor,
    maximumRefundableMinor,
    transactions: allocate(order, amountMinor),
  };
}

/** refundCreate's checks; an empty list means the refund can be created. */
export function validateRefund(order: OrderRec, req: RefundRequest): FieldError[] {
  const errors: FieldError[] = [];
  const asked = new Map<number, number>();
  req.lines.forEach((l, i) => {
    const li = order.lineItems.find((x) => x.id === l.lineItemId);
    if (!li) {
      errors.push({ field: ['refundLineItems', String(i), 'lineItemId'], message: 'Line item does not exist' });
      return;
    }
    if (!Number.isInteger(l.quantity) || l.quantity <= 0) {
      errors.push({ field: ['refundLineItems', String(i), 'quantity'], message: 'Quantity must be greater than 0' });
      return;
    }
    const total = (asked.get(li.id) ?? 0) + l.quantity;
    asked.set(li.id, total);
    if (total > li.quantity - refundedQuantity(order, li.id)) {
      errors.push({ field: ['refundLineItems', String(i), 'quantity'], message: 'Quantity cannot refund more items than were purchased' });
    }
  });
  if (req.shippingMinor !== undefined) {
    const max = orderTotals(order).currentShipping;
    if (req.shippingMinor < 0)
      errors.push({ field: ['shipping', 'amount'], message: 'Shipping amount must be greater than or equal to 0' });
    else if (req.shippingMinor > max)
      errors.push({ field: ['shipping', 'amount'], message: 'Shipping amount cannot be greater than the refundable shipping amount' });
  }
  let money = 0;
  const perParent = new Map<number, number>();
  req.transactions.forEach((t, i) => {
    const at = (f: string) => ['transactions', String(i), f];
    if (t.kind !== 'REFUND') {
      errors.push({ field: at('kind'), message: 'Kind must be REFUND' });
      return;
    }
    if (!(t.amountMinor > 0)) {
      errors.push({ field: at('amount'), message: 'Amount must be greater than 0' });
      return;
    }
    const parent = t.parentId == null ? undefined : refundParents(order).find((p) => p.id === t.parentId);
    if (!parent) {
      errors.push({ field: at('parentId'), message: 'Parent transaction does not exist or cannot be refunded' });
      return;
    }
    const sum = (perParent.get(parent.id) ?? 0) + t.amountMinor;
    perParent.set(parent.id, sum);
    if (sum > parentRefundable(order, parent)) {
      errors.push({ field: at('amount'), message: 'Amount cannot be greater than the refundable amount of the parent transaction' });
    }
    money += t.amountMinor;
  });
  if (req.storeCreditMinor !== undefined) {
    if (!(req.storeCreditMinor > 0))
      errors.push({ field: ['refundMethods', '0', 'storeCreditRefund', 'amount'], message: 'Amount must be greater than 0' });
    else money += req.storeCreditMinor;
  }
  if (errors.length === 0 && money > orderTotals(order).net) {
    errors.push({ field: ['transactions'], message: 'Refund amount cannot be greater than the amount received' });
  }
  return errors;
}

/** Records a validated refund on the order (transactions included) and returns it. */
export function applyRefund(store: Store, order: OrderRec, req: RefundRequest, at: string): RefundRec {
  const refund: RefundRec = {
    __typename: 'Refund',
    id: store.nextId('refund'),
    orderId: order.id,
    createdAt: at,
    note: req.note,
    lines: req.lines.map((l) => {
      const li = order.lineItems.find((x) => x.id === l.lineItemId)!;
      return {
        id: store.nextId('refundLine'),
        lineItemId: li.id,
        quantity: l.quantity,
        restockType: l.restockType,
        subtotalMinor: li.discountedUnitMinor * l.quantity,
      };
    }),
    shippingMinor: req.shippingMinor ?? 0,
    transactionIds: [],
  };
  for (const t of req.transactions) {
    const txn: TransactionRec = {
      __typename: 'OrderTransaction',
      id: store.nextId('transaction'),
      orderId: order.id,
      kind: 'REFUND',
      status: 'SUCCESS',
      gateway: t.gateway,
      amountMinor: t.amountMinor,
      parentId: t.parentId,
      createdAt: at,
    };
    order.transactions.push(txn);
    refund.transactionIds.push(txn.id);
  }
  if (req.storeCreditMinor) {
    const txn: TransactionRec = {
      __typename: 'OrderTransaction',
      id: store.nextId('transaction'),
      orderId: order.id,
      kind: 'REFUND',
      status: 'SUCCESS',
      gateway: STORE_CREDIT_GATEWAY,
      amountMinor: req.storeCreditMinor,
      parentId: null,
      createdAt: at,
    };
    order.transactions.push(txn);
    refund.transactionIds.push(txn.id);
  }
  order.refunds.push(refund);
  order.updatedAt = at;
  store.reindex(order);
  store.emit('refunds/create', refund.id);
  store.emit('orders/updated', order.id);
  if (refund.transactionIds.length) store.touchCustomer(order.customerId, at);
  return refund;
}

/** RefundInput (GraphQL, already coerced) → RefundRequest, or the errors that stop it before the order is looked at. */
export function readRefundInput(input: Record<string, unknown>): { orderId: number | null; request: RefundRequest; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const orderId = parseGid(input.orderId, 'Order');
  const lines = ((input.refundLineItems as Array<Record<string, unknown>> | null) ?? []).map((l, i) => {
    const id = parseGid(l.lineItemId, 'LineItem');
    if (id == null) errors.push({ field: ['refundLineItems', String(i), 'lineItemId'], message: 'Line item does not exist' });
    return { lineItemId: id ?? -1, quantity: Number(l.quantity), restockType: (l.restockType as RestockType | null) ?? 'NO_RESTOCK' };
  });
  const shipping = input.shipping as { amount?: unknown; fullRefund?: boolean | null } | null | undefined;
  let shippingMinor: number | undefined;
  let fullShipping = false;
  if (shipping) {
    if (shipping.fullRefund) fullShipping = true;
    else if (shipping.amount != null) {
      const m = parseMoney(shipping.amount);
      if (m == null) errors.push({ field: ['shipping', 'amount'], message: 'Amount is invalid' });
      else shippingMinor = m;
    }
  }
  const transactions = ((input.transactions as Array<Record<string, unknown>> | null) ?? []).map((t, i) => {
    const amount = parseMoney(t.amount);
    if (amount == null) errors.push({ field: ['transactions', String(i), 'amount'], message: 'Amount is invalid' });
    return {
      parentId: t.parentId == null ? null : parseGid(t.parentId, 'OrderTransaction'),
      gateway: String(t.gateway ?? ''),
      kind: String(t.kind ?? ''),
      amountMinor: amount ?? 0,
    };
  });
  let storeCreditMinor: number | undefined;
  ((input.refundMethods as Array<Record<string, unknown>> | null) ?? []).forEach((m, i) => {
    const credit = m.storeCreditRefund as { amount?: { amount?: unknown } } | null | undefined;
    if (!credit) return;
    const amount = parseMoney(credit.amount?.amount);
    if (amount == null) errors.push({ field: ['refundMethods', String(i), 'storeCreditRefund', 'amount'], message: 'Amount is invalid' });
    else storeCreditMinor = (storeCreditMinor ?? 0) + amount;
  });
  const request: RefundRequest = { note: (input.note as string | null) ?? null, lines, shippingMinor, transactions, storeCreditMinor };
  return { orderId, request: fullShipping ? { ...request, shippingMinor: Number.NaN } : request, errors };
}

/** Resolves `shipping: { fullRefund: true }` (read before the order was known) to the order's refundable shipping. */
export function resolveFullShipping(order: OrderRec, req: RefundRequest): RefundRequest {
  return Number.isNaN(req.shippingMinor) ? { ...req, shippingMinor: orderTotals(order).currentShipping } : req;
}
