/**
 * Every document the order edits send to Shopify (through ./order-edits.ts): the check before an edit, the note and
 * shipping address (orderUpdate), the tags (tagsAdd / tagsRemove), and the one-order shipping address read. Static
 * documents like ./operations.ts, typed by codegen (./__generated__/admin.ts).
 *
 * Each mutation sets only what it names (`orderUpdate(input: { id, note })`), never a whole OrderInput: orderUpdate
 * overwrites every field it is given, so an edit of the note can never touch the address or the tags.
 */
import type {
  EditOrderCheckQuery,
  EditOrderCheckQueryVariables,
  EditOrderNoteMutation,
  EditOrderNoteMutationVariables,
  EditShippingAddressMutation,
  EditShippingAddressMutationVariables,
  EditTagsAddMutation,
  EditTagsAddMutationVariables,
  EditTagsRemoveMutation,
  EditTagsRemoveMutationVariables,
  OrderShippingAddressQuery,
  OrderShippingAddressQueryVariables,
} from './__generated__/admin.js';
import { PROFILE_MAILING_ADDRESS } from './order-fragment-operations.js';
import { typedDocument } from './typed-request.js';

/** What the checks before an edit need: the state the address rule reads, the tags (for the 250 limit), the customer. */
export const EDIT_ORDER_CHECK = typedDocument<EditOrderCheckQuery, EditOrderCheckQueryVariables>(/* GraphQL */ `
  #graphql
  query EditOrderCheck($id: ID!) {
    order(id: $id) {
      id
      cancelledAt
      displayFulfillmentStatus
      tags
      customer {
        id
      }
    }
  }
`);

/** Sets (or, with null, clears) the order's note and nothing else. */
export const EDIT_ORDER_NOTE = typedDocument<EditOrderNoteMutation, EditOrderNoteMutationVariables>(/* GraphQL */ `
  #graphql
  mutation EditOrderNote($id: ID!, $note: String) {
    orderUpdate(input: { id: $id, note: $note }) {
      order {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`);

/** Replaces the order's shipping address and nothing else. */
export const EDIT_SHIPPING_ADDRESS = typedDocument<EditShippingAddressMutation, EditShippingAddressMutationVariables>(/* GraphQL */ `
  #graphql
  mutation EditShippingAddress($id: ID!, $address: MailingAddressInput!) {
    orderUpdate(input: { id: $id, shippingAddress: $address }) {
      order {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`);

/**
 * Adds tags to the order; tags it already has (compared without regard to case) are left as they are. The payload's
 * `node` is not read: it is a Node, so selecting it would make the cost schema keep every type implementing Node.
 */
export const EDIT_TAGS_ADD = typedDocument<EditTagsAddMutation, EditTagsAddMutationVariables>(/* GraphQL */ `
  #graphql
  mutation EditTagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      userErrors {
        field
        message
      }
    }
  }
`);

/** Removes tags from the order; tags it does not have are ignored. */
export const EDIT_TAGS_REMOVE = typedDocument<EditTagsRemoveMutation, EditTagsRemoveMutationVariables>(/* GraphQL */ `
  #graphql
  mutation EditTagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
      userErrors {
        field
        message
      }
    }
  }
`);

/**
 * One order's shipping address alone: for an order that was read without it (e.g. a cancel or refund payload's order)
 * when a query then selects it.
 */
export const ORDER_SHIPPING_ADDRESS = typedDocument<OrderShippingAddressQuery, OrderShippingAddressQueryVariables>(/* GraphQL */ `
  #graphql
  query OrderShippingAddress($id: ID!) {
    order(id: $id) {
      id
      shippingAddress {
        ...ProfileMailingAddress
      }
    }
  }
  ${PROFILE_MAILING_ADDRESS}
`);
