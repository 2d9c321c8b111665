/**
 * orderCancel rules. Shopify checks the request at once (orderCancelUserErrors) and cancels in a background job:
 * the mutation answers `job { done: false }` and the order changes a moment later. Cancelling refunds the
 * remaining items (restocked or not), returns the money when asked (original payment or store credit) and voids
 * open authorizations.
 */
import { randomUUID } from 'node:crypto';
import { currentQuantity, gid, isoTime, openAuthorizations, orderTotals, type OrderRec, type TransactionRec } from './model.js';
import { allocate, applyRefund, type RefundRequest } from './refunds.js';
import type { JobRec, Store } from './store.js';

export const CANCEL_REASONS = ['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF'] as const;

export interface CancelRequest {
  reason: string;
  restock: boolean;
  /** 'original' = back to the payments, 'store_credit' = to the customer's store credit, null = no money back */
  refundTo: 'original' | 'store_credit' | null;
  staffNote: string | null;
}

export interface CancelError {
  field: string[] | null;
  message: string;
  code: 'INVALID' | 'NOT_FOUND' | 'STORE_CREDIT_REFUND_MISSING_CUSTOMER';
}

/** Why the order cannot be cancelled; empty when it can. */
export function validateCancel(order: OrderRec | undefined, req: CancelRequest): CancelError[] {
  if (!order) return [{ field: ['orderId'], message: 'Order does not exist', code: 'NOT_FOUND' }];
  if (order.cancelledAt) return [{ field: ['orderId'], message: 'Order has already been cancelled', code: 'INVALID' }];
  if (order.fulfillments.some((f) => f.status === 'SUCCESS')) {
    return [{ field: ['orderId'], message: 'Cannot cancel an order with fulfillments; cancel the fulfillments first', code: 'INVALID' }];
  }
  if (req.refundTo === 'store_credit' && order.customerId == null) {
    return [
      {
        field: ['refundMethod', 'storeCreditRefund'],
        message: 'A store credit refund needs an order with a customer',
        code: 'STORE_CREDIT_REFUND_MISSING_CUSTOMER',
      },
    ];
  }
  return [];
}

/** Cancels at once (used by seeding and by the job); the caller has validated. */
export function applyCancel(store: Store, order: OrderRec, req: CancelRequest, at: string): void {
  const totals = orderTotals(order);
  const refund: RefundRequest = {
    note: null,
    lines: order.lineItems
      .map((li) => ({
        lineItemId: li.id,
        quantity: currentQuantity(order, li),
        restockType: req.restock ? ('CANCEL' as const) : ('NO_RESTOCK' as const),
      }))
      .filter((l) => l.quantity > 0),
    shippingMinor: totals.currentShipping,
    transactions: [],
  };
  if (req.refundTo === 'original') {
    refund.transactions = allocate(order, Math.max(0, totals.net)).map((a) => ({
      parentId: a.parent.id,
      gateway: a.parent.gateway,
      kind: 'REFUND',
      amountMinor: a.amountMinor,
    }));
  } else if (req.refundTo === 'store_credit' && totals.net > 0) {
    refund.transactions = [{ parentId: null, gateway: 'shopify_store_credit', kind: 'REFUND', amountMinor: totals.net }];
  }
  for (const auth of openAuthorizations(order)) {
    const voided: TransactionRec = {
      __typename: 'OrderTransaction',
      id: store.nextId('transaction'),
      orderId: order.id,
      kind: 'VOID',
      status: 'SUCCESS',
      gateway: auth.gateway,
      amountMinor: auth.amountMinor,
      parentId: auth.id,
      createdAt: at,
    };
    order.transactions.push(voided);
  }
  order.cancelledAt = at;
  order.cancelReason = req.reason;
  order.staffNote = req.staffNote;
  order.closedAt = at;
  order.updatedAt = at;
  store.reindex(order);
  if (refund.lines.length || refund.shippingMinor || refund.transactions.length) applyRefund(store, order, refund, at);
  store.emit('orders/cancelled', order.id);
  store.emit('orders/updated', order.id);
}

/** Starts the cancel job: the order changes after `delayMs`, and the job reports done. */
export function startCancelJob(store: Store, order: OrderRec, req: CancelRequest, delayMs: number): JobRec {
  const job: JobRec = { __typename: 'Job', id: gid('Job', randomUUID()), done: false };
  store.jobs.set(job.id, job);
  const run = () => {
    // the store may have been reset while the job waited: then there is nothing left to cancel
    if (!order.cancelledAt && store.orders.get(order.id) === order) applyCancel(store, order, req, isoTime(Date.now()));
    job.done = true;
  };
  const timer = setTimeout(run, Math.max(0, delayMs));
  timer.unref?.();
  return job;
}
