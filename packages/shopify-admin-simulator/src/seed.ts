/**
 * Deterministic seed: the same seed number always gives the same shop (ids, names, dates, money), because every
 * draw comes from one small PRNG and no date is read from the clock. Refunds and cancellations in the seed go
 * through the same rules as the mutations, so seeded and live state can never disagree.
 */
import { applyCancel, CANCEL_REASONS } from './cancel.js';
import {
  isoTime,
  RATES,
  type CustomerRec,
  type Currency,
  type EmailMarketingState,
  type LineItemRec,
  type LocationRec,
  type OrderRec,
  type TransactionRec,
} from './model.js';
import { applyRefund, suggestRefund } from './refunds.js';
import * as D from './seed-data.js';
import { Store } from './store.js';

export interface SeedOptions {
  /** PRNG seed; default 1 */
  seed?: number;
  /** number of customers; default 500 */
  customers?: number;
}

export type Rng = () => number;

/** mulberry32: tiny, fast, good enough for test data; returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const THREE_YEARS = 3 * 365 * DAY;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const weighted = <T>(rng: Rng, list: readonly T[], weights: readonly number[]): T => {
  let r = rng() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < list.length; i++) if ((r -= weights[i]!) < 0) return list[i]!;
  return list[list.length - 1]!;
};
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

const STATES: EmailMarketingState[] = ['SUBSCRIBED', 'NOT_SUBSCRIBED', 'PENDING', 'UNSUBSCRIBED', 'REDACTED', 'INVALID'];

interface OrderPlan {
  customer: CustomerRec | null;
  country: D.CountryProfile;
  at: number;
  seed: number;
}

/** Builds a fresh store from a seed. */
export function seedStore(options: SeedOptions = {}): Store {
  const seed = options.seed ?? 1;
  const count = Math.max(0, Math.floor(options.customers ?? 500));
  const rng = mulberry32(seed);
  const store = new Store();
  for (const l of D.LOCATIONS) {
    const { name, ...address } = l;
    store.locations.set(store.nextId('location'), { __typename: 'Location', id: 0, name, address });
  }
  for (const [id, loc] of store.locations) loc.id = id;

  const emails = new Set<string>();
  const phones = new Set<string>();
  const plans: OrderPlan[] = [];
  for (let i = 0; i < count; i++) {
    const country = weighted(rng, D.COUNTRIES, D.COUNTRY_WEIGHTS);
    const anonymous = rng() < 0.03;
    const firstName = anonymous ? null : pick(rng, D.FIRST_NAMES);
    const lastName = anonymous ? null : pick(rng, D.LAST_NAMES);
    // the first six customers cover every consent state, so even a tiny seed has them all
    const state: EmailMarketingState =
      i < STATES.length
        ? STATES[i]!
        : rng() < 0.02
          ? 'REDACTED'
          : weighted(rng, ['SUBSCRIBED', 'NOT_SUBSCRIBED', 'PENDING', 'UNSUBSCRIBED', 'INVALID'] as const, [35, 35, 8, 14, 8]);
    const noEmail = state === 'REDACTED' || (i >= STATES.length && (i % 25 === 7 || rng() < 0.04));
    let email: string | null = null;
    if (!noEmail) {
      const local = firstName ? `${ascii(firstName)}.${ascii(lastName!)}` : `customer${i + 1}`;
      const domain = pick(rng, D.EMAIL_DOMAINS);
      email = `${local}@${domain}`;
      if (emails.has(email)) email = `${local}${i + 1}@${domain}`;
      emails.add(email);
    }
    let phone: string | null = null;
    if (rng() < (email ? 0.55 : 0.8)) {
      const n = String(Math.floor(rng() * 10 ** country.phoneDigits)).padStart(country.phoneDigits, '0');
      if (!phones.has(country.phonePrefix + n)) phones.add((phone = country.phonePrefix + n));
    }
    const createdMs = D.REFERENCE_DATE - Math.floor(rng() * THREE_YEARS);
    const customer: CustomerRec = {
      __typename: 'Customer',
      id: store.nextId('customer'),
      firstName,
      lastName,
      email,
      phone,
      emailMarketing: email || state === 'REDACTED' ? state : null,
      note: rng() < 0.15 ? pick(rng, D.CUSTOMER_NOTES) : null,
      tags: [...new Set(Array.from({ length: Math.floor(rng() * 2.6) }, () => pick(rng, D.CUSTOMER_TAGS)))].sort(),
      locale: country.locale,
      countryCode: country.code,
      createdAt: isoTime(createdMs),
      updatedAt: isoTime(createdMs),
      orderIds: [],
    };
    store.addCustomer(customer);
    const orders = i % 7 === 3 ? 0 : Math.min(40, Math.floor(41 * rng() ** 2.5));
    for (let k = 0; k < orders; k++) {
      const at = createdMs + Math.floor(rng() * (D.REFERENCE_DATE - DAY / 24 - createdMs));
      plans.push({ customer, country, at, seed: Math.floor(rng() * 2 ** 32) });
    }
  }
  // a few guest checkouts and walk-in POS sales have no customer at all
  const guests = Math.round(plans.length * 0.03);
  for (let g = 0; g < guests; g++) {
    plans.push({
      customer: null,
      country: weighted(rng, D.COUNTRIES, D.COUNTRY_WEIGHTS),
      at: D.REFERENCE_DATE - Math.floor(rng() * THREE_YEARS),
      seed: Math.floor(rng() * 2 ** 32),
    });
  }
  // order numbers follow time, as on a real shop
  plans.sort((a, b) => a.at - b.at || a.seed - b.seed);
  for (const plan of plans) buildOrder(store, plan);
  for (const c of store.customers.values()) {
    const last = store.ordersOf(c).reduce((m, o) => (o.updatedAt > m ? o.updatedAt : m), c.createdAt);
    c.updatedAt = last;
  }
  return store;
}

