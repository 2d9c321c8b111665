/**
 * What a query selected, so we ask Shopify only for that: `shopifyCustomer { totalSpent }` costs no orders,
 * `orders(limit: 3)` asks for 3, and tracking, location, line items and shipping addresses only when a field needs them.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { CUSTOMER_ONLY, type FetchPlan } from '../domain/lookup.js';

/**
 * Names of the fields selected under the current field, or, with `under`, under its subfields of that name
 * (fragments and inline fragments followed).
 */
export function selectedFieldNames(info: GraphQLResolveInfo, under?: string): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, depth: number) => {
    for (const sel of set?.selections ?? []) {
      if (sel.kind === Kind.FIELD) {
        if (depth === 0 && under !== undefined) {
          if (sel.name.value === under) visit(sel.selectionSet, 1);
        } else names.add(sel.name.value);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) visit(sel.selectionSet, depth);
      else visit(info.fragments[sel.name.value]?.selectionSet, depth);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, 0);
  return names;
}

/** The plan for a list of orders with this selection; `productFields`: what is selected under its `products`. */
export function orderPlan(limit: number, fields: ReadonlySet<string>, productFields: ReadonlySet<string> = new Set()): FetchPlan {
  return {
    ordersFirst: limit,
    lineItems: fields.has('products'),
    productIds: productFields.has('productId'),
    tracking: fields.has('firstTrackingNumber') || fields.has('firstTrackingUrl'),
    location: fields.has('locationName') || fields.has('locationCountry'),
    shippingAddress: fields.has('shippingAddress'),
  };
}

/** The plan for `CustomerProfile.products`: the line items of the 10 most recent orders (product GIDs when selected). */
export const PRODUCTS_PLAN: FetchPlan = { ...CUSTOMER_ONLY, ordersFirst: 10, lineItems: true };

/** PRODUCTS_PLAN for this selection of `CustomerProfile.products`. */
export function productsPlan(fields: ReadonlySet<string>): FetchPlan {
  return { ...PRODUCTS_PLAN, productIds: fields.has('productId') };
}
