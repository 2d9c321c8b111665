/**
 * Single customers for an agent's hand: the check that a manual link points at a real customer, and the search an
 * agent links from. Shopify documents and shapes stop here; callers get domain models and decide what to ask.
 */
import type { CustomerModel } from '../domain/model.js';
import type { ShopifyClient } from './client.js';
import { toCustomer } from './mappers.js';
import { CUSTOMER_BY_ID, CUSTOMER_BY_ORDER_NAME, CUSTOMER_SEARCH } from './operations.js';
import { request } from './typed-request.js';

/** The customer with this GID, or null when Shopify has none. */
export async function customerById(client: ShopifyClient, id: string): Promise<CustomerModel | null> {
  const variables = { id };
  const { data } = await request(client, CUSTOMER_BY_ID, variables);
  return data.customer ? toCustomer(data.customer, client.endpoint) : null;
}

/** The first `first` customers matching a Shopify customer search query (already in Shopify's search syntax). */
export async function searchCustomers(client: ShopifyClient, query: string, first: number): Promise<CustomerModel[]> {
  const variables = { query, first };
  const { data } = await request(client, CUSTOMER_SEARCH, variables);
  return data.customers.nodes.map((c) => toCustomer(c, client.endpoint));
}

/** The customer of the first order matching an order search query (`name:"#1001"`); empty for a guest order or none. */
export async function customerByOrderName(client: ShopifyClient, query: string): Promise<CustomerModel[]> {
  const variables = { query };
  const { data } = await request(client, CUSTOMER_BY_ORDER_NAME, variables);
  return data.orders.nodes.flatMap((o) => (o.customer ? [toCustomer(o.customer, client.endpoint)] : []));
}