function priceIn(usdMinor: number, currency: Currency): number {
  return currency === 'USD' ? usdMinor : Math.round(usdMinor / RATES[currency] / 10) * 10;
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
function buildOrder(store: Store, plan: OrderPlan): void {
  const setting = orderSetting(store, plan);
  const order = newOrder(setting, seededLineItems(store, setting));
  const scenario = recordPayment(store, setting, order);
  if (scenario.paid && scenario.name !== 'cancelled') fulfilOrder(store, setting, order, scenario.name);
  store.addOrder(order);
  settleOrder(store, setting, order, scenario.name);
}

function orderSetting(store: Store, plan: OrderPlan): OrderSetting {
  const rng = mulberry32(plan.seed);
  const id = store.nextId('order');
  const currency: Currency = rng() < 0.85 ? plan.country.currency : 'USD';
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
    const unit = def.giftCard ? [2500, 5000, 10000][v]! : priceIn(def.priceUsd, currency);
    const off = discount && !def.giftCard ? Math.round((unit * discount.percent) / 100) : 0;
    const abbr = def.title
      .replace(/[^A-Z]/g, '')
      .padEnd(3, 'X')
      .slice(0, 3);
    return {
      __typename: 'LineItem',
      id: store.nextId('lineItem'),
      title: def.title,
      variantTitle: def.variants[v] ?? null,
      sku: def.sku ? `${abbr}-${String(p + 1).padStart(3, '0')}-${v + 1}` : null,
      vendor: def.vendor,
      quantity: def.giftCard ? 1 : weighted(rng, [1, 2, 3], [75, 18, 7]),
      unitMinor: unit,
      discountedUnitMinor: unit - off,
      imageUrl: def.image ? `https://cdn.shopify.com/s/files/1/0000/0001/files/${ascii(def.title)}-${v + 1}.jpg` : null,
      productId: 80000001 + p,
      variantId: 90000001 + p * 10 + v,
      giftCard: Boolean(def.giftCard),
      requiresShipping: !def.giftCard && !pos,
    };
  });
}

/** The order record before any payment: numbering, shipping (free from 150.00), note and tags. */
function newOrder({ rng, plan, id, currency, channel, location, discount }: OrderSetting, lineItems: LineItemRec[]): OrderRec {
  const number = 1001 + (id - 5000001);
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
