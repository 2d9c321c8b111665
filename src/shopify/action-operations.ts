/**
 * Every document the order actions send to Shopify (through ./order-actions.ts and ./discounts.ts). Static documents
 * like ./operations.ts, typed by codegen (./__generated__/admin.ts). Orders are read with the profile's own
 * fragments, so a payload's order has exactly the shape (and mapping) of an order read through CustomerProfile.orders.
 */
import type {
  ActionCustomerQuery,
  ActionCustomerQueryVariables,
  ActionDiscountByCodeQuery,
  ActionDiscountByCodeQueryVariables,
  ActionDiscountCreateMutation,
  ActionDiscountCreateMutationVariables,
  ActionOrderCancelMutation,
  ActionOrderCancelMutationVariables,
  ActionOrderCancelledQuery,
  ActionOrderCancelledQueryVariables,
  ActionOrderCheckQuery,
  ActionOrderCheckQueryVariables,
  ActionOrderQuery,
  ActionOrderQueryVariables,
  ActionRefundCreateMutation,
  ActionRefundCreateMutationVariables,
  ActionSuggestedRefundQuery,
  ActionSuggestedRefundQueryVariables,
} from './__generated__/admin.js';
import { typedDocument } from './typed-request.js';
import { PROFILE_LINE_ITEM, PROFILE_ORDER } from './order-fragment-operations.js';

/** Line items read with an order (checks and payloads); a refund of an order with more is refused rather than half-checked. */
export const ACTION_LINE_ITEMS_FIRST = 100;

/** One order as the profile shows it: the order in every action's payload. */
export const ACTION_ORDER = typedDocument<ActionOrderQuery, ActionOrderQueryVariables>(/* GraphQL */ `
  #graphql
  query ActionOrder(
    $id: ID!
    $withLineItems: Boolean!
    $lineItemsFirst: Int!
    $withProductIds: Boolean!
    $withTracking: Boolean!
    $withLocation: Boolean!
    $withShippingAddress: Boolean!
  ) {
    order(id: $id) {
      ...ProfileOrder
    }
  }
  ${PROFILE_ORDER}
  ${PROFILE_LINE_ITEM}
`);

/**
 * What the checks before an action need of an order, and no more (a tenth of the payload read's cost). netPaymentSet
 * ("the total amount received minus the total amount refunded", Shopify's Order docs) is what cancelling with a refund
 * gives back: read only for a cancel that refunds under a refund limit.
 */
export const ACTION_ORDER_CHECK = typedDocument<ActionOrderCheckQuery, ActionOrderCheckQueryVariables>(/* GraphQL */ `
  #graphql
  query ActionOrderCheck($id: ID!, $withLineItems: Boolean!, $lineItemsFirst: Int!, $withNetPayment: Boolean! = false) {
    order(id: $id) {
      id
      cancelledAt
      currencyCode
      presentmentCurrencyCode
      customer {
        id
      }
      netPaymentSet @include(if: $withNetPayment) {
        shopMoney {
          amount
          currencyCode
        }
      }
      lineItems(first: $lineItemsFirst) @include(if: $withLineItems) {
        nodes {
          id
          refundableQuantity
          unfulfilledQuantity
        }
        pageInfo {
          hasNextPage
        }
      }
    }
  }
`);

/** What Shopify would refund for these line items and shipping: amounts, and the transactions that move the money. */
export const ACTION_SUGGESTED_REFUND = typedDocument<ActionSuggestedRefundQuery, ActionSuggestedRefundQueryVariables>(/* GraphQL */ `
  #graphql
  query ActionSuggestedRefund(
    $id: ID!
    $refundLineItems: [RefundLineItemInput!]
    $refundShipping: Boolean
    $shippingAmount: Money
    $suggestFullRefund: Boolean!
    $allocation: RefundMethodAllocation!
  ) {
    order(id: $id) {
      id
      suggestedRefund(
        refundLineItems: $refundLineItems
        refundShipping: $refundShipping
        shippingAmount: $shippingAmount
        suggestFullRefund: $suggestFullRefund
        refundMethodAllocation: $allocation
      ) {
        amountSet {
          shopMoney {
            amount
            currencyCode
          }
          presentmentMoney {
            amount
            currencyCode
          }
        }
        maximumRefundableSet {
          presentmentMoney {
            amount
            currencyCode
          }
        }
        shipping {
          amountSet {
            presentmentMoney {
              amount
              currencyCode
            }
          }
          maximumRefundableSet {
            presentmentMoney {
              amount
              currencyCode
            }
          }
        }
        refundLineItems {
          lineItem {
            id
          }
          quantity
          restockType
          location {
            id
          }
        }
        suggestedTransactions {
          gateway
          kind
          amountSet {
            presentmentMoney {
              amount
              currencyCode
            }
          }
          parentTransaction {
            id
          }
        }
        suggestedRefundMethods {
          amount {
            presentmentMoney {
              amount
              currencyCode
            }
          }
        }
      }
    }
  }
`);

