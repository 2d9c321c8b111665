/**
 * One seeded order: its setting, lines, payment, fulfilment and any refund or cancellation. Each order draws from its
 * own PRNG (seeded by the plan), so the steps below must keep their order: reordering them changes the shop.
 */
import { applyCancel, CANCEL_REASONS } from './cancel.js';
import { catalogVariant } from './catalog.js';
import {
  isoTime,
  type CustomerRec,
  type Currency,
  type LineItemRec,
  type LocationRec,
  type OrderRec,
  type TransactionRec,
} from './model.js';
import { applyRefund, suggestRefund } from './refunds.js';
import * as D from './seed-data.js';
import { seededShippingAddress } from './seed-addresses.js';
import { DAY, mulberry32, pick, weighted, type Rng } from './seed-draws.js';
import type { Store } from './store.js';

/** An order to build: whose, from which country, when, and the seed of its own PRNG. */
export interface OrderPlan {
  customer: CustomerRec | null;
  country: D.CountryProfile;
  at: number;
  seed: number;
}

/** What the first draws of an order decide: currency, sales channel, till location and discount code. */
interface OrderSetting {
  rng: Rng;
  plan: OrderPlan;
  id: number;
  currency: Currency;
  channel: (typeof D.CHANNELS)[number];
  pos: boolean;
  location: LocationRec | null;
  discount: (typeof D.DISCOUNT_CODES)[number] | null;
}

type Scenario = 'paid' | 'capture' | 'authorized' | 'pending' | 'partial' | 'refunded' | 'cancelled';

/**
 * One seeded order. The steps draw from the order's own PRNG in a fixed sequence (setting, lines, order fields,
 * payment, fulfilment, refund or cancel), so their order here is part of the seed: reordering them changes the shop.
 */
export function buildOrder(store: Store, plan: OrderPlan): void {
  const setting = orderSetting(store, plan);
  const order = newOrder(store, setting, seededLineItems(store, setting));
  const scenario = recordPayment(store, setting, order);
  if (scenario.paid && scenario.name !== 'cancelled') fulfilOrder(store, setting, order, scenario.name);
  store.addOrder(order);
  settleOrder(store, setting, order, scenario.name);
}

function orderSetting(store: Store, plan: OrderPlan): OrderSetting {
  const rng = mulberry32(plan.seed);
  const id = store.nextId('order');
  // most customers pay in their own country's currency, the rest in the shop's
  const currency: Currency = rng() < 0.85 ? plan.country.currency : store.shopCurrency;
  const channel = weighted(
    rng,
    D.CHANNELS,
    D.CHANNELS.map((c) => c.weight),
  );
  const pos = channel.sourceName === 'pos';
  const location = pos
    ? ([...store.locations.values()].find((l) => l.address.countryCode === plan.country.code) ?? pick(rng, [...store.locations.values()]))
    : null;
  const discount = !pos && rng() < 0.15 ? pick(rng, D.DISCOUNT_CODES) : null;
  return { rng, plan, id, currency, channel, pos, location, discount };
}

/** One to five distinct regular products, sometimes a gift card, each with a variant, quantity and discount. */
function seededLineItems(store: Store, { rng, currency, pos, discount }: OrderSetting): LineItemRec[] {
  const lineCount = weighted(rng, [1, 2, 3, 4, 5], [35, 30, 20, 10, 5]);
  const products = new Set<number>();
  const regular = D.PRODUCTS.map((p, i) => (p.giftCard ? -1 : i)).filter((i) => i >= 0);
  while (products.size < lineCount) products.add(pick(rng, regular));
  if (rng() < 0.06) products.add(D.PRODUCTS.findIndex((p) => p.giftCard));
  return [...products].map((p) => {
    const def = D.PRODUCTS[p]!;
    const v = Math.floor(rng() * def.variants.length);
    const variant = catalogVariant(store, store.firstId('variant') + p * 10 + v, currency)!;
    const unit = variant.unitMinor;
    const off = discount && !def.giftCard ? Math.round((unit * discount.percent) / 100) : 0;
    return {
      __typename: 'LineItem',
      id: store.nextId('lineItem'),
      title: variant.title,
      variantTitle: variant.variantTitle,
      sku: variant.sku,
      vendor: variant.vendor,
      quantity: def.giftCard ? 1 : weighted(rng, [1, 2, 3], [75, 18, 7]),
      unitMinor: unit,
      discountedUnitMinor: unit - off,
      imageUrl: variant.imageUrl,
      productId: variant.productId,
      variantId: variant.variantId,
      giftCard: variant.giftCard,
      requiresShipping: !def.giftCard && !pos,
    };
  });
}

