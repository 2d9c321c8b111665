/**
 * cancelOrder: orderCancel, guarded by our idempotency key (Shopify has none for it). Cancelling is asynchronous:
 * Shopify answers with a job, so the payload polls the order briefly until the cancellation shows.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActingContext } from '../context.js';
import { BadInputError } from '../errors.js';
import type { OrderCancelArgs } from '../domain/actions.js';
import type { OrderModel } from '../domain/model.js';
import type { ActionSpec, Outcome, UserError } from './idempotency.js';
import { orderGateway, payloadOrder, requireOrder } from './orders.js';
import { toUserErrors } from './user-errors.js';
import type { CancelRequest } from './validate.js';

/** How long a payload waits for the cancel job to show on the order before returning the order as it is. */
export const CANCEL_POLL_MS = 2_000;
const CANCEL_POLL_EVERY_MS = 100;

/** The orderCancel arguments, as written ahead and sent, and whose order it is (for the audit and invalidation). */
export interface CancelSent extends OrderCancelArgs {
  customerId: string | null;
}

export interface CancelOutcome extends Outcome {
  orderId: string;
  customerId: string | null;
  jobId: string | null;
}

const FIELDS: Record<string, string> = {
  orderId: 'orderId',
  reason: 'reason',
  restock: 'restock',
  refund: 'refund',
  refundMethod: 'refundToStoreCredit',
  notifyCustomer: 'notifyCustomer',
  staffNote: 'staffNote',
};

export const cancelSpec: ActionSpec<CancelRequest, CancelSent, CancelOutcome> = {
  action: 'cancelOrder',
  async prepare(ctx, req) {
    const order = await requireOrder(ctx, req.orderId, false);
    if (order.cancelledAt) throw new BadInputError('input.orderId', `the order was already cancelled at ${order.cancelledAt}`);
    return {
      orderId: req.orderId,
      customerId: order.customerId,
      reason: req.reason,
      restock: req.restock,
      // refundMethod is @oneOf; "no refund" is said explicitly rather than left to a default.
      refundMethod:
        req.refundTo === 'store_credit' ? { storeCreditRefund: {} } : { originalPaymentMethodsRefund: req.refundTo === 'original' },
      notifyCustomer: req.notifyCustomer,
      staffNote: req.staffNote,
    };
  },
  async send(ctx, sent) {
    const { customerId: _c, ...args } = sent;
    // Sent once: Shopify has no idempotency key for orderCancel (the gateway never resends it blindly).
    const result = await orderGateway(ctx).cancelOrder(args);
    const userErrors: UserError[] = result
      ? toUserErrors(result.userErrors, FIELDS)
      : [{ field: null, message: 'Shopify returned no result for orderCancel', code: 'INTERNAL_ERROR' }];
    return { orderId: sent.orderId, customerId: sent.customerId, jobId: result?.jobId ?? null, userErrors };
  },
  async reconcile(ctx, _req, sent) {
    // A cancelled order can only have been cancelled once; if it shows cancelled, that was us (or someone else:
    // either way the agent's intent holds and cancelling again would fail).
    return (await cancelledAt(ctx, sent.orderId))
      ? { orderId: sent.orderId, customerId: sent.customerId, jobId: null, userErrors: [] }
      : null;
  },
};

function cancelledAt(ctx: ActingContext, orderId: string): Promise<string | null> {
  return orderGateway(ctx).cancelledAt(orderId);
}

/** The order after a successful cancel: polled up to CANCEL_POLL_MS until the cancel job shows, then read in full. */
export async function orderAfterCancel(ctx: ActingContext, orderId: string, cancelled: boolean): Promise<OrderModel | null> {
  if (cancelled) {
    const deadline = Date.now() + CANCEL_POLL_MS;
    while (!(await cancelledAt(ctx, orderId)) && Date.now() < deadline) await sleep(CANCEL_POLL_EVERY_MS);
  }
  return payloadOrder(ctx, orderId);
}
