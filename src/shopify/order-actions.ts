/**
 * The order actions' door to Shopify: reads an order for the checks and for the payload, asks for a refund
 * suggestion, creates the refund, cancels the order. Sends ./action-operations.ts and answers in ../domain/ shapes;
 * what to send and what the answers mean for the agent stay in ../actions/.
 */
import { ShopifyUnavailableError } from '../errors.js';
import type {
  CheckedOrder,
  OrderCancelAnswer,
  OrderCancelArgs,
  RefundCreated,
  RefundQuestion,
  RefundSuggestion,
} from '../domain/actions.js';
import type { Money, OrderModel } from '../domain/model.js';
import type {
  ActionOrderCancelMutationVariables,
  ActionOrderCheckQuery,
  ActionOrderQueryVariables,
  ActionRefundCreateMutationVariables,
  ActionSuggestedRefundQuery,
  ActionSuggestedRefundQueryVariables,
} from './__generated__/admin.js';
import {
  ACTION_LINE_ITEMS_FIRST,
  ACTION_ORDER,
  ACTION_ORDER_CANCEL,
  ACTION_ORDER_CANCELLED,
  ACTION_ORDER_CHECK,
  ACTION_REFUND_CREATE,
  ACTION_SUGGESTED_REFUND,
} from './action-operations.js';
import type { ShopifyClient } from './client.js';
import { completeLineItems, LINE_ITEMS_FIRST } from './line-items.js';
import { toMoney, toOrder } from './mappers.js';
import { request } from './typed-request.js';

/** Shopify's order operations the agent actions use. */
export interface OrderActionsGateway {
  /** What the checks need of an order (line items only when asked); null when the store has no such order. */
  checkOrder(id: string, withLineItems: boolean): Promise<CheckedOrder | null>;
  /**
   * What a cancel's checks need of an order, in the same one read; with `withNetPayment`, also what cancelling it with
   * a refund gives back: the net payment (received − refunded), in the shop's currency. Null when there is no such order.
   */
  checkCancel(id: string, withNetPayment: boolean): Promise<{ order: CheckedOrder; netPayment: Money | null } | null>;
  /**
   * The order as a payload shows it (the profile's shape and mapper); null when it is gone. Its shipping address only
   * with `parts.shippingAddress` (personal data, read when the payload selects it); else left unread (undefined).
   */
  readOrder(id: string, parts?: { shippingAddress?: boolean }): Promise<OrderModel | null>;
  /** When the order was cancelled, or null while it is not (yet). */
  cancelledAt(id: string): Promise<string | null>;
  /** What Shopify would refund; SHOPIFY_UNAVAILABLE when it gives no suggestion. */
  suggestRefund(question: RefundQuestion): Promise<RefundSuggestion>;
  /** Sends refundCreate under Shopify's idempotency key; SHOPIFY_UNAVAILABLE when it answers with no result. */
  createRefund(input: Record<string, unknown>, shopifyKey: string): Promise<RefundCreated>;
  /** Sends orderCancel, once; null when Shopify returned no result. */
  cancelOrder(args: OrderCancelArgs): Promise<OrderCancelAnswer | null>;
}

