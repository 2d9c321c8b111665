/**
 * The documents a replacement order sends to Shopify (through ./replacement-orders.ts): the original order's check,
 * draftOrderCreate, draftOrderComplete, and the two reads that find a draft again after a lost answer or a crash.
 * Typed by codegen (./__generated__/admin.ts) like ./action-operations.ts.
 */
import type {
  ReplacementDraftByTagQuery,
  ReplacementDraftByTagQueryVariables,
  ReplacementDraftCompleteMutation,
  ReplacementDraftCompleteMutationVariables,
  ReplacementDraftCreateMutation,
  ReplacementDraftCreateMutationVariables,
  ReplacementDraftQuery,
  ReplacementDraftQueryVariables,
  ReplacementOrderCheckQuery,
  ReplacementOrderCheckQueryVariables,
} from './__generated__/admin.js';
import { PROFILE_MAILING_ADDRESS } from './order-fragment-operations.js';
import { typedDocument } from './typed-request.js';

/** Line items read per page of the check (most orders fit in one; a bigger one is read page by page). */
export const REPLACEMENT_LINE_ITEMS_FIRST = 100;

/**
 * What the checks before a replacement need of the original order: its state, customer, shipping address (read as
 * the profile reads it) and one page of line items.
 */
export const REPLACEMENT_ORDER_CHECK = typedDocument<ReplacementOrderCheckQuery, ReplacementOrderCheckQueryVariables>(/* GraphQL */ `
  #graphql
  query ReplacementOrderCheck($id: ID!, $lineItemsFirst: Int!, $after: String) {
    order(id: $id) {
      id
      name
      cancelledAt
      displayFulfillmentStatus
      customer {
        id
      }
      shippingAddress {
        ...ProfileMailingAddress
      }
      lineItems(first: $lineItemsFirst, after: $after) {
        nodes {
          id
          quantity
          unfulfilledQuantity
          variant {
            id
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
  ${PROFILE_MAILING_ADDRESS}
`);

/** A draft order's state: what a retry needs to tell whether to complete it, or that it already was. */
const DRAFT_STATE = /* GraphQL */ `
  fragment ReplacementDraftState on DraftOrder {
    id
    status
    tags
    order {
      id
    }
  }
`;

/** Creates the draft order (no Shopify idempotency key: sent once, see ./replacement-orders.ts). */
export const REPLACEMENT_DRAFT_CREATE = typedDocument<ReplacementDraftCreateMutation, ReplacementDraftCreateMutationVariables>(
  /* GraphQL */ `
    #graphql
    mutation ReplacementDraftCreate($input: DraftOrderInput!) {
      draftOrderCreate(input: $input) {
        draftOrder {
          ...ReplacementDraftState
        }
        userErrors {
          field
          message
        }
      }
    }
    ${DRAFT_STATE}
  `,
);

/** Completes the draft into an order, marked as paid (its total is 0); no Shopify idempotency key either. */
export const REPLACEMENT_DRAFT_COMPLETE = typedDocument<ReplacementDraftCompleteMutation, ReplacementDraftCompleteMutationVariables>(
  /* GraphQL */ `
    #graphql
    mutation ReplacementDraftComplete($id: ID!) {
      draftOrderComplete(id: $id) {
        draftOrder {
          ...ReplacementDraftState
        }
        userErrors {
          field
          message
        }
      }
    }
    ${DRAFT_STATE}
  `,
);

/** One draft order by id (the one a crashed attempt checkpointed). */
export const REPLACEMENT_DRAFT = typedDocument<ReplacementDraftQuery, ReplacementDraftQueryVariables>(/* GraphQL */ `
  #graphql
  query ReplacementDraft($id: ID!) {
    draftOrder(id: $id) {
      ...ReplacementDraftState
    }
  }
  ${DRAFT_STATE}
`);

/** The draft carrying a tag (the one unique to an idempotency key), after draftOrderCreate's answer was lost. */
export const REPLACEMENT_DRAFT_BY_TAG = typedDocument<ReplacementDraftByTagQuery, ReplacementDraftByTagQueryVariables>(/* GraphQL */ `
  #graphql
  query ReplacementDraftByTag($query: String!) {
    draftOrders(first: 1, query: $query) {
      nodes {
        ...ReplacementDraftState
      }
    }
  }
  ${DRAFT_STATE}
`);
