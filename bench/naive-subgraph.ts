/**
 * The baseline: the same subgraph contract (schema.graphql) resolved the way an unbatched resolver does it — every
 * field of every profile sends its own Shopify request. shopifyCustomer, orders, products and shopifyLink each
 * look the profile's customer up by email (customerByIdentifier; one `customers(query:)` search when a profile
 * has several emails) with what that field needs. Fetched data is what the real subgraph fetches (same fragments,
 * same first page of 5 line items, same follow-ups for longer orders, one order at a time), and the answers go
 * through the same mappers, so the two subgraphs return the same data and only the way they ask Shopify differs.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLResolveInfo } from 'graphql';
import { readShopifySdl } from '../dev/compose.js';
import { normalizeEmails } from '../src/profile/linking-rules.js';
import { toCustomer, toLineItem, toOrder } from '../src/shopify/mappers.js';
import type { LineItemModel, OrderModel } from '../src/domain/model.js';
import { orderPlan, PRODUCTS_PLAN, selectedFieldNames } from '../src/profile/selection.js';
import type { FetchPlan } from '../src/domain/lookup.js';
import { LINE_ITEMS_FIRST, LINE_ITEMS_FOLLOW_UPS } from '../src/shopify/customers.js';
import { emailQuery } from '../src/shopify/search-syntax.js';
import { CUSTOMER_CARD, ORDER_LINE_ITEMS } from '../src/shopify/operations.js';
import { PROFILE_LINE_ITEM, PROFILE_ORDER } from '../src/shopify/order-fragment-operations.js';
import { ADMIN_API_VERSION } from '../src/shopify/schema.js';
import { parseStoreDomain, type StoreEndpoint } from '../src/shopify/transport.js';

/** One lookup of a profile's customer, in its two forms: by one email, or a search over several. */
function lookup(name: string, variables: string, body: string, fragments: string) {
  return {
    one: `query ${name}($email: String!${variables}) {\n  customer: customerByIdentifier(identifier: { emailAddress: $email }) { ${body} }\n}\n${fragments}`,
    any: `query ${name}Search($query: String!, $first: Int!${variables}) {\n  customers(first: $first, query: $query) { nodes { ${body} } }\n}\n${fragments}`,
  };
}

const ORDER_VARIABLES =
  ', $ordersFirst: Int!, $withLineItems: Boolean!, $lineItemsFirst: Int!, $withProductIds: Boolean!, $withTracking: Boolean!, $withLocation: Boolean!, $withShippingAddress: Boolean!';
const DOCS = {
  customer: lookup('NaiveCustomer', '', '...CustomerCard', CUSTOMER_CARD),
  orders: lookup(
    'NaiveOrders',
    ORDER_VARIABLES,
    'id defaultEmailAddress { emailAddress } orders(first: $ordersFirst, sortKey: CREATED_AT, reverse: true) { nodes { ...ProfileOrder } }',
    `${PROFILE_ORDER}\n${PROFILE_LINE_ITEM}`,
  ),
  products: lookup(
    'NaiveProducts',
    ', $ordersFirst: Int!, $lineItemsFirst: Int!, $withProductIds: Boolean!',
    'id defaultEmailAddress { emailAddress } orders(first: $ordersFirst, sortKey: CREATED_AT, reverse: true) { nodes { id lineItems(first: $lineItemsFirst) { nodes { ...ProfileLineItem } pageInfo { hasNextPage } } } }',
    PROFILE_LINE_ITEM,
  ),
  link: lookup('NaiveLink', '', 'id defaultEmailAddress { emailAddress }', ''),
};

interface Profile {
  id: string;
  emails?: readonly string[] | null;
}

type Node = { id: string; defaultEmailAddress?: { emailAddress: string } | null; [k: string]: any };

