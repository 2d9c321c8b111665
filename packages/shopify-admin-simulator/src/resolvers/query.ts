/** QueryRoot: look-ups by id, identifier and search, plus `node`/`nodes` over every record type the store holds. */
import { customerSearch, draftOrderSearch, orderSearch, sortCustomers, sortDraftOrders, sortOrders } from '../filters.js';
import { gid, parseGid, type Currency } from '../model.js';
import { paginate } from '../paging.js';
import { ADMIN_API_VERSION } from 'shopify-admin-schema';
import { filterSubscriptions, subscriptionView } from '../webhook-subscriptions.js';
import type { Store } from '../store.js';
import { productView, variantView } from './children.js';
import { draftOfLine } from './draft-order.js';
import { noteSearch, type ResolverMap } from './common.js';

/** The record behind a GID, or null; the record carries its __typename for abstract fields. */
export function nodeById(store: Store, id: unknown): unknown {
  if (typeof id !== 'string') return null;
  const m = /^gid:\/\/shopify\/([A-Za-z]+)\/([^/?]+)/.exec(id);
  if (!m) return null;
  const [, type, raw] = m;
  const n = /^\d+$/.test(raw!) ? Number(raw) : NaN;
  switch (type) {
    case 'Customer':
      return store.customers.get(n) ?? null;
    case 'Order':
      return store.orders.get(n) ?? null;
    case 'LineItem':
      return store.orderOfLineItem(n)?.lineItems.find((li) => li.id === n) ?? null;
    case 'OrderTransaction':
      return store.transaction(n) ?? null;
    case 'Refund':
      return store.refund(n) ?? null;
    case 'Fulfillment':
      return store.fulfillment(n) ?? null;
    case 'Location':
      return store.locations.get(n) ?? null;
    case 'DiscountCodeNode':
      return store.discounts.get(n) ?? null;
    case 'Job':
      return store.jobs.get(id) ?? null;
    case 'DraftOrder':
      return store.draftOrders.get(n) ?? null;
    case 'DraftOrderLineItem':
      return draftOfLine(store, n)?.lineItems.find((l) => l.id === n) ?? null;
    case 'Product':
      return productView(store, n);
    case 'ProductVariant':
      return variantView(store, n, null);
    default:
      return null;
  }
}

const PRESENTMENT_ORDER: Currency[] = ['USD', 'CAD', 'EUR', 'GBP'];

/** The Shop object: the store's identity, currency and domain; fields it does not name answer null or empty. */
export function shopView(store: Store) {
  const domain = store.myshopifyDomain();
  // a host:port authority is the simulator itself, which only speaks plain http
  const local = /:\d+$/.test(domain);
  const url = `${local ? 'http' : 'https'}://${domain}`;
  const currency = store.shopCurrency;
  return {
    __typename: 'Shop',
    id: gid('Shop', 1 + store.shop.idOffset),
    name: store.shop.name,
    currencyCode: currency,
    // the shop's own currency first; for a USD shop this is the list the simulator always answered
    enabledPresentmentCurrencies: [currency, ...PRESENTMENT_ORDER.filter((c) => c !== currency)],
    ianaTimezone: 'UTC',
    timezoneAbbreviation: 'UTC',
    myshopifyDomain: domain,
    url,
    primaryDomain: {
      __typename: 'Domain',
      id: gid('Domain', 1 + store.shop.idOffset),
      host: domain.replace(/:\d+$/, ''),
      url,
      sslEnabled: !local,
    },
    orderNumberFormatPrefix: '#',
    orderNumberFormatSuffix: '',
    taxesIncluded: false,
  };
}

const count = (n: number, limit: number | null | undefined) => {
  const max = limit ?? Infinity;
  return { count: Math.min(n, max), precision: n > max ? 'AT_LEAST' : 'EXACT' };
};