/** The order record before any payment: numbering, shipping (free from 150.00), address, note and tags. */
function newOrder(
  store: Store,
  { rng, plan, id, currency, channel, location, discount }: OrderSetting,
  lineItems: LineItemRec[],
): OrderRec {
  // every shop numbers its own orders from #1001, whatever its ids
  const number = 1001 + (id - store.firstId('order'));
  const subtotal = lineItems.reduce((s, li) => s + li.discountedUnitMinor * li.quantity, 0);
  const ships = lineItems.some((li) => li.requiresShipping);
  const shipping = !ships || subtotal >= 15000 ? 0 : pick(rng, [500, 995, 1495]);
  const created = isoTime(plan.at);
  return {
    __typename: 'Order',
    id,
    number,
    name: `#${number}`,
    customerId: plan.customer?.id ?? null,
    email: plan.customer?.email ?? null,
    currency,
    createdAt: created,
    updatedAt: created,
    sourceName: channel.sourceName,
    channel: channel.channel,
    locationId: location?.id ?? null,
    note: rng() < 0.1 ? pick(rng, D.ORDER_NOTES) : null,
    tags: rng() < 0.15 ? [pick(rng, D.ORDER_TAGS)] : [],
    customerAcceptsMarketing: plan.customer?.emailMarketing === 'SUBSCRIBED',
    closedAt: null,
    cancelledAt: null,
    cancelReason: null,
    staffNote: null,
    discountCode: discount?.code ?? null,
    // POS sales and gift-card-only orders ship nothing, so they have no shipping address
    shippingAddress: ships ? seededShippingAddress(store, plan) : null,
    phone: null,
    poNumber: null,
    customAttributes: [],
    lineItems,
    shippingMinor: shipping,
    shippingTitle: ships ? (shipping === 0 ? 'Free shipping' : shipping > 1000 ? 'Express' : 'Standard') : null,
    transactions: [],
    refunds: [],
    fulfillments: [],
  };
}

/** Returns a recorder that appends a transaction, dated at the order's creation, to the order. */
function transactionRecorder(store: Store, order: OrderRec) {
  return (
    kind: TransactionRec['kind'],
    status: TransactionRec['status'],
    gateway: string,
    amountMinor: number,
    parentId: number | null = null,
  ): TransactionRec => {
    const t: TransactionRec = {
      __typename: 'OrderTransaction',
      id: store.nextId('transaction'),
      orderId: order.id,
      kind,
      status,
      gateway,
      amountMinor,
      parentId,
      createdAt: order.createdAt,
    };
    order.transactions.push(t);
    return t;
  };
}

/** Draws the order's scenario and records the payment it implies; an order is paid unless pending or only authorized. */
function recordPayment(store: Store, { rng, plan, channel, pos }: OrderSetting, order: OrderRec): { name: Scenario; paid: boolean } {
  const total = order.lineItems.reduce((s, li) => s + li.discountedUnitMinor * li.quantity, 0) + order.shippingMinor;
  const age = D.REFERENCE_DATE - plan.at;
  const txn = transactionRecorder(store, order);
  const draft = channel.sourceName === 'shopify_draft_order';
  const scenario: Scenario = draft
    ? rng() < 0.5
      ? 'pending'
      : 'paid'
    : weighted(rng, ['paid', 'capture', 'authorized', 'pending', 'partial', 'refunded', 'cancelled'] as const, [
        66,
        8,
        age < 7 * DAY ? 30 : 2,
        3,
        9,
        5,
        5,
      ]);
  const gateway = draft ? 'manual' : pos ? (rng() < 0.3 ? 'cash' : 'shopify_payments') : rng() < 0.8 ? 'shopify_payments' : 'paypal';
  if (scenario === 'pending') {
    txn('SALE', 'PENDING', draft ? 'manual' : 'bank_deposit', total);
    return { name: scenario, paid: false };
  }
  if (scenario === 'authorized') {
    txn('AUTHORIZATION', 'SUCCESS', 'shopify_payments', total);
    return { name: scenario, paid: false };
  }
  if (scenario === 'capture') {
    const auth = txn('AUTHORIZATION', 'SUCCESS', 'shopify_payments', total);
    txn('CAPTURE', 'SUCCESS', 'shopify_payments', total, auth.id);
  } else if (!pos && !draft && rng() < 0.07 && total > 2500) {
    // part paid with a gift card, the rest by card
    txn('SALE', 'SUCCESS', 'gift_card', 2500);
    txn('SALE', 'SUCCESS', gateway, total - 2500);
  } else {
    txn('SALE', 'SUCCESS', gateway, total);
  }
  return { name: scenario, paid: true };
}

