import { describe, expect, it } from 'vitest';
import { lineItemStatus, orderStatus, orderType, toCustomer, toOrder } from '../../src/shopify/mappers.js';
import type { CustomerCardFragment, ProfileOrderFragment } from '../../src/shopify/__generated__/admin.js';

const shop = { storeDomain: 'acme-goods.myshopify.com', protocol: 'https' as const };
const local = { storeDomain: '127.0.0.1:4100', protocol: 'http' as const };

describe('customer mapping', () => {
  const card: CustomerCardFragment = {
    id: 'gid://shopify/Customer/1000007',
    displayName: 'Ada Lovelace',
    note: '',
    tags: ['vip', 'wholesale'],
    createdAt: '2025-03-01T10:00:00Z',
    numberOfOrders: '12',
    defaultEmailAddress: { emailAddress: 'ada@example.com', marketingState: 'SUBSCRIBED' },
    defaultPhoneNumber: null,
    amountSpent: { amount: '1234.50', currencyCode: 'EUR' },
  };

  it('maps every field; accepts marketing only when SUBSCRIBED; admin link on admin.shopify.com', () => {
    expect(toCustomer(card, shop)).toEqual({
      id: 'gid://shopify/Customer/1000007',
      displayName: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: null,
      acceptsMarketing: true,
      createdAt: '2025-03-01T10:00:00Z',
      shopifyUrl: 'https://admin.shopify.com/store/acme-goods/customers/1000007',
      note: null,
      totalSpent: { amount: '1234.50', currencyCode: 'EUR' },
      totalOrders: 12,
      tags: ['vip', 'wholesale'],
    });
    for (const state of ['NOT_SUBSCRIBED', 'PENDING', 'UNSUBSCRIBED', 'INVALID'] as const) {
      expect(toCustomer({ ...card, defaultEmailAddress: { emailAddress: 'a@b.co', marketingState: state } }, shop).acceptsMarketing).toBe(
        false,
      );
    }
    expect(toCustomer({ ...card, defaultEmailAddress: null }, local)).toMatchObject({
      email: null,
      acceptsMarketing: false,
      shopifyUrl: 'http://127.0.0.1:4100/admin/customers/1000007',
    });
  });
});

