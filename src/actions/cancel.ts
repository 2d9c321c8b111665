/**
 * cancelOrder: orderCancel, guarded by our idempotency key (Shopify has none for it). Cancelling is asynchronous:
 * Shopify answers with a job, so the payload polls the order briefly until the cancellation shows. A cancel that
 * refunds more than the agent's refund limit is refused before anything is sent (./refund-limits.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ActingContext } from '../context.js';
import { BadInputError, ShopifyUnavailableError } from '../errors.js';
import type { CheckedOrder, OrderCancelArgs } from '../domain/actions.js';
import type { OrderModel } from '../domain/model.js';
import type { ActionSpec, Outcome, UserError } from './idempotency.js';
import { orderGateway, payloadOrder } from './orders.js';
import { refundLimitOf, requireCancelRefundWithinLimit } from './refund-limits.js';
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
    const order = await checkCancel(ctx, req);
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

/**
 * The order's checks before the claim: it exists and is not cancelled, and a cancel that refunds stays within the
 * agent's refund limit (FORBIDDEN before anything is sent, so the key is not used up). The refund is read in the same
 * request, and only when a limit applies.
 */
async function checkCancel(ctx: ActingContext, req: CancelRequest): Promise<CheckedOrder> {
  const store = ctx.acting.handle;
  const limit = req.refundTo === null ? null : refundLimitOf(ctx.caller, store, ctx.deps.config.refunds);
  const checked = await orderGateway(ctx).checkCancel(req.orderId, limit !== null);
  if (!checked) throw new BadInputError('input.orderId', 'this store has no order with this id');
  const { order, netPayment } = checked;
  if (order.cancelledAt) throw new BadInputError('input.orderId', `the order was already cancelled at ${order.cancelledAt}`);
  if (limit !== null) {
    if (!netPayment) throw new ShopifyUnavailableError('Shopify did not say what cancelling this order would refund');
    requireCancelRefundWithinLimit(store, netPayment, limit);
  }
  return order;
}

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
