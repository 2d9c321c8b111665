/**
 * What a query selected, so we ask Shopify only for that: `shopifyCustomer { totalSpent }` costs no orders,
 * `orders(limit: 3)` asks for 3, and tracking, location and line items only when a field needs them.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { CUSTOMER_ONLY, type FetchPlan } from '../domain/lookup.js';

/** Names of the fields selected under the current field (fragments and inline fragments followed). */
export function selectedFieldNames(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) names.add(sel.name.value);
      else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet);
      else visit(info.fragments[sel.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return names;
}

/** The plan for a list of orders with this selection. */
export function orderPlan(limit: number, fields: ReadonlySet<string>): FetchPlan {
  return {
    ordersFirst: limit,
    lineItems: fields.has('products'),
    tracking: fields.has('firstTrackingNumber') || fields.has('firstTrackingUrl'),
    location: fields.has('locationName') || fields.has('locationCountry'),
  };
}

/** The plan for `CustomerProfile.products`: the line items of the 10 most recent orders. */
export const PRODUCTS_PLAN: FetchPlan = { ...CUSTOMER_ONLY, ordersFirst: 10, lineItems: true };
