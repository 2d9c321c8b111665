/**
 * Whether one store's webhooks are verified as arriving, which decides its cache TTL (long while verified, short
 * otherwise). The rule, also in the README:
 *
 *   verified at time t  ⇔  subscribed
 *                          ∧ a correctly signed delivery for the store arrived in (t − recent, t]
 *                          ∧ no change of ours is overdue
 *
 * - subscribed: the last subscription check found (or created) every subscription we need at Shopify, or the operator
 *   declares them (SHOPIFY_WEBHOOKS_SUBSCRIBED, when PUBLIC_URL is not used). A check that failed to ask Shopify
 *   changes nothing: not knowing is not the same as missing.
 * - overdue: we cancelled or refunded an order (Shopify answers with orders/updated and more) and no signed delivery
 *   naming that order arrived within `expectWithin`. Any signed delivery arriving after the deadline settles it: the
 *   pipe works again.
 *
 * State is per process: with several replicas each one judges from the deliveries it receives itself. Evaluated
 * lazily from timestamps (no timers), so an injected clock drives it in tests; transitions are logged and counted.
 */
import type { Logger } from '../logger.js';

export interface WebhookHealthOptions {
  /** how long after a signed delivery the webhooks still count as arriving */
  recentMs: number;
  /** how long a change of ours may wait for its webhook */
  expectWithinMs: number;
  /** the operator declares the subscriptions (no check will confirm them) */
  declared?: boolean;
  logger: Logger;
  /** hears every transition (metrics) */
  onChange?: (verified: boolean) => void;
  now?: () => number;
}

interface Expectation {
  orderIds: ReadonlySet<string>;
  deadline: number;
}

/** Expectations (and delivered order ids) kept at once; beyond this the oldest are forgotten. */
const MAX_EXPECTATIONS = 256;

export class WebhookHealth {
  private subscribed: boolean;
  private lastDeliveryAt = -Infinity;
  private expectations: Expectation[] = [];
  /** orders named by recent deliveries, oldest first: a webhook may overtake the answer to our own mutation */
  private readonly deliveredOrders = new Map<string, number>();
  private last = false;
  private readonly now: () => number;

  constructor(private readonly opts: WebhookHealthOptions) {
    this.subscribed = opts.declared ?? false;
    this.now = opts.now ?? Date.now;
  }

  /** The outcome of a subscription check: true when every needed subscription is present at Shopify. */
  subscriptionsConfirmed(present: boolean): void {
    if (this.opts.declared) return;
    this.subscribed = present;
    this.verified();
  }

  /** A correctly signed delivery for this store arrived; `orderIds` are the orders it names. */
  delivered(orderIds: readonly string[]): void {
    const at = this.now();
    this.lastDeliveryAt = at;
    for (const id of orderIds) {
      this.deliveredOrders.delete(id);
      this.deliveredOrders.set(id, at);
    }
    while (this.deliveredOrders.size > MAX_EXPECTATIONS) this.deliveredOrders.delete(this.deliveredOrders.keys().next().value!);
    this.expectations = this.expectations.filter((e) => e.deadline >= at && !orderIds.some((id) => e.orderIds.has(id)));
    this.verified();
  }

  /** We changed these orders ourselves: Shopify should tell us within expectWithin. */
  expect(orderIds: readonly string[]): void {
    const now = this.now();
    const overtaken = orderIds.some((id) => now - (this.deliveredOrders.get(id) ?? -Infinity) <= this.opts.expectWithinMs);
    if (orderIds.length === 0 || overtaken) return;
    this.expectations.push({ orderIds: new Set(orderIds), deadline: now + this.opts.expectWithinMs });
    if (this.expectations.length > MAX_EXPECTATIONS) this.expectations.shift();
  }

  /** Whether the webhooks are verified now (logs and reports a transition). */
  verified(): boolean {
    const state = this.evaluate();
    if (state.verified !== this.last) {
      this.last = state.verified;
      // No ids or addresses: the reason names which condition changed.
      this.opts.logger.info(
        { webhooks: { verified: state.verified, reason: state.reason } },
        `webhooks ${state.verified ? 'verified' : 'not verified'}`,
      );
      this.opts.onChange?.(state.verified);
    }
    return state.verified;
  }

  private evaluate(): { verified: boolean; reason: string } {
    const now = this.now();
    if (!this.subscribed) return { verified: false, reason: 'subscriptions not confirmed' };
    if (now - this.lastDeliveryAt > this.opts.recentMs) return { verified: false, reason: 'no recent signed delivery' };
    if (this.expectations.some((e) => e.deadline < now)) return { verified: false, reason: 'a delivery after our own change is overdue' };
    return { verified: true, reason: 'subscribed and deliveries arriving' };
  }
}
