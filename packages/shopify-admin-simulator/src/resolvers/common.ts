/**
 * What every resolver shares: the per-request context, the resolver signature, and the money shapes. A resolver
 * map exists for each record-backed type; fields a map does not name resolve to null or empty (never made up).
 */
import type { GraphQLResolveInfo } from 'graphql';
import { fmt, toShop, type Currency, type OrderRec } from '../model.js';
import type { Store } from '../store.js';

export interface SimContext {
  store: Store;
  /** how long an orderCancel job waits before it cancels */
  jobDelayMs: number;
  /** `extensions.search` entries: unknown search fields, as Shopify reports them */
  search: Array<{ path: Array<string | number>; query: string; warnings: Array<{ field: string; message: string; code: string }> }>;
}

export type Resolver = (source: any, args: any, ctx: SimContext, info: GraphQLResolveInfo) => unknown;
export type ResolverMap = Record<string, Resolver>;

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: MoneyV2;
  presentmentMoney: MoneyV2;
}

/** MoneyV2 in the shop's currency. */
export function shopMoney(minor: number, shop: Currency): MoneyV2 {
  return { amount: fmt(minor), currencyCode: shop };
}

/** MoneyBag for an amount held in a presentment currency, with shopMoney converted to the shop's currency. */
export function bag(minor: number, currency: Currency, shop: Currency): MoneyBag {
  return { shopMoney: shopMoney(toShop(minor, currency, shop), shop), presentmentMoney: { amount: fmt(minor), currencyCode: currency } };
}

/** MoneyBag for an amount of an order (held in its presentment currency) in this request's store. */
export function orderMoney(ctx: SimContext, order: OrderRec, minor: number): MoneyBag {
  return bag(minor, order.currency, ctx.store.shopCurrency);
}

/** Shopify's display name of a payment gateway. */
export function formattedGateway(gateway: string): string {
  const known: Record<string, string> = {
    shopify_payments: 'Shopify Payments',
    paypal: 'PayPal Express Checkout',
    gift_card: 'Gift card',
    cash: 'Cash',
    manual: 'Manual',
    bank_deposit: 'Bank Deposit',
    shopify_store_credit: 'Store credit',
  };
  return known[gateway] ?? gateway;
}

/** Records search warnings for the response's `extensions.search`. */
export function noteSearch(
  ctx: SimContext,
  info: GraphQLResolveInfo,
  query: string | null | undefined,
  warnings: Array<{ field: string; message: string }>,
): void {
  if (!query || warnings.length === 0) return;
  const path: Array<string | number> = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) path.unshift(p.key);
  ctx.search.push({ path, query, warnings: warnings.map((w) => ({ ...w, code: 'invalid_field' })) });
}