/**
 * The refund itself. `@idempotent` makes a resend with the same key return the first refund instead of a second
 * one (mandatory from API 2026-04); the key must be a variable or literal, so it travels as a variable.
 */
export const ACTION_REFUND_CREATE = typedDocument<ActionRefundCreateMutation, ActionRefundCreateMutationVariables>(/* GraphQL */ `
  #graphql
  mutation ActionRefundCreate($input: RefundInput!, $idempotencyKey: String!) {
    refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
      refund {
        id
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`);

/** Cancels an order; Shopify does the work in a background job. */
export const ACTION_ORDER_CANCEL = typedDocument<ActionOrderCancelMutation, ActionOrderCancelMutationVariables>(/* GraphQL */ `
  #graphql
  mutation ActionOrderCancel(
    $orderId: ID!
    $reason: OrderCancelReason!
    $restock: Boolean!
    $refundMethod: OrderCancelRefundMethodInput
    $notifyCustomer: Boolean
    $staffNote: String
  ) {
    orderCancel(
      orderId: $orderId
      reason: $reason
      restock: $restock
      refundMethod: $refundMethod
      notifyCustomer: $notifyCustomer
      staffNote: $staffNote
    ) {
      job {
        id
        done
      }
      orderCancelUserErrors {
        field
        message
        code
      }
    }
  }
`);

/** Whether an order is cancelled yet (the cancel job's effect), cheaply. */
export const ACTION_ORDER_CANCELLED = typedDocument<ActionOrderCancelledQuery, ActionOrderCancelledQueryVariables>(/* GraphQL */ `
  #graphql
  query ActionOrderCancelled($id: ID!) {
    order(id: $id) {
      id
      cancelledAt
    }
  }
`);

/** A discount as the payload shows it. */
export const ACTION_DISCOUNT = /* GraphQL */ `
  #graphql
  fragment ActionDiscount on DiscountCodeNode {
    id
    codeDiscount {
      ... on DiscountCodeBasic {
        title
        endsAt
        usageLimit
        codes(first: 1) {
          nodes {
            code
          }
        }
        customerGets {
          value {
            ... on DiscountPercentage {
              percentage
            }
            ... on DiscountAmount {
              amount {
                amount
                currencyCode
              }
            }
          }
        }
      }
    }
  }
`;

/** Creates a code discount. */
export const ACTION_DISCOUNT_CREATE = typedDocument<ActionDiscountCreateMutation, ActionDiscountCreateMutationVariables>(/* GraphQL */ `
  #graphql
  mutation ActionDiscountCreate($discount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $discount) {
      codeDiscountNode {
        ...ActionDiscount
      }
      userErrors {
        field
        message
        code
      }
    }
  }
  ${ACTION_DISCOUNT}
`);

/** A discount by its code: how a retry learns whether a create whose answer was lost happened. */
export const ACTION_DISCOUNT_BY_CODE = typedDocument<ActionDiscountByCodeQuery, ActionDiscountByCodeQueryVariables>(/* GraphQL */ `
  #graphql
  query ActionDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      ...ActionDiscount
    }
  }
  ${ACTION_DISCOUNT}
`);

/** Whether a customer exists (nothing else: the action needs no personal data), and the shop's currency (discount amounts are in it). */
export const ACTION_CUSTOMER = typedDocument<ActionCustomerQuery, ActionCustomerQueryVariables>(/* GraphQL */ `
  #graphql
  query ActionCustomer($id: ID!) {
    customer(id: $id) {
      id
    }
    shop {
      currencyCode
    }
  }
`);
