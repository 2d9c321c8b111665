/**
 * An order placed now for an existing customer (control API: POST /__simulator/orders), as a shop's checkout would
 * create it: paid in full by card, unfulfilled, in the shop's currency. It emits orders/create (and customers/update,
 * since the customer's order count and amount spent changed), so tests and benchmarks can watch a new order reach
 * a cached card.
 */
import { isoTime, type LineItemRec, type OrderRec } from './model.js';
import type { Store } from './store.js';

export interface NewOrderInput {
  customerId: number;
  /** default: one "Simulator test item" at 10.00 */
  lineItems?: Array<{ title: string; quantity: number; price: number }>;
  note?: string | null;
}

/** Creates and registers the order; null when the customer does not exist. */
export function placeOrder(store: Store, input: NewOrderInput): OrderRec | null {
  const customer = store.customers.get(input.customerId);
  if (!customer) return null;
  const now = isoTime(Date.now());
  const lines = input.lineItems?.length ? input.lineItems : [{ title: 'Simulator test item', quantity: 1, price: 10 }];
  const lineItems: LineItemRec[] = lines.map((l) => {
    const unitMinor = Math.round(l.price * 100);
    return {
      __typename: 'LineItem',
      id: store.nextId('lineItem'),
      title: l.title,
      variantTitle: null,
      sku: null,
      vendor: store.shop.name,
      quantity: l.quantity,
      unitMinor,
      discountedUnitMinor: unitMinor,
      imageUrl: null,
      productId: null,
      variantId: null,
      giftCard: false,
      requiresShipping: true,
    };
  });
  const id = store.nextId('order');
  const number = 1001 + (id - store.firstId('order'));
  const total = lineItems.reduce((s, li) => s + li.unitMinor * li.quantity, 0);
  const order: OrderRec = {
    __typename: 'Order',
    id,
    number,
    name: `#${number}`,
    customerId: customer.id,
    email: customer.email,
    currency: store.shopCurrency,
    createdAt: now,
    updatedAt: now,
    sourceName: 'web',
    channel: { handle: 'online_store', name: 'Online Store' },
    locationId: null,
    note: input.note ?? null,
    tags: [],
    customerAcceptsMarketing: customer.emailMarketing === 'SUBSCRIBED',
    closedAt: null,
    cancelledAt: null,
    cancelReason: null,
    staffNote: null,
    discountCode: null,
    shippingAddress: null,
    phone: null,
    poNumber: null,
    customAttributes: [],
    lineItems,
    shippingMinor: 0,
    shippingTitle: 'Free shipping',
    transactions: [],
    refunds: [],
    fulfillments: [],
  };
  order.transactions.push({
    __typename: 'OrderTransaction',
    id: store.nextId('transaction'),
    orderId: id,
    kind: 'SALE',
    status: 'SUCCESS',
    gateway: 'shopify_payments',
    amountMinor: total,
    parentId: null,
    createdAt: now,
  });
  store.addOrder(order);
  store.emit('orders/create', order.id);
  store.touchCustomer(customer.id, now);
  return order;
}
