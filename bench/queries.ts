/**
 * What the bench asks, fixed here (not read from docs/operations) so that figures stay comparable across commits:
 * three selections of CustomerProfile, as a supergraph query for K profiles and as the `_entities` request a router
 * sends this subgraph. `ShopifyOrder.agentActions` is left out of "all fields": it reads the subgraph's own audit
 * store and never Shopify.
 */

const MONEY = 'amount currencyCode';
const PRODUCT = `id orderId productId name quantity sku status unitPrice { ${MONEY} } imageUrl`;
const CUSTOMER = `shopifyCustomer { id displayName email phone acceptsMarketing createdAt shopifyUrl note totalSpent { ${MONEY} } totalOrders tags }`;
const ORDERS = `orders(limit: 10) {
    id orderNumber buyerAcceptsMarketing type shopifyUrl total { ${MONEY} } totalRefunded { ${MONEY} }
    firstTrackingNumber firstTrackingUrl createdAt status financialStatus fulfillmentStatus cancelledAt note
    locationName locationCountry canCancel refundable products { ${PRODUCT} }
  }`;
const LINK = 'shopifyLink { customerId method matchedEmail linkedAt linkedBy }';

export type SelectionName = 'customer' | 'orders' | 'card';

/** The three selections, by name, with how a table labels them. */
export const SELECTIONS: Record<SelectionName, { label: string; fields: string }> = {
  customer: { label: 'customer only', fields: CUSTOMER },
  orders: { label: 'customer + orders(limit: 10), all fields', fields: `${CUSTOMER}\n  ${ORDERS}` },
  card: { label: 'full card (+ products, shopifyLink)', fields: `${LINK}\n  ${CUSTOMER}\n  ${ORDERS}\n  products { ${PRODUCT} }` },
};

/** The supergraph query for a list of profile ids with one selection. */
export function supergraphQuery(selection: SelectionName): string {
  return `query BenchProfiles($ids: [ID!]!) {\n  profiles(ids: $ids) {\n  id\n  ${SELECTIONS[selection].fields}\n  }\n}`;
}

/** The `_entities` query the router sends this subgraph for one selection. */
export function entitiesQuery(selection: SelectionName): string {
  return `query BenchEntities($representations: [_Any!]!) {\n  _entities(representations: $representations) {\n  ... on CustomerProfile {\n  id\n  ${SELECTIONS[selection].fields}\n  }\n  }\n}`;
}

/** A profile as the router represents it to this subgraph. */
export interface Representation {
  __typename: 'CustomerProfile';
  id: string;
  emails: string[];
}

/** The `_entities` representations of profiles, as @requires(fields: "emails") makes the router send them. */
export function representations(profiles: ReadonlyArray<{ id: string; emails: string[] }>): Representation[] {
  return profiles.map((p) => ({ __typename: 'CustomerProfile', id: p.id, emails: p.emails }));
}
