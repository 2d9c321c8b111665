/**
 * The in-memory shop: records, the indexes that make look-ups O(1), id sequences, and the change events that
 * webhooks are sent from. Mutation rules live beside it (refunds.ts, cancel.ts, discounts.ts); this file only
 * holds state, so a reset is "build a new Store".
 */
import {
  DEFAULT_SHOP_CURRENCY,
  orderTotals,
  toShop,
  type Currency,
  type CustomerRec,
  type FulfillmentRec,
  type LocationRec,
  type OrderRec,
  type RefundRec,
  type TransactionRec,
} from './model.js';
import type { DraftOrderRec } from './draft-orders.js';
import { AppSubscriptions } from './webhook-subscriptions.js';

/** Every topic the simulator sends webhooks for. */
export const WEBHOOK_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'refunds/create',
  'customers/create',
  'customers/update',
  'draft_orders/create',
  'draft_orders/update',
] as const;

export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

/** A change worth a webhook; the payload is built by webhooks.ts from the current state when it is sent. */
export interface StoreEvent {
  topic: WebhookTopic;
  id: number;
}

export interface DiscountRec {
  __typename: 'DiscountCodeNode';
  id: number;
  codeId: number;
  code: string;
  title: string;
  startsAt: string;
  endsAt: string | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  value: { type: 'percentage'; percentage: number } | { type: 'fixed_amount'; amountMinor: number; appliesOnEachItem: boolean };
  /** null = all customers */
  customerIds: number[] | null;
  /** which input shape the discount was created with, so the matching read field answers */
  selection: 'context' | 'customerSelection';
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  createdAt: string;
}

export interface JobRec {
  __typename: 'Job';
  id: string;
  done: boolean;
}

export interface IdempotencyRec {
  fingerprint: string;
  refundId: number;
  orderId: number;
}

const FIRST_IDS = {
  customer: 1000001,
  order: 5000001,
  lineItem: 11000001,
  transaction: 7000001,
  refund: 8500001,
  refundLine: 9500001,
  fulfillment: 4000001,
  discount: 1200001,
  discountCode: 1300001,
  location: 70000001,
  product: 80000001,
  variant: 90000001,
  mailingAddress: 16000001,
  draftOrder: 3000001,
  draftLineItem: 12000001,
} as const;

export type IdKind = keyof typeof FIRST_IDS;

/** The shop's name before the simulator is started with another. */
export const DEFAULT_SHOP_NAME = 'Simulator Supply Co.';

/** Who the shop is: what `shop { name currencyCode }` answers and the currency every shopMoney amount is in. */
export interface ShopIdentity {
  name: string;
  currency: Currency;
  /**
   * Added to every id the store gives out (and to its catalog's product and variant ids): two stores with different
   * offsets never share a GID, as on Shopify, where ids are unique across shops. 0 keeps today's ids.
   */
  idOffset: number;
}

export const DEFAULT_SHOP: ShopIdentity = { name: DEFAULT_SHOP_NAME, currency: DEFAULT_SHOP_CURRENCY, idOffset: 0 };

export class Store {
  readonly customers = new Map<number, CustomerRec>();
  readonly orders = new Map<number, OrderRec>();
  readonly locations = new Map<number, LocationRec>();
  readonly discounts = new Map<number, DiscountRec>();
  /** draft orders (draftOrderCreate); a completed draft keeps the id of the order it became */
  readonly draftOrders = new Map<number, DraftOrderRec>();
  readonly jobs = new Map<string, JobRec>();
  readonly idempotency = new Map<string, IdempotencyRec>();
  private readonly byEmail = new Map<string, CustomerRec>();
  private readonly byPhone = new Map<string, CustomerRec>();
  private readonly byOrderNumber = new Map<number, OrderRec>();
  private readonly byLineItem = new Map<number, OrderRec>();
  private readonly byTransaction = new Map<number, OrderRec>();
  private readonly byRefund = new Map<number, OrderRec>();
  private readonly byFulfillment = new Map<number, OrderRec>();
  private readonly byCode = new Map<string, DiscountRec>();
  private readonly seq = new Map<IdKind, number>();
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  /** while false (during seeding), changes emit no events */
  live = false;
  /**
   * How `email:` terms match. Shopify does not document its email search as exact (its index may match prefixes);
   * `prefix` lets a test prove a client maps results back by exact email and never takes a full page as complete.
   */
  emailSearch: 'exact' | 'prefix' = 'exact';
  /**
   * The shop's .myshopify.com domain, as `shop { myshopifyDomain }` and webhooks' X-Shopify-Shop-Domain give it.
   * A function because a running simulator only knows its address once it listens.
   */
  myshopifyDomain: () => string = () => 'simulator.myshopify.com';
  /**
   * The app's webhook subscriptions (webhookSubscriptionCreate). A running simulator hands every re-seeded store the
   * same registry (state.ts), so they outlive a reset as an app's installation outlives changes to the shop's data.
   */
  webhookSubscriptions = new AppSubscriptions();

