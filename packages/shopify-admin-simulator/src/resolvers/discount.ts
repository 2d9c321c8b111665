/** DiscountCodeNode and the DiscountCodeBasic behind it, from the stored discount. */
import { discountStatus, discountSummary } from '../discounts.js';
import { gid } from '../model.js';
import { paginate } from '../paging.js';
import type { DiscountRec, Store } from '../store.js';
import { shopMoney, type ResolverMap } from './common.js';

export const discountNodeResolvers: ResolverMap = {
  id: (d: DiscountRec) => gid('DiscountCodeNode', d.id),
  codeDiscount: (d: DiscountRec, _a, ctx) => basicView(ctx.store, d),
};

function basicView(store: Store, d: DiscountRec) {
  const customers = d.customerIds
    ? { __typename: 'DiscountCustomers', customers: d.customerIds.map((id) => store.customers.get(id)).filter(Boolean) }
    : null;
  const summary = discountSummary(d, store.shopCurrency);
  return {
    __typename: 'DiscountCodeBasic',
    title: d.title,
    status: discountStatus(d),
    summary,
    shortSummary: summary.split(' • ')[0],
    startsAt: d.startsAt,
    endsAt: d.endsAt,
    createdAt: d.createdAt,
    updatedAt: d.createdAt,
    usageLimit: d.usageLimit,
    appliesOncePerCustomer: d.appliesOncePerCustomer,
    asyncUsageCount: 0,
    hasTimelineComment: false,
    tags: [],
    recurringCycleLimit: null,
    minimumRequirement: null,
    discountClass: 'ORDER',
    discountClasses: ['ORDER'],
    combinesWith: d.combinesWith,
    codesCount: { count: 1, precision: 'EXACT' },
    codes: (args: Record<string, unknown>) =>
      paginate(
        [{ __typename: 'DiscountRedeemCode', id: gid('DiscountRedeemCode', d.codeId), code: d.code, asyncUsageCount: 0 }],
        args,
        (c) => c.id,
      ),
    customerGets: {
      appliesOnOneTimePurchase: true,
      appliesOnSubscription: false,
      items: { __typename: 'AllDiscountItems', allItems: true },
      value:
        d.value.type === 'percentage'
          ? { __typename: 'DiscountPercentage', percentage: d.value.percentage }
          : {
              __typename: 'DiscountAmount',
              amount: shopMoney(d.value.amountMinor, store.shopCurrency),
              appliesOnEachItem: d.value.appliesOnEachItem,
            },
    },
    customerSelection: customers ?? { __typename: 'DiscountCustomerAll', allCustomers: true },
    context: customers ?? { __typename: 'DiscountBuyerSelectionAll', all: 'ALL' },
  };
}
