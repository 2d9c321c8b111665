/**
 * The order parts every order read shares: the profile's order, its line items and its shipping address, as
 * fragments. The profile read (./operations.ts), the action payloads (./action-operations.ts) and the edit and
 * replacement documents include them, so an order reads the same whichever document fetched it and one mapper
 * (./mappers.ts) reads them all. Each is a string a document interpolates; a document includes each fragment once.
 * Named *-operations.ts because codegen reads fragments only from the files it reads documents from (codegen.ts).
 */

/** A line item as the profile shows it. */
export const PROFILE_LINE_ITEM = /* GraphQL */ `
  #graphql
  fragment ProfileLineItem on LineItem {
    id
    name
    quantity
    currentQuantity
    refundableQuantity
    unfulfilledQuantity
    sku
    originalUnitPriceSet {
      shopMoney {
        amount
        currencyCode
      }
    }
    image {
      url
    }
    product @include(if: $withProductIds) {
      id
    }
  }
`;

/** A postal address as the contract shows it (personal data: read only when selected, never logged). */
export const PROFILE_MAILING_ADDRESS = /* GraphQL */ `
  #graphql
  fragment ProfileMailingAddress on MailingAddress {
    firstName
    lastName
    company
    address1
    address2
    city
    provinceCode
    zip
    countryCodeV2
    phone
  }
`;

/**
 * An order as the profile shows it; tracking, location, line items and the shipping address only when selected.
 * Carries its address fragment, so a document that includes it must not include PROFILE_MAILING_ADDRESS again.
 */
export const PROFILE_ORDER = /* GraphQL */ `
  #graphql
  fragment ProfileOrder on Order {
    id
    name
    createdAt
    cancelledAt
    closed
    customerAcceptsMarketing
    note
    sourceName
    refundable
    tags
    displayFinancialStatus
    displayFulfillmentStatus
    totalPriceSet {
      shopMoney {
        amount
        currencyCode
      }
    }
    totalRefundedSet {
      shopMoney {
        amount
        currencyCode
      }
    }
    fulfillments(first: 1) @include(if: $withTracking) {
      trackingInfo(first: 1) {
        number
        url
      }
    }
    retailLocation @include(if: $withLocation) {
      name
      address {
        country
      }
    }
    lineItems(first: $lineItemsFirst) @include(if: $withLineItems) {
      nodes {
        ...ProfileLineItem
      }
      pageInfo {
        hasNextPage
      }
    }
    shippingAddress @include(if: $withShippingAddress) {
      ...ProfileMailingAddress
    }
  }
  ${PROFILE_MAILING_ADDRESS}
`;
