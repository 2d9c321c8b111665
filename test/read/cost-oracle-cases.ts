/**
 * Every document the subgraph sends to Shopify, each with the variable sets it is really sent with (shapes taken from
 * src/shopify/customers.ts, customer-lookup.ts, order-actions.ts, order-edits.ts and discounts.ts), for the cost
 * cross-checks.
 */
import * as actionOperations from '../../src/shopify/action-operations.js';
import * as editOperations from '../../src/shopify/edit-operations.js';
import * as readOperations from '../../src/shopify/operations.js';

/** Every exported `query`/`mutation` document of the two operation modules, by export name. */
export function sentDocuments(): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of [readOperations, actionOperations, editOperations] as ReadonlyArray<Record<string, unknown>>) {
    for (const [name, value] of Object.entries(m)) {
      if (typeof value === 'string' && /^\s*#graphql[\s\S]*\b(query|mutation)\s+\w+/.test(value)) out.set(name, value);
    }
  }
  return out;
}

const gids = (kind: string, n: number) => Array.from({ length: n }, (_, i) => `gid://shopify/${kind}/${1000001 + i}`);
const emailQuery = (n: number) => Array.from({ length: n }, (_, i) => `email:"agent${i}@example.com"`).join(' OR ');

/** Profile batch variables as customers.ts builds them: ids by GID, emails by search, and what the plan selects. */
function profile(
  ids: number,
  emails: number,
  ordersFirst: number,
  extras: { lineItems?: boolean; productIds?: boolean; tracking?: boolean; location?: boolean; shippingAddress?: boolean } = {},
) {
  return {
    ids: gids('Customer', ids),
    byId: ids > 0,
    emailQuery: emailQuery(emails),
    emailCount: Math.max(1, emails),
    byEmail: emails > 0,
    withOrders: ordersFirst > 0,
    ordersFirst: Math.max(1, ordersFirst),
    withLineItems: !!extras.lineItems && ordersFirst > 0,
    lineItemsFirst: 5,
    withProductIds: !!extras.productIds && !!extras.lineItems && ordersFirst > 0,
    withTracking: !!extras.tracking,
    withLocation: !!extras.location,
    withShippingAddress: !!extras.shippingAddress && ordersFirst > 0,
  };
}