export const queryResolvers: ResolverMap = {
  shop: (_s, _a, ctx) => shopView(ctx.store),
  customer: (_s, args, ctx) => ctx.store.customers.get(parseGid(args.id, 'Customer') ?? -1) ?? null,
  customerByIdentifier: (_s, args, ctx) => {
    const i = args.identifier as Record<string, string | undefined>;
    if (i.emailAddress != null) return ctx.store.customerByEmail(i.emailAddress) ?? null;
    if (i.phoneNumber != null) return ctx.store.customerByPhone(i.phoneNumber) ?? null;
    if (i.id != null) return ctx.store.customers.get(parseGid(i.id, 'Customer') ?? -1) ?? null;
    return null;
  },
  customers: (_s, args, ctx, info) => {
    const search = customerSearch(ctx.store, args.query);
    noteSearch(ctx, info, args.query, search.warnings);
    const list = [...ctx.store.customers.values()].filter((c) => search.test(c));
    return paginate(sortCustomers(list, args.sortKey ?? 'ID'), args, (c) => c.id);
  },
  customersCount: (_s, args, ctx) => {
    const search = customerSearch(ctx.store, args.query);
    let n = 0;
    for (const c of ctx.store.customers.values()) if (search.test(c)) n++;
    return count(n, args.limit);
  },
  order: (_s, args, ctx) => ctx.store.orders.get(parseGid(args.id, 'Order') ?? -1) ?? null,
  orderByIdentifier: (_s, args, ctx) => {
    const id = (args.identifier as { id?: string }).id;
    return id != null ? (ctx.store.orders.get(parseGid(id, 'Order') ?? -1) ?? null) : null;
  },
  orders: (_s, args, ctx, info) => {
    const search = orderSearch(ctx.store, args.query);
    noteSearch(ctx, info, args.query, search.warnings);
    const list = [...ctx.store.orders.values()].filter((o) => search.test(o));
    return paginate(sortOrders(ctx.store, list, args.sortKey ?? 'PROCESSED_AT'), args, (o) => o.id);
  },
  ordersCount: (_s, args, ctx) => {
    const search = orderSearch(ctx.store, args.query);
    let n = 0;
    for (const o of ctx.store.orders.values()) if (search.test(o)) n++;
    return count(n, args.limit);
  },
  draftOrder: (_s, args, ctx) => ctx.store.draftOrders.get(parseGid(args.id, 'DraftOrder') ?? -1) ?? null,
  draftOrders: (_s, args, ctx, info) => {
    const search = draftOrderSearch(args.query);
    noteSearch(ctx, info, args.query, search.warnings);
    const list = [...ctx.store.draftOrders.values()].filter((d) => search.test(d));
    return paginate(sortDraftOrders(ctx.store, list, args.sortKey ?? 'ID'), args, (d) => d.id);
  },
  draftOrdersCount: (_s, args, ctx) => {
    const search = draftOrderSearch(args.query);
    return count([...ctx.store.draftOrders.values()].filter((d) => search.test(d)).length, args.limit);
  },
  refund: (_s, args, ctx) => ctx.store.refund(parseGid(args.id, 'Refund') ?? -1) ?? null,
  location: (_s, args, ctx) => (args.id == null ? null : (ctx.store.locations.get(parseGid(args.id, 'Location') ?? -1) ?? null)),
  job: (_s, args, ctx) => ctx.store.jobs.get(String(args.id)) ?? null,
  codeDiscountNode: (_s, args, ctx) => ctx.store.discounts.get(parseGid(args.id, 'DiscountCodeNode') ?? -1) ?? null,
  codeDiscountNodeByCode: (_s, args, ctx) => ctx.store.discountByCode(String(args.code)) ?? null,
  webhookSubscription: (_s, args, ctx) => {
    const sub = ctx.store.webhookSubscriptions.get(parseGid(args.id, 'WebhookSubscription') ?? -1);
    return sub ? subscriptionView(sub, ADMIN_API_VERSION) : null;
  },
  webhookSubscriptions: (_s, args, ctx) => {
    const list = filterSubscriptions(ctx.store.webhookSubscriptions.list(), args);
    const page = paginate(args.sortKey === 'ID' ? [...list].sort((a, b) => a.id - b.id) : list, args, (s) => s.id);
    const view = (s: (typeof list)[number]) => subscriptionView(s, ADMIN_API_VERSION);
    return { ...page, nodes: page.nodes.map(view), edges: page.edges.map((e) => ({ ...e, node: view(e.node) })) };
  },
  node: (_s, args, ctx) => nodeById(ctx.store, args.id),
  nodes: (_s, args, ctx) => (args.ids as unknown[]).map((id) => nodeById(ctx.store, id)),
};
