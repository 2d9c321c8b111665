/**
 * What each webhook topic we subscribe to tells us to drop from the cache. Bodies are REST-shaped: GIDs in
 * `admin_graphql_api_id`, refunds name their order by numeric `order_id`. Only ids and emails are read, and
 * only to build the invalidation: nothing from the body is logged.
 */
import type { Invalidation } from '../cache/customer-cache.js';

/** Topics this subgraph handles; anything else is acknowledged and ignored. */
export const TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'refunds/create',
  'customers/create',
  'customers/update',
] as const;
export type Topic = (typeof TOPICS)[number];

/** True for a topic in TOPICS. */
export function isTopic(topic: string | undefined): topic is Topic {
  return (TOPICS as readonly string[]).includes(topic ?? '');
}

type Body = Record<string, unknown>;

const gid = (resource: 'Order' | 'Customer', value: unknown): string | undefined => {
  if (typeof value === 'string' && value.startsWith(`gid://shopify/${resource}/`)) return value;
  if ((typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^\d+$/.test(value))) {
    return `gid://shopify/${resource}/${value}`;
  }
  return undefined;
};

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const obj = (v: unknown) => (v && typeof v === 'object' ? (v as Body) : undefined);
const defined = <T>(xs: Array<T | undefined>) => xs.filter((x): x is T => x !== undefined);

/**
 * The cache entries a delivery makes stale: the order and its customer's entry (whose orders list it is in), the
 * customer's entry and the "no customer" (or other owner) entries of the customer's emails.
 */
export function invalidationFor(topic: Topic, body: Body): Invalidation {
  switch (topic) {
    case 'orders/create':
    case 'orders/updated':
    case 'orders/cancelled': {
      const customer = obj(body.customer);
      return {
        orderIds: defined([gid('Order', body.admin_graphql_api_id) ?? gid('Order', body.id)]),
        // The customer's entry holds its orders list and figures (a new order is in neither yet).
        customerIds: defined([gid('Customer', customer?.admin_graphql_api_id) ?? gid('Customer', customer?.id)]),
        // A checkout may have just created the customer of the order's email: a cached "no customer" for it is wrong now.
        emails: topic === 'orders/create' ? defined([str(body.email), str(customer?.email)]) : [],
      };
    }
    case 'refunds/create':
      return { orderIds: defined([gid('Order', body.order_id)]) };
    case 'customers/create':
    case 'customers/update':
      return {
        customerIds: defined([gid('Customer', body.admin_graphql_api_id) ?? gid('Customer', body.id)]),
        // A new customer's (or a new) address may be indexed as "no customer" (or as someone else's): drop that too.
        emails: defined([str(body.email)]),
      };
  }
}