/** Case name → [export name of the document, variables]. */
export const CASES: Record<string, [string, Record<string, unknown>]> = {
  'profile: 25 linked cards, no orders': ['PROFILE_CUSTOMERS', profile(25, 0, 0)],
  'profile: 10 cards by email': ['PROFILE_CUSTOMERS', profile(0, 10, 0)],
  'profile: 3 linked + 2 by email, 5 orders': ['PROFILE_CUSTOMERS', profile(3, 2, 5)],
  'profile: 1 linked, full card (orders, line items, tracking, location)': [
    'PROFILE_CUSTOMERS',
    profile(1, 0, 5, { lineItems: true, tracking: true, location: true }),
  ],
  'profile: 1 by email, 10 orders, line items with product ids': [
    'PROFILE_CUSTOMERS',
    profile(0, 1, 10, { lineItems: true, productIds: true }),
  ],
  'profile: 2 by email, 10 orders with tracking': ['PROFILE_CUSTOMERS', profile(0, 2, 10, { tracking: true })],
  'profile: 2 linked, 10 orders with shipping addresses': ['PROFILE_CUSTOMERS', profile(2, 0, 10, { shippingAddress: true })],
  'line items of 4 orders, 20 each': ['ORDER_LINE_ITEMS', { ids: gids('Order', 4), first: 20, withProductIds: false }],
  'line items of 4 orders, 20 each, with product ids': ['ORDER_LINE_ITEMS', { ids: gids('Order', 4), first: 20, withProductIds: true }],
  'customer search, 10': ['CUSTOMER_SEARCH', { query: 'email:agent@example.com', first: 10 }],
  'customer by order name': ['CUSTOMER_BY_ORDER_NAME', { query: 'name:#1001' }],
  'customer by id': ['CUSTOMER_BY_ID', { id: 'gid://shopify/Customer/1000001' }],
  'shop currency': ['SHOP_CURRENCY', {}],
  'customer ids by 40 emails': ['CUSTOMER_IDS_BY_EMAIL', { query: emailQuery(40), first: 40, after: null }],
  'customer id by email address': ['CUSTOMER_ID_BY_EMAIL_ADDRESS', { email: 'agent"odd@example.com' }],
  'action order (payload)': [
    'ACTION_ORDER',
    {
      id: 'gid://shopify/Order/5001',
      withLineItems: true,
      lineItemsFirst: 5,
      withProductIds: true,
      withTracking: true,
      withLocation: true,
      withShippingAddress: false,
    },
  ],
  'action order (edit payload, with its shipping address)': [
    'ACTION_ORDER',
    {
      id: 'gid://shopify/Order/5001',
      withLineItems: true,
      lineItemsFirst: 5,
      withProductIds: true,
      withTracking: true,
      withLocation: true,
      withShippingAddress: true,
    },
  ],
  'action order check with line items': [
    'ACTION_ORDER_CHECK',
    { id: 'gid://shopify/Order/5001', withLineItems: true, lineItemsFirst: 100 },
  ],
  'action order check without line items': [
    'ACTION_ORDER_CHECK',
    { id: 'gid://shopify/Order/5001', withLineItems: false, lineItemsFirst: 100 },
  ],
  'suggested refund of 2 line items': [
    'ACTION_SUGGESTED_REFUND',
    {
      id: 'gid://shopify/Order/5001',
      refundLineItems: [
        { lineItemId: 'gid://shopify/LineItem/1', quantity: 1, restockType: 'NO_RESTOCK' },
        { lineItemId: 'gid://shopify/LineItem/2', quantity: 2, restockType: 'NO_RESTOCK' },
      ],
      refundShipping: false,
      shippingAmount: null,
      suggestFullRefund: false,
      allocation: 'ORIGINAL_PAYMENT_METHODS',
    },
  ],
  'refund create': [
    'ACTION_REFUND_CREATE',
    {
      input: {
        orderId: 'gid://shopify/Order/5001',
        transactions: [
          {
            parentId: 'gid://shopify/OrderTransaction/1',
            gateway: 'manual',
            kind: 'REFUND',
            amount: '10.00',
            orderId: 'gid://shopify/Order/5001',
          },
        ],
      },
      idempotencyKey: 'k-1',
    },
  ],
  'order cancel': [
    'ACTION_ORDER_CANCEL',
    {
      orderId: 'gid://shopify/Order/5001',
      reason: 'CUSTOMER',
      restock: true,
      refundMethod: { originalPaymentMethodsRefund: true },
      notifyCustomer: false,
      staffNote: null,
    },
  ],
  'order cancelled?': ['ACTION_ORDER_CANCELLED', { id: 'gid://shopify/Order/5001' }],
  'discount create': [
    'ACTION_DISCOUNT_CREATE',
    {
      discount: {
        title: 'Sorry',
        code: 'SORRY-1',
        startsAt: '2026-12-01T00:00:00Z',
        context: { customers: { add: ['gid://shopify/Customer/1000001'] } },
        customerGets: { value: { percentage: 0.15 }, items: { all: true } },
        usageLimit: 1,
      },
    },
  ],
  'discount by code': ['ACTION_DISCOUNT_BY_CODE', { code: 'SORRY-1' }],
  'action customer': ['ACTION_CUSTOMER', { id: 'gid://shopify/Customer/1000001' }],
  'edit order check': ['EDIT_ORDER_CHECK', { id: 'gid://shopify/Order/5001' }],
  'edit order note': ['EDIT_ORDER_NOTE', { id: 'gid://shopify/Order/5001', note: 'leave at the door' }],
  'edit shipping address': [
    'EDIT_SHIPPING_ADDRESS',
    {
      id: 'gid://shopify/Order/5001',
      address: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: null,
        address1: '500 Howard Street',
        address2: null,
        city: 'San Francisco',
        provinceCode: 'CA',
        zip: '94105',
        countryCode: 'US',
        phone: null,
      },
    },
  ],
  'edit tags add': ['EDIT_TAGS_ADD', { id: 'gid://shopify/Order/5001', tags: ['vip', 'escalated'] }],
  'edit tags remove': ['EDIT_TAGS_REMOVE', { id: 'gid://shopify/Order/5001', tags: ['needs-review'] }],
  'order shipping address': ['ORDER_SHIPPING_ADDRESS', { id: 'gid://shopify/Order/5001' }],
};