  constructor(readonly shop: ShopIdentity = DEFAULT_SHOP) {}

  /** The first id of a kind in this store (order numbers and catalog ids count from it). */
  firstId(kind: IdKind): number {
    return FIRST_IDS[kind] + this.shop.idOffset;
  }

  nextId(kind: IdKind): number {
    const next = this.seq.get(kind) ?? this.firstId(kind);
    this.seq.set(kind, next + 1);
    return next;
  }

  addCustomer(c: CustomerRec): void {
    this.customers.set(c.id, c);
    if (c.email) this.byEmail.set(c.email.toLowerCase(), c);
    if (c.phone) this.byPhone.set(c.phone, c);
  }

  /** Registers an order and everything it contains in the indexes. */
  addOrder(o: OrderRec): void {
    this.orders.set(o.id, o);
    this.byOrderNumber.set(o.number, o);
    this.reindex(o);
    if (o.customerId != null) this.customers.get(o.customerId)?.orderIds.push(o.id);
  }

  /** Indexes the children of an order again after a mutation appended some. */
  reindex(o: OrderRec): void {
    for (const li of o.lineItems) this.byLineItem.set(li.id, o);
    for (const t of o.transactions) this.byTransaction.set(t.id, o);
    for (const r of o.refunds) this.byRefund.set(r.id, o);
    for (const f of o.fulfillments) this.byFulfillment.set(f.id, o);
  }

  addDiscount(d: DiscountRec): void {
    this.discounts.set(d.id, d);
    this.byCode.set(d.code.toLowerCase(), d);
  }

  customerByEmail(email: string): CustomerRec | undefined {
    return this.byEmail.get(email.trim().toLowerCase());
  }

  customerByPhone(phone: string): CustomerRec | undefined {
    const p = phone.replace(/[^\d+]/g, '');
    return this.byPhone.get(p) ?? this.byPhone.get(`+${p.replace(/^\+/, '')}`);
  }

  orderByNumber(n: number): OrderRec | undefined {
    return this.byOrderNumber.get(n);
  }

  discountByCode(code: string): DiscountRec | undefined {
    return this.byCode.get(code.trim().toLowerCase());
  }

  orderOfLineItem(id: number): OrderRec | undefined {
    return this.byLineItem.get(id);
  }

  transaction(id: number): TransactionRec | undefined {
    return this.byTransaction.get(id)?.transactions.find((t) => t.id === id);
  }

  refund(id: number): RefundRec | undefined {
    return this.byRefund.get(id)?.refunds.find((r) => r.id === id);
  }

  fulfillment(id: number): FulfillmentRec | undefined {
    return this.byFulfillment.get(id)?.fulfillments.find((f) => f.id === id);
  }

  ordersOf(c: CustomerRec): OrderRec[] {
    return c.orderIds.map((id) => this.orders.get(id)!).filter(Boolean);
  }

  /** Customer.amountSpent in shop minor units: what the customer's orders took, less what was refunded. */
  amountSpentMinor(c: CustomerRec): number {
    let n = 0;
    for (const o of this.ordersOf(c)) n += toShop(orderTotals(o).net, o.currency, this.shop.currency);
    return n;
  }

  get shopCurrency(): Currency {
    return this.shop.currency;
  }

  /** A customer's figures changed (amount spent after a refund or cancel): bump updatedAt and tell subscribers. */
  touchCustomer(id: number | null, at: string): void {
    const c = id != null ? this.customers.get(id) : undefined;
    if (!c) return;
    if (at > c.updatedAt) c.updatedAt = at;
    this.emit('customers/update', c.id);
  }

  onChange(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(topic: WebhookTopic, id: number): void {
    if (!this.live) return;
    for (const l of this.listeners) l({ topic, id });
  }
}