/** The order actions' gateway over this store's client. */
export function orderActionsGateway(shopify: ShopifyClient): OrderActionsGateway {
  return {
    async checkOrder(id, withLineItems) {
      const variables = { id, withLineItems, lineItemsFirst: ACTION_LINE_ITEMS_FIRST };
      const { data } = await request(shopify, ACTION_ORDER_CHECK, variables);
      return data.order ? toCheckedOrder(data.order) : null;
    },

    async checkCancel(id, withNetPayment) {
      const variables = { id, withLineItems: false, lineItemsFirst: ACTION_LINE_ITEMS_FIRST, withNetPayment };
      const { data } = await request(shopify, ACTION_ORDER_CHECK, variables);
      if (!data.order) return null;
      const net = data.order.netPaymentSet?.shopMoney;
      return { order: toCheckedOrder(data.order), netPayment: net ? toMoney(net) : null };
    },

    async readOrder(id, parts = {}) {
      // A first page like the profile's, the rest only for an order that has more: asking 100 lines requested ~500
      // points for ~25 used, and an action on a busy store waited for all of them to be free.
      const variables: ActionOrderQueryVariables = {
        id,
        withLineItems: true,
        lineItemsFirst: LINE_ITEMS_FIRST,
        withProductIds: true,
        withTracking: true,
        withLocation: true,
        withShippingAddress: parts.shippingAddress === true,
      };
      const { data } = await request(shopify, ACTION_ORDER, variables);
      if (!data.order) return null;
      const order = toOrder(data.order, shopify.endpoint);
      if (!data.order.lineItems?.pageInfo.hasNextPage) return order;
      const failed = await completeLineItems(shopify, [order], true);
      if (failed.size > 0) throw failed.get(order)!;
      return order;
    },

    async cancelledAt(id) {
      const { data } = await request(shopify, ACTION_ORDER_CANCELLED, { id });
      return data.order?.cancelledAt ?? null;
    },

    async suggestRefund(q) {
      const { data } = await request(shopify, ACTION_SUGGESTED_REFUND, suggestionVariables(q));
      const suggestion = data.order?.suggestedRefund;
      if (!suggestion) throw new ShopifyUnavailableError('Shopify gave no refund suggestion for this order');
      return toSuggestion(suggestion);
    },

    async createRefund(input, shopifyKey) {
      // ../actions/refund.ts builds Shopify's RefundInput (only the fields it sets): taken as that input here, at the door.
      const variables = { input, idempotencyKey: shopifyKey } as ActionRefundCreateMutationVariables;
      const { data, fieldErrors } = await request(shopify, ACTION_REFUND_CREATE, variables, {
        // Shopify's @idempotent key makes a resend return the first refund.
        mutation: { replaySafe: true },
      });
      const result = data.refundCreate;
      if (!result) {
        // e.g. IDEMPOTENCY_CONCURRENT_REQUEST: Shopify did not answer for the refund; the key stays unknown for a retry.
        const first = fieldErrors[0];
        throw new ShopifyUnavailableError(
          `refundCreate returned no result${first ? `: ${first.message}` : ''}`,
          first?.code ? { shopifyCode: first.code } : {},
        );
      }
      const refund = result.refund ? { id: result.refund.id, total: { ...result.refund.totalRefundedSet.shopMoney } } : null;
      return { refund, userErrors: result.userErrors };
    },

    async cancelOrder(args) {
      // The domain names the reason and refund method as Shopify spells them; taken as Shopify's input types here.
      const variables = { ...args } as ActionOrderCancelMutationVariables;
      const { data } = await request(shopify, ACTION_ORDER_CANCEL, variables, {
        // No Shopify idempotency key exists for orderCancel: never resend blindly.
        mutation: { replaySafe: false },
      });
      const result = data.orderCancel;
      return result ? { jobId: result.job?.id ?? null, userErrors: result.orderCancelUserErrors } : null;
    },
  };
}

/** The refund question as suggestedRefund's variables. */
function suggestionVariables(q: RefundQuestion): ActionSuggestedRefundQueryVariables {
  return {
    id: q.orderId,
    refundLineItems: q.lines.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity, restockType: l.restockType })),
    refundShipping: q.refundShipping,
    shippingAmount: q.shippingAmount,
    suggestFullRefund: false,
    allocation: q.allocation,
    // Inputs are sent with only the fields we set (Shopify's are optional; codegen's avoidOptionals types them required).
  } as ActionSuggestedRefundQueryVariables;
}

function toCheckedOrder(o: NonNullable<ActionOrderCheckQuery['order']>): CheckedOrder {
  return {
    id: o.id,
    cancelledAt: o.cancelledAt,
    currencyCode: o.currencyCode,
    presentmentCurrencyCode: o.presentmentCurrencyCode,
    customerId: o.customer?.id ?? null,
    lineItems: o.lineItems ? { nodes: o.lineItems.nodes, hasNextPage: o.lineItems.pageInfo.hasNextPage } : null,
  };
}

type Suggestion = NonNullable<NonNullable<ActionSuggestedRefundQuery['order']>['suggestedRefund']>;

function toSuggestion(s: Suggestion): RefundSuggestion {
  return {
    amount: toMoney(s.amountSet.presentmentMoney),
    shopAmount: toMoney(s.amountSet.shopMoney),
    maxShipping: toMoney(s.shipping.maximumRefundableSet.presentmentMoney),
    locations: s.refundLineItems.map((l) => ({ lineItemId: l.lineItem.id, locationId: l.location?.id ?? null })),
    transactions: s.suggestedTransactions.map((t) => ({
      parentId: t.parentTransaction?.id ?? null,
      gateway: t.gateway,
      amount: t.amountSet.presentmentMoney.amount,
    })),
    refundMethodAmounts: s.suggestedRefundMethods.map((m) => toMoney(m.amount.presentmentMoney)),
  };
}
