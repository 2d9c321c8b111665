/**
 * Every document the read path sends to Shopify. Static documents (no string building): batch size travels
 * in variables and optional parts are switched by @include, so each document is validated against the pinned
 * schema once, in a test, and typed by codegen (./__generated__/admin.ts).
 */
import type {
  CustomerByIdQuery,
  CustomerByIdQueryVariables,
  CustomerByOrderNameQuery,
  CustomerByOrderNameQueryVariables,
  CustomerIdByEmailAddressQuery,
  CustomerIdByEmailAddressQueryVariables,
  CustomerIdsByEmailQuery,
  CustomerIdsByEmailQueryVariables,
  CustomerSearchQuery,
  CustomerSearchQueryVariables,
  OrderLineItemsQuery,
  OrderLineItemsQueryVariables,
  ProfileCustomersQuery,
  ProfileCustomersQueryVariables,
  ShopCurrencyQuery,
  ShopCurrencyQueryVariables,
} from './__generated__/admin.js';
import { PROFILE_LINE_ITEM, PROFILE_ORDER } from './order-fragment-operations.js';
import { typedDocument } from './typed-request.js';

/** What a customer card shows; no variables, so search and link can reuse it. */
export const CUSTOMER_CARD = /* GraphQL */ `
  #graphql
  fragment CustomerCard on Customer {
    id
    displayName
    note
    tags
    createdAt
    numberOfOrders
    defaultEmailAddress {
      emailAddress
      marketingState
    }
    defaultPhoneNumber {
      phoneNumber
    }
    amountSpent {
      amount
      currencyCode
    }
  }
`;

/**
 * One request for a whole batch of profiles: linked customers by GID (`nodes`) and auto-linked ones by an
 * OR of their emails (`customers(query:)`), mapped back to profiles by GID and by email. `hasNextPage` says the
 * search matched more than the page holds: an email not found in a full page is unknown, not "no customer".
 */
export const PROFILE_CUSTOMERS = typedDocument<ProfileCustomersQuery, ProfileCustomersQueryVariables>(/* GraphQL */ `
  #graphql
  query ProfileCustomers(
    $ids: [ID!]!
    $byId: Boolean!
    $emailQuery: String!
    $emailCount: Int!
    $byEmail: Boolean!
    $withOrders: Boolean!
    $ordersFirst: Int!
    $withLineItems: Boolean!
    $lineItemsFirst: Int!
    $withProductIds: Boolean!
    $withTracking: Boolean!
    $withLocation: Boolean!
    $withShippingAddress: Boolean!
  ) {
    linked: nodes(ids: $ids) @include(if: $byId) {
      ... on Customer {
        ...ProfileCustomer
      }
    }
    matched: customers(first: $emailCount, query: $emailQuery) @include(if: $byEmail) {
      nodes {
        ...ProfileCustomer
      }
      pageInfo {
        hasNextPage
      }
    }
  }

  fragment ProfileCustomer on Customer {
    ...CustomerCard
    orders(first: $ordersFirst, sortKey: CREATED_AT, reverse: true) @include(if: $withOrders) {
      nodes {
        ...ProfileOrder
      }
      pageInfo {
        hasNextPage
      }
    }
  }
  ${CUSTOMER_CARD}
  ${PROFILE_ORDER}
  ${PROFILE_LINE_ITEM}
`);

/** The rest of the line items of orders that have more than the first page fetched with the profile. */
export const ORDER_LINE_ITEMS = typedDocument<OrderLineItemsQuery, OrderLineItemsQueryVariables>(/* GraphQL */ `
  #graphql
  query OrderLineItems($ids: [ID!]!, $first: Int!, $withProductIds: Boolean!) {
    nodes(ids: $ids) {
      ... on Order {
        id
        lineItems(first: $first) {
          nodes {
            ...ProfileLineItem
          }
          pageInfo {
            hasNextPage
          }
        }
      }
    }
  }
  ${PROFILE_LINE_ITEM}
`);

/** Customers matching a Shopify search query (email, phone, name). */
export const CUSTOMER_SEARCH = typedDocument<CustomerSearchQuery, CustomerSearchQueryVariables>(/* GraphQL */ `
  #graphql
  query CustomerSearch($query: String!, $first: Int!) {
    customers(first: $first, query: $query) {
      nodes {
        ...CustomerCard
      }
    }
  }
  ${CUSTOMER_CARD}
`);

/** The customer of an order found by its name (`#1001`). */
export const CUSTOMER_BY_ORDER_NAME = typedDocument<CustomerByOrderNameQuery, CustomerByOrderNameQueryVariables>(/* GraphQL */ `
  #graphql
  query CustomerByOrderName($query: String!) {
    orders(first: 1, query: $query) {
      nodes {
        customer {
          ...CustomerCard
        }
      }
    }
  }
  ${CUSTOMER_CARD}
`);

/** One customer by GID, to check a manual link points at a real customer. */
export const CUSTOMER_BY_ID = typedDocument<CustomerByIdQuery, CustomerByIdQueryVariables>(/* GraphQL */ `
  #graphql
  query CustomerById($id: ID!) {
    customer(id: $id) {
      ...CustomerCard
    }
  }
  ${CUSTOMER_CARD}
`);

/**
 * Which customers own these emails: the cheap first step when a batch's full lookup by email would cost more
 * requests or points, and the completion of a search whose page was full. Paged until `hasNextPage` is false.
 * `numberOfOrders` is a scalar (free): it sizes the card's `orders(first:)` that follows.
 */
export const CUSTOMER_IDS_BY_EMAIL = typedDocument<CustomerIdsByEmailQuery, CustomerIdsByEmailQueryVariables>(/* GraphQL */ `
  #graphql
  query CustomerIdsByEmail($query: String!, $first: Int!, $after: String) {
    customers(first: $first, query: $query, after: $after) {
      nodes {
        id
        numberOfOrders
        defaultEmailAddress {
          emailAddress
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** The customer that has exactly this email, without search syntax: for an address that cannot go in a search query. */
export const CUSTOMER_ID_BY_EMAIL_ADDRESS = typedDocument<CustomerIdByEmailAddressQuery, CustomerIdByEmailAddressQueryVariables>(
  /* GraphQL */ `
    #graphql
    query CustomerIdByEmailAddress($email: String!) {
      customerByIdentifier(identifier: { emailAddress: $email }) {
        id
        numberOfOrders
        defaultEmailAddress {
          emailAddress
        }
      }
    }
  `,
);

/** The shop's own currency: ShopifyStore.currencyCode, asked once per store and remembered (shop.ts). */
export const SHOP_CURRENCY = typedDocument<ShopCurrencyQuery, ShopCurrencyQueryVariables>(/* GraphQL */ `
  #graphql
  query ShopCurrency {
    shop {
      currencyCode
    }
  }
`);
