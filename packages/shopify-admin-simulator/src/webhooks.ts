/**
 * Shopify-style webhooks for state changes: REST-shaped JSON bodies, signed with X-Shopify-Hmac-Sha256 (base64
 * HMAC-SHA256 of the raw body). Delivery is fire-and-forget with a 5 s timeout (Shopify's limit): a receiver that
 * is down or slow never blocks or breaks the simulator; outcomes are kept for tests to inspect.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ADMIN_API_VERSION } from 'shopify-admin-schema';
import { addressPayload } from './addresses.js';
import { displayName } from './filters.js';
import { draftOrderPayload } from './webhook-drafts.js';
import {
  currentQuantity,
  financialStatus,
  fmt,
  fulfillmentStatus,
  gid,
  isoTime,
  orderTotals,
  toShop,
  type OrderRec,
  type RefundRec,
} from './model.js';
import type { Store, StoreEvent, WebhookTopic } from './store.js';

export interface Subscription {
  url: string;
  secret: string;
  /** null = every topic */
  topics: WebhookTopic[] | null;
}

export interface Delivery {
  topic: WebhookTopic;
  url: string;
  eventId: string;
  status: number | null;
  error: string | null;
  at: string;
}

/** base64 HMAC-SHA256 of the raw body, as in X-Shopify-Hmac-Sha256. */
export function signWebhook(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export class Webhooks {
  private subs: Subscription[] = [];
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly shopDomain: () => string,
    private readonly logger?: Logger,
  ) {}

  /** Adds a subscription (replacing one with the same url). */
  subscribe(sub: Subscription): void {
    this.subs = [...this.subs.filter((s) => s.url !== sub.url), sub];
  }

  clear(): void {
    this.subs = [];
    this.deliveries.length = 0;
  }

  list(): Array<{ url: string; topics: WebhookTopic[] | null }> {
    return this.subs.map(({ url, topics }) => ({ url, topics }));
  }

  /** Resolves once every delivery started so far has finished (tests use it instead of sleeping). */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Store listener: builds the payload from the current state and sends it to every subscriber of the topic: the
   * control API's subscriptions (each with its own secret) and the app's (webhookSubscriptionCreate, signed with the
   * app's secret).
   */
  handle(store: Store, event: StoreEvent): void {
    const app = store.webhookSubscriptions;
    const targets: Array<Pick<Subscription, 'url' | 'secret'>> = [
      ...this.subs.filter((s) => !s.topics || s.topics.includes(event.topic)),
      ...app.forTopic(event.topic).map((s) => ({ url: s.uri, secret: app.secret })),
    ];
    if (!targets.length) return;
    const payload = buildPayload(store, event);
    if (!payload) return;
    const body = JSON.stringify(payload);
    const eventId = randomUUID();
    const triggeredAt = new Date().toISOString();
    for (const sub of targets) {
      const p = this.deliver(sub, event.topic, body, eventId, triggeredAt).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async deliver(
    sub: Pick<Subscription, 'url' | 'secret'>,
    topic: WebhookTopic,
    body: string,
    eventId: string,
    triggeredAt: string,
  ): Promise<void> {
    const record: Delivery = { topic, url: sub.url, eventId, status: null, error: null, at: triggeredAt };
    this.deliveries.push(record);
    try {
      const res = await fetch(sub.url, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(5000),
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Topic': topic,
          'X-Shopify-Hmac-Sha256': signWebhook(body, sub.secret),
          'X-Shopify-Shop-Domain': this.shopDomain(),
          'X-Shopify-API-Version': ADMIN_API_VERSION,
          'X-Shopify-Event-Id': eventId,
          'X-Shopify-Webhook-Id': randomUUID(),
          'X-Shopify-Triggered-At': triggeredAt,
        },
      });
      record.status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
      this.logger?.warn({ topic, error: record.error }, 'simulator webhook delivery failed');
    }
  }
}

const lower = (s: string) => s.toLowerCase();

/**
 * REST's MoneyBag (`*_set`): shop_money in the shop's currency, presentment_money in the order's. The flat amounts
 * beside them (total_price, price, subtotal…) stay in the order's presentment currency, as they always were here.
 */
function moneySet(store: Store, o: OrderRec, minor: number) {
  return {
    shop_money: { amount: fmt(toShop(minor, o.currency, store.shopCurrency)), currency_code: store.shopCurrency },
    presentment_money: { amount: fmt(minor), currency_code: o.currency },
  };
}

function orderPayload(store: Store, o: OrderRec) {
  const t = orderTotals(o);
  const customer = o.customerId != null ? store.customers.get(o.customerId) : undefined;
  const fulfillment = fulfillmentStatus(o);
  return {
    id: o.id,
    admin_graphql_api_id: gid('Order', o.id),
    name: o.name,
    order_number: o.number,
    email: o.email,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    cancelled_at: o.cancelledAt,
    cancel_reason: o.cancelReason ? lower(o.cancelReason) : null,
    closed_at: o.closedAt,
    currency: o.currency,
    presentment_currency: o.currency,
    financial_status: lower(financialStatus(o)),
    fulfillment_status: fulfillment === 'FULFILLED' ? 'fulfilled' : fulfillment === 'PARTIALLY_FULFILLED' ? 'partial' : null,
    source_name: o.sourceName,
    subtotal_price: fmt(t.subtotal),
    total_price: fmt(t.total),
    current_total_price: fmt(t.currentTotal),
    current_subtotal_price: fmt(t.currentSubtotal),
    total_discounts: fmt(t.discounts),
    total_outstanding: fmt(t.outstanding),
    subtotal_price_set: moneySet(store, o, t.subtotal),
    total_price_set: moneySet(store, o, t.total),
    current_total_price_set: moneySet(store, o, t.currentTotal),
    current_subtotal_price_set: moneySet(store, o, t.currentSubtotal),
    total_discounts_set: moneySet(store, o, t.discounts),
    total_shipping_price_set: moneySet(store, o, t.shipping),
    note: o.note,
    tags: o.tags.join(', '),
    phone: o.phone,
    po_number: o.poNumber,
    note_attributes: o.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    shipping_address: addressPayload(o.shippingAddress),
    customer: customer ? { id: customer.id, admin_graphql_api_id: gid('Customer', customer.id) } : null,
    line_items: o.lineItems.map((li) => ({
      id: li.id,
      admin_graphql_api_id: gid('LineItem', li.id),
      title: li.title,
      variant_title: li.variantTitle,
      sku: li.sku,
      quantity: li.quantity,
      current_quantity: currentQuantity(o, li),
      price: fmt(li.unitMinor),
      price_set: moneySet(store, o, li.unitMinor),
      gift_card: li.giftCard,
    })),
    refunds: o.refunds.map((r) => refundPayload(store, o, r)),
  };
}

function refundPayload(store: Store, o: OrderRec, r: RefundRec) {
  return {
    id: r.id,
    admin_graphql_api_id: gid('Refund', r.id),
    order_id: o.id,
    created_at: r.createdAt,
    processed_at: r.createdAt,
    note: r.note,
    restock: r.lines.some((l) => l.restockType !== 'NO_RESTOCK'),
    refund_line_items: r.lines.map((l) => ({
      id: l.id,
      line_item_id: l.lineItemId,
      quantity: l.quantity,
      restock_type: lower(l.restockType),
      subtotal: fmt(l.subtotalMinor),
      subtotal_set: moneySet(store, o, l.subtotalMinor),
      total_tax: '0.00',
    })),
    transactions: r.transactionIds.map((id) => {
      const t = store.transaction(id)!;
      return {
        id: t.id,
        admin_graphql_api_id: gid('OrderTransaction', t.id),
        order_id: o.id,
        kind: lower(t.kind),
        status: lower(t.status),
        gateway: t.gateway,
        amount: fmt(t.amountMinor),
        currency: o.currency,
        parent_id: t.parentId,
        created_at: t.createdAt,
      };
    }),
  };
}

function buildPayload(store: Store, event: StoreEvent): Record<string, unknown> | null {
  if (event.topic === 'draft_orders/create' || event.topic === 'draft_orders/update') return draftOrderPayload(store, event.id);
  if (event.topic === 'refunds/create') {
    const r = store.refund(event.id);
    const o = r ? store.orders.get(r.orderId) : undefined;
    return r && o ? refundPayload(store, o, r) : null;
  }
  if (event.topic === 'customers/update' || event.topic === 'customers/create') {
    const c = store.customers.get(event.id);
    if (!c) return null;
    return {
      id: c.id,
      admin_graphql_api_id: gid('Customer', c.id),
      email: c.email,
      first_name: c.firstName,
      last_name: c.lastName,
      phone: c.phone,
      note: c.note,
      tags: c.tags.join(', '),
      orders_count: c.orderIds.length,
      total_spent: fmt(store.amountSpentMinor(c)),
      currency: store.shopCurrency,
      email_marketing_consent: c.emailMarketing ? { state: lower(c.emailMarketing), opt_in_level: null, consent_updated_at: null } : null,
      created_at: c.createdAt,
      updated_at: isoTime(Date.now()),
      display_name: displayName(c),
    };
  }
  const o = store.orders.get(event.id);
  return o ? orderPayload(store, o) : null;
}