/** A Shopify client with nothing in front of it: one fetch per call, no batching, no budget, no cache. */
function naiveShopify(storeUrl: string, token: string) {
  const url = `${storeUrl.replace(/\/$/, '')}/admin/api/${ADMIN_API_VERSION}/graphql.json`;
  const request = async (query: string, variables: Record<string, unknown>): Promise<any> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json().catch(() => null)) as { data?: any; errors?: unknown } | null;
    if (!res.ok || !body?.data || body.errors) {
      throw new GraphQLError(`Shopify request failed (HTTP ${res.status})`, { extensions: { code: 'SHOPIFY_UNAVAILABLE' } });
    }
    return body.data;
  };

  /** The profile's customer with `doc`'s selection: the first of its emails that a customer has, else null. */
  const customerOf = async (profile: Profile, doc: { one: string; any: string }, variables: Record<string, unknown> = {}) => {
    const emails = normalizeEmails(profile.emails);
    if (emails.length === 0) return null;
    if (emails.length === 1) {
      const data = await request(doc.one, { email: emails[0], ...variables });
      return data.customer ? { node: data.customer as Node, matchedEmail: emails[0]! } : null;
    }
    const data = await request(doc.any, { query: emailQuery(emails), first: emails.length, ...variables });
    const nodes = data.customers.nodes as Node[];
    for (const email of emails) {
      const node = nodes.find((n) => n.defaultEmailAddress?.emailAddress.trim().toLowerCase() === email);
      if (node) return { node, matchedEmail: email };
    }
    return null;
  };

  /** Completes orders whose first page of line items was not all, one order per request, as an unbatched resolver would. */
  const completeLineItems = async (orders: Array<Pick<OrderModel, 'id' | 'products'>>, truncated: Set<string>) => {
    await Promise.all(
      orders
        .filter((o) => truncated.has(o.id))
        .map(async (order) => {
          for (const first of LINE_ITEMS_FOLLOW_UPS) {
            const data = await request(ORDER_LINE_ITEMS, { ids: [order.id], first, withProductIds: true });
            const node = data.nodes[0];
            order.products = node.lineItems.nodes.map((li: any) => toLineItem(li, order.id));
            if (!node.lineItems.pageInfo.hasNextPage) return;
          }
        }),
    );
  };

  /** The customer's orders with what `plan` asks (the orders field's own request). */
  const ordersOf = async (profile: Profile, plan: FetchPlan, endpoint: StoreEndpoint): Promise<OrderModel[]> => {
    const hit = await customerOf(profile, DOCS.orders, {
      ordersFirst: plan.ordersFirst,
      withLineItems: plan.lineItems,
      lineItemsFirst: LINE_ITEMS_FIRST,
      // A naive resolver asks every line item's product, selected or not.
      withProductIds: true,
      withTracking: plan.tracking,
      withLocation: plan.location,
      // The naive subgraph serves the card the benches ask, which never selects the address.
      withShippingAddress: false,
    });
    if (!hit) return [];
    const truncated = new Set<string>();
    const orders = (hit.node.orders.nodes as any[]).map((o) => {
      if (o.lineItems?.pageInfo.hasNextPage) truncated.add(o.id);
      return toOrder(o, endpoint);
    });
    await completeLineItems(orders, truncated);
    return orders;
  };

  /** The line items of the customer's 10 latest orders (the products field's own request). */
  const productsOf = async (profile: Profile): Promise<LineItemModel[]> => {
    const hit = await customerOf(profile, DOCS.products, {
      ordersFirst: PRODUCTS_PLAN.ordersFirst,
      lineItemsFirst: LINE_ITEMS_FIRST,
      withProductIds: true,
    });
    if (!hit) return [];
    const truncated = new Set<string>();
    const orders = (hit.node.orders.nodes as any[]).map((o) => {
      if (o.lineItems.pageInfo.hasNextPage) truncated.add(o.id);
      return { id: o.id as string, products: o.lineItems.nodes.map((li: any) => toLineItem(li, o.id)) as LineItemModel[] | null };
    });
    await completeLineItems(orders, truncated);
    return orders.flatMap((o) => o.products ?? []);
  };

  return { customerOf, ordersOf, productsOf };
}

/** The naive subgraph's schema: this subgraph's SDL with unbatched resolvers. */
export function naiveSchema(opts: { storeUrl: string; token: string }) {
  const endpoint = parseStoreDomain(opts.storeUrl);
  const shopify = naiveShopify(opts.storeUrl, opts.token);
  const notHere = () => {
    throw new GraphQLError('the naive bench subgraph only resolves CustomerProfile reads', { extensions: { code: 'NOT_IMPLEMENTED' } });
  };
  return buildSubgraphSchema({
    typeDefs: parse(readShopifySdl()),
    resolvers: {
      Query: { shopifyCustomerSearch: notHere },
      Mutation: {
        linkShopifyCustomer: notHere,
        unlinkShopifyCustomer: notHere,
        cancelOrder: notHere,
        refundOrder: notHere,
        createDiscount: notHere,
      },
      CustomerProfile: {
        __resolveReference: (ref: Profile) => ({ id: ref.id, emails: ref.emails }),
        shopifyCustomer: async (p: Profile) => {
          const hit = await shopify.customerOf(p, DOCS.customer);
          return hit ? toCustomer(hit.node as any, endpoint) : null;
        },
        orders: async (p: Profile, { limit }: { limit: number }, _ctx: unknown, info: GraphQLResolveInfo) =>
          (await shopify.ordersOf(p, orderPlan(limit, selectedFieldNames(info)), endpoint)).slice(0, limit),
        products: (p: Profile) => shopify.productsOf(p),
        shopifyLink: async (p: Profile) => {
          const hit = await shopify.customerOf(p, DOCS.link);
          return hit
            ? { customerId: hit.node.id, method: 'AUTO_EMAIL', matchedEmail: hit.matchedEmail, linkedAt: null, linkedBy: null }
            : null;
        },
      },
      ShopifyOrder: {
        products: (o: OrderModel) => o.products ?? [],
        agentActions: () => [],
      },
    } as never,
  });
}

/** A running naive subgraph. */
export interface NaiveSubgraph {
  url: string;
  close(): Promise<void>;
}

/** Starts the naive subgraph on a free loopback port, talking to the Shopify (simulator) at `storeUrl`. */
export async function startNaiveSubgraph(opts: { storeUrl: string; token: string }): Promise<NaiveSubgraph> {
  const server = new ApolloServer({ schema: naiveSchema(opts), plugins: [ApolloServerPluginInlineTraceDisabled()] });
  try {
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
    return { url, close: () => server.stop() };
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw error;
  }
}
