/**
 * Orders placed now. `registerOrder` is the one way a live order comes into being (the control API's POST
 * /__simulator/orders and draftOrderComplete both use it), so every new order is numbered, indexed, paid and announced
 * alike: it emits orders/create (and customers/update, since the customer's order count and amount spent changed), so
 * tests and benchmarks can watch a new order reach a cached card.
 */
import type { MailingAddressRec } from './addresses.js';
import { isoTime, type AttributeRec, type ChannelRec, type Currency, type LineItemRec, type OrderRec } from './model.js';
import type { Store } from './store.js';

export interface NewOrderInput {
  customerId: number;
  /** default: one "Simulator test item" at 10.00 */
  lineItems?: Array<{ title: string; quantity: number; price: number }>;
  note?: string | null;
}

/** Everything a new order is made of; ids, number and dates are given by registerOrder. */
export interface OrderSpec {
  customerId: number | null;
  email: string | null;
  currency: Currency;
  sourceName: string;
  channel: ChannelRec | null;
  lineItems: Array<Omit<LineItemRec, '__typename' | 'id'>>;
  note: string | null;
  tags: string[];
  shippingAddress: Omit<MailingAddressRec, 'id'> | null;
  phone: string | null;
  poNumber: string | null;
  customAttributes: AttributeRec[];
  shippingMinor: number;
  shippingTitle: string | null;
  /** the gateway of one successful SALE of the whole total; null records no payment (pending, or nothing due) */
  paidThrough: string | null;
}

/** Creates, registers and announces an order placed now. */
export function registerOrder(store: Store, spec: OrderSpec): OrderRec {
  const now = isoTime(Date.now());
  const id = store.nextId('order');
  // every shop numbers its own orders from #1001, whatever its ids
  const number = 1001 + (id - store.firstId('order'));
  const lineItems: LineItemRec[] = spec.lineItems.map((l) => ({ __typename: 'LineItem', id: store.nextId('lineItem'), ...l }));
  const customer = spec.customerId != null ? store.customers.get(spec.customerId) : undefined;
  const order: OrderRec = {
    __typename: 'Order',
    id,
    number,
    name: `#${number}`,
    customerId: customer?.id ?? null,
    email: spec.email,
    currency: spec.currency,
    createdAt: now,
    updatedAt: now,
    sourceName: spec.sourceName,
    channel: spec.channel,
    locationId: null,
    note: spec.note,
    tags: spec.tags,
    customerAcceptsMarketing: customer?.emailMarketing === 'SUBSCRIBED',
    closedAt: null,
    cancelledAt: null,
    cancelReason: null,
    staffNote: null,
    discountCode: null,
    shippingAddress: spec.shippingAddress ? { id: store.nextId('mailingAddress'), ...spec.shippingAddress } : null,
    phone: spec.phone,
    poNumber: spec.poNumber,
    customAttributes: spec.customAttributes,
    lineItems,
    shippingMinor: spec.shippingMinor,
    shippingTitle: spec.shippingTitle,
    transactions: [],
    refunds: [],
    fulfillments: [],
  };
  const total = lineItems.reduce((s, li) => s + li.discountedUnitMinor * li.quantity, 0) + spec.shippingMinor;
  if (spec.paidThrough && total > 0) {
    order.transactions.push({
      __typename: 'OrderTransaction',
      id: store.nextId('transaction'),
      orderId: id,
      kind: 'SALE',
      status: 'SUCCESS',
      gateway: spec.paidThrough,
      amountMinor: total,
      parentId: null,
      createdAt: now,
    });
  }
  store.addOrder(order);
  store.emit('orders/create', order.id);
  store.touchCustomer(order.customerId, now);
  return order;
}

/**
 * An order for an existing customer as a shop's checkout would create it: paid in full by card, unfulfilled, in the
 * shop's currency. Null when the customer does not exist.
 */
export function placeOrder(store: Store, input: NewOrderInput): OrderRec | null {
  const customer = store.customers.get(input.customerId);
  if (!customer) return null;
  const lines = input.lineItems?.length ? input.lineItems : [{ title: 'Simulator test item', quantity: 1, price: 10 }];
  return registerOrder(store, {
    customerId: customer.id,
    email: customer.email,
    currency: store.shopCurrency,
    sourceName: 'web',
    channel: { handle: 'online_store', name: 'Online Store' },
    lineItems: lines.map((l) => {
      const unitMinor = Math.round(l.price * 100);
      return {
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
    }),
    note: input.note ?? null,
    tags: [],
    shippingAddress: null,
    phone: null,
    poNumber: null,
    customAttributes: [],
    shippingMinor: 0,
    shippingTitle: 'Free shipping',
    paidThrough: 'shopify_payments',
  });
}
