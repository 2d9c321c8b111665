/**
 * What the bench asks, fixed here (not read from docs/operations) so that figures stay comparable across commits:
 * three selections of CustomerProfile, as a supergraph query for K profiles and as the `_entities` request a router
 * sends this subgraph, and (section 6) two selections across several stores. `ShopifyOrder.agentActions` is left out of "all fields": it reads the subgraph's own audit
 * store and never Shopify.
 */

const MONEY = 'amount currencyCode';
const PRODUCT = `id orderId productId name quantity sku status unitPrice { ${MONEY} } imageUrl`;
const CUSTOMER_FIELDS = `id displayName email phone acceptsMarketing createdAt shopifyUrl note totalSpent { ${MONEY} } totalOrders tags`;
const CUSTOMER = `shopifyCustomer { ${CUSTOMER_FIELDS} }`;
const ORDER_FIELDS = `id orderNumber buyerAcceptsMarketing type shopifyUrl total { ${MONEY} } totalRefunded { ${MONEY} }
    firstTrackingNumber firstTrackingUrl createdAt status financialStatus fulfillmentStatus cancelledAt note
    locationName locationCountry canCancel refundable products { ${PRODUCT} }`;
const ORDERS = `orders(limit: 10) {
    ${ORDER_FIELDS}
  }`;
const LINK_FIELDS = 'customerId method matchedEmail linkedAt linkedBy';
const LINK = `shopifyLink { ${LINK_FIELDS} }`;

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

/**
 * Section 6 (several stores, bench/stores.ts): every served store's customer, or the whole card — each store's link,
 * customers, orders merged across the stores, products — for the stores served (their handles, in config order).
 */
export type StoresSelection = 'customer' | 'card';
export const STORES_SELECTIONS: Record<StoresSelection, string> = {
  customer: 'customer only (shopifyCustomers)',
  card: 'full card (shopifyCustomers, orders(limit: 10), products, shopifyLink per store)',
};

/** The selection for the stores served: every store's customer, and for the card its orders, products and link. */
export function storesFields(selection: StoresSelection, handles: readonly string[]): string {
  const customers = `shopifyCustomers { store { handle } ${CUSTOMER_FIELDS} }`;
  if (selection === 'customer') return customers;
  const links = handles.map((h) => `link_${h.replace(/-/g, '_')}: shopifyLink(store: "${h}") { ${LINK_FIELDS} }`).join('\n  ');
  return `${links}\n  ${customers}\n  orders(limit: 10) { store { handle } ${ORDER_FIELDS} }\n  products { ${PRODUCT} }`;
}

/** The `_entities` call a router sends for K profiles with that selection. */
export function storesEntitiesBody(
  selection: StoresSelection,
  handles: readonly string[],
  profiles: ReadonlyArray<{ id: string; emails: string[] }>,
): string {
  const query = `query BenchStores($representations: [_Any!]!) {\n  _entities(representations: $representations) {\n  ... on CustomerProfile {\n  id\n  ${storesFields(selection, handles)}\n  }\n  }\n}`;
  return JSON.stringify({ query, variables: { representations: representations(profiles) } });
}
