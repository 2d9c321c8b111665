/** Customer fields, from the stored record and the orders it owns. */
import { displayName, orderSearch, sortOrders } from '../filters.js';
import { gid, type CustomerRec } from '../model.js';
import { paginate } from '../paging.js';
import { noteSearch, shopMoney, type ResolverMap } from './common.js';

export const customerResolvers: ResolverMap = {
  id: (c: CustomerRec) => gid('Customer', c.id),
  legacyResourceId: (c: CustomerRec) => String(c.id),
  firstName: (c: CustomerRec) => c.firstName,
  lastName: (c: CustomerRec) => c.lastName,
  displayName: (c: CustomerRec) => displayName(c),
  email: (c: CustomerRec) => c.email,
  phone: (c: CustomerRec) => c.phone,
  note: (c: CustomerRec) => c.note,
  tags: (c: CustomerRec) => c.tags,
  locale: (c: CustomerRec) => c.locale,
  createdAt: (c: CustomerRec) => c.createdAt,
  updatedAt: (c: CustomerRec) => c.updatedAt,
  canDelete: (c: CustomerRec) => c.orderIds.length === 0,
  taxExempt: () => false,
  defaultEmailAddress: (c: CustomerRec) =>
    c.email
      ? {
          emailAddress: c.email,
          // REDACTED customers have no address left, so the address-level enum never needs it
          marketingState: c.emailMarketing ?? 'NOT_SUBSCRIBED',
          marketingOptInLevel: c.emailMarketing === 'SUBSCRIBED' ? 'SINGLE_OPT_IN' : null,
          validFormat: true,
        }
      : null,
  defaultPhoneNumber: (c: CustomerRec) => (c.phone ? { phoneNumber: c.phone } : null),
  emailMarketingConsent: (c: CustomerRec) =>
    c.emailMarketing
      ? {
          marketingState: c.emailMarketing,
          marketingOptInLevel: c.emailMarketing === 'SUBSCRIBED' ? 'SINGLE_OPT_IN' : null,
          consentUpdatedAt: null,
        }
      : null,
  amountSpent: (c: CustomerRec, _a, ctx) => shopMoney(ctx.store.amountSpentMinor(c), ctx.store.shopCurrency),
  numberOfOrders: (c: CustomerRec) => String(c.orderIds.length),
  lastOrder: (c: CustomerRec, _a, ctx) => {
    const orders = ctx.store.ordersOf(c);
    return orders.reduce<(typeof orders)[number] | null>((last, o) => (!last || o.createdAt > last.createdAt ? o : last), null);
  },
  orders: (c: CustomerRec, args, ctx, info) => {
    const search = orderSearch(ctx.store, args.query);
    noteSearch(ctx, info, args.query, search.warnings);
    const list = ctx.store.ordersOf(c).filter((o) => search.test(o));
    return paginate(sortOrders(ctx.store, list, args.sortKey ?? 'ID'), args, (o) => o.id);
  },
};