describe('order mapping', () => {
  const order: ProfileOrderFragment = {
    id: 'gid://shopify/Order/5000042',
    name: '#1042',
    createdAt: '2026-10-01T09:30:00Z',
    cancelledAt: null,
    closed: false,
    customerAcceptsMarketing: true,
    note: 'Leave at the door',
    sourceName: 'pos',
    refundable: true,
    tags: ['vip', 'gift wrap'],
    displayFinancialStatus: 'PAID',
    displayFulfillmentStatus: 'FULFILLED',
    totalPriceSet: { shopMoney: { amount: '59.90', currencyCode: 'GBP' } },
    totalRefundedSet: { shopMoney: { amount: '0.00', currencyCode: 'GBP' } },
    fulfillments: [
      {
        trackingInfo: [
          { number: '1Z999', url: 'https://track.example/1Z999' },
          { number: 'X2', url: null },
        ],
      },
    ],
    retailLocation: { name: 'Camden Store', address: { country: 'United Kingdom' } },
    lineItems: {
      nodes: [
        {
          id: 'gid://shopify/LineItem/9001',
          name: 'Mug - Blue',
          quantity: 2,
          currentQuantity: 2,
          refundableQuantity: 2,
          unfulfilledQuantity: 0,
          sku: 'MUG-B',
          originalUnitPriceSet: { shopMoney: { amount: '29.95', currencyCode: 'GBP' } },
          image: { url: 'https://cdn.example/mug.png' },
          product: { id: 'gid://shopify/Product/77' },
        },
      ],
      pageInfo: { hasNextPage: false },
    },
  };

  it('maps every field, first tracking of the first fulfillment, POS location', () => {
    expect(toOrder(order, shop)).toEqual({
      id: 'gid://shopify/Order/5000042',
      orderNumber: '#1042',
      buyerAcceptsMarketing: true,
      type: 'Point of Sale',
      shopifyUrl: 'https://admin.shopify.com/store/acme-goods/orders/5000042',
      total: { amount: '59.90', currencyCode: 'GBP' },
      totalRefunded: { amount: '0.00', currencyCode: 'GBP' },
      firstTrackingNumber: '1Z999',
      firstTrackingUrl: 'https://track.example/1Z999',
      createdAt: '2026-10-01T09:30:00Z',
      status: 'Fulfilled',
      financialStatus: 'PAID',
      fulfillmentStatus: 'FULFILLED',
      cancelledAt: null,
      note: 'Leave at the door',
      locationName: 'Camden Store',
      locationCountry: 'United Kingdom',
      products: [
        {
          id: 'gid://shopify/LineItem/9001',
          orderId: 'gid://shopify/Order/5000042',
          productId: 'gid://shopify/Product/77',
          name: 'Mug - Blue',
          quantity: 2,
          sku: 'MUG-B',
          status: 'Fulfilled',
          unitPrice: { amount: '29.95', currencyCode: 'GBP' },
          imageUrl: 'https://cdn.example/mug.png',
          refundableQuantity: 2,
        },
      ],
      canCancel: false,
      refundable: true,
      tags: ['vip', 'gift wrap'],
      // shipped: its address can no longer change, its shipped units can be replaced
      canEditShippingAddress: false,
      canReplace: true,
    });
  });

  it('leaves unselected parts null: no fulfillments, location or line items fetched', () => {
    const { fulfillments: _f, retailLocation: _r, lineItems: _l, ...bare } = order;
    expect(toOrder(bare as ProfileOrderFragment, shop)).toMatchObject({
      firstTrackingNumber: null,
      locationName: null,
      locationCountry: null,
      products: null,
    });
  });

  it('only an order that is neither cancelled nor shipped can be cancelled', () => {
    expect(toOrder({ ...order, cancelledAt: '2026-10-02T00:00:00Z' }, shop)).toMatchObject({ status: 'Cancelled', canCancel: false });
    expect(toOrder({ ...order, displayFulfillmentStatus: 'UNFULFILLED' }, shop)).toMatchObject({ canCancel: true });
    expect(toOrder({ ...order, displayFulfillmentStatus: 'PARTIALLY_FULFILLED' }, shop)).toMatchObject({ canCancel: false });
    expect(toOrder({ ...order, displayFulfillmentStatus: 'IN_PROGRESS' }, shop)).toMatchObject({ canCancel: false });
  });
});

describe('readable words', () => {
  it('order status: cancellation, then money, then shipping', () => {
    expect(orderStatus('2026-01-01T00:00:00Z', 'REFUNDED', 'FULFILLED')).toBe('Cancelled');
    expect(orderStatus(null, 'REFUNDED', 'FULFILLED')).toBe('Refunded');
    expect(orderStatus(null, 'PARTIALLY_REFUNDED', 'FULFILLED')).toBe('Partially refunded');
    expect(orderStatus(null, 'PENDING', 'UNFULFILLED')).toBe('Pending payment');
    expect(orderStatus(null, 'PAID', 'UNFULFILLED')).toBe('Unfulfilled');
    expect(orderStatus(null, 'PAID', 'PARTIALLY_FULFILLED')).toBe('Partially fulfilled');
    expect(orderStatus(null, null, null)).toBe('Paid');
  });

  it('line item status from its quantities', () => {
    expect(lineItemStatus({ quantity: 3, currentQuantity: 0, unfulfilledQuantity: 0 })).toBe('Refunded');
    expect(lineItemStatus({ quantity: 3, currentQuantity: 1, unfulfilledQuantity: 1 })).toBe('Partially refunded');
    expect(lineItemStatus({ quantity: 3, currentQuantity: 3, unfulfilledQuantity: 0 })).toBe('Fulfilled');
    expect(lineItemStatus({ quantity: 3, currentQuantity: 3, unfulfilledQuantity: 1 })).toBe('Partially fulfilled');
    expect(lineItemStatus({ quantity: 3, currentQuantity: 3, unfulfilledQuantity: 3 })).toBe('Unfulfilled');
  });

  it('order type from the source name', () => {
    expect(orderType('web')).toBe('Online Store');
    expect(orderType('pos')).toBe('Point of Sale');
    expect(orderType('shopify_draft_order')).toBe('Draft Order');
    expect(orderType('1234567')).toBe('1234567');
    expect(orderType(null)).toBeNull();
  });
});