/** POS sales leave fulfilled; online orders older than three days mostly shipped, some partly, with tracking. */
function fulfilOrder(store: Store, { rng, plan, pos }: OrderSetting, order: OrderRec, scenario: Scenario): void {
  const age = D.REFERENCE_DATE - plan.at;
  if (!(pos || (age > 3 * DAY && rng() < 0.92))) return;
  const lineItems = order.lineItems;
  const partial = !pos && lineItems.length > 1 && rng() < 0.08;
  const lines = (partial ? lineItems.slice(0, -1) : lineItems).map((li) => ({ lineItemId: li.id, quantity: li.quantity }));
  const trackingCount = pos ? 0 : weighted(rng, [0, 1, 2, 3], [15, 60, 18, 7]);
  const carrier = pick(rng, D.CARRIERS);
  const tracking = Array.from({ length: trackingCount }, () => {
    const digits = String(Math.floor(rng() * 1e10)).padStart(10, '0') + String(Math.floor(rng() * 1e6)).padStart(6, '0');
    const n = carrier.number(digits);
    return { number: n, url: carrier.url(n), company: carrier.company };
  });
  const fulfilledAt = pos ? plan.at : Math.min(D.REFERENCE_DATE, plan.at + Math.floor((1 + rng() * 3) * DAY));
  order.fulfillments.push({
    __typename: 'Fulfillment',
    id: store.nextId('fulfillment'),
    orderId: order.id,
    name: `${order.name}-F1`,
    status: 'SUCCESS',
    displayStatus: pos || tracking.length === 0 ? 'FULFILLED' : D.REFERENCE_DATE - fulfilledAt > 7 * DAY ? 'DELIVERED' : 'IN_TRANSIT',
    createdAt: isoTime(fulfilledAt),
    tracking,
    lines,
  });
  order.updatedAt = isoTime(fulfilledAt);
  if (!partial && age > 30 * DAY && scenario === 'paid') order.closedAt = isoTime(Math.min(D.REFERENCE_DATE, fulfilledAt + 14 * DAY));
}

/** Partial and full refunds and cancellations go through the simulator's own mutation rules, days after the order. */
function settleOrder(store: Store, { rng, plan }: OrderSetting, order: OrderRec, scenario: Scenario): void {
  const later = isoTime(Math.min(D.REFERENCE_DATE - 60_000, plan.at + Math.floor((2 + rng() * 18) * DAY)));
  const restock = order.fulfillments.length ? ('RETURN' as const) : ('NO_RESTOCK' as const);
  const refundOf = (s: ReturnType<typeof suggestRefund>) => ({
    lines: s.lines.map((l) => ({ lineItemId: l.lineItemId, quantity: l.quantity, restockType: restock })),
    transactions: s.transactions.map((t) => ({
      parentId: t.parent.id,
      gateway: t.parent.gateway,
      kind: 'REFUND' as const,
      amountMinor: t.amountMinor,
    })),
  });
  if (scenario === 'partial') {
    const li = pick(rng, order.lineItems);
    const s = suggestRefund(order, { lines: [{ lineItemId: li.id, quantity: 1, restockType: restock }] });
    const note = rng() < 0.5 ? 'Customer return' : null;
    const { lines, transactions } = refundOf(s);
    applyRefund(store, order, { note, lines, transactions }, later);
  } else if (scenario === 'refunded') {
    const s = suggestRefund(order, { full: true });
    const { lines, transactions } = refundOf(s);
    applyRefund(store, order, { note: 'Refunded in full', lines, shippingMinor: s.shippingMinor, transactions }, later);
  } else if (scenario === 'cancelled') {
    applyCancel(
      store,
      order,
      {
        reason: pick(rng, CANCEL_REASONS),
        restock: rng() < 0.7,
        refundTo: 'original',
        staffNote: rng() < 0.3 ? 'Customer asked to cancel by phone' : null,
      },
      isoTime(Math.min(D.REFERENCE_DATE - 60_000, plan.at + 3_600_000)),
    );
  }
}
