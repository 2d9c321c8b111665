/**
 * One store's webhook runtime, as app.ts builds it: the health that decides its cache TTL, and (with PUBLIC_URL and a
 * webhook secret) the manager that keeps its subscriptions at Shopify. Nothing runs until start().
 */
import type { WebhookConfig } from '../config-webhooks.js';
import type { Logger } from '../logger.js';
import type { ShopifyClient } from '../shopify/client.js';
import { WebhookHealth } from './health.js';
import { WEBHOOK_PATH } from './route.js';
import { SubscriptionManager, type CheckResult } from './subscriptions.js';

/** Subscriptions are checked this often (and at start): Shopify drops them after 8 failed deliveries in a row. */
export const SUBSCRIPTION_CHECK_INTERVAL_MS = 10 * 60_000;

export interface StoreWebhooks {
  health: WebhookHealth;
  /** null unless PUBLIC_URL is set and the store has a webhook secret */
  subscriptions: SubscriptionManager | null;
  /** The store's cache TTL now: long while its webhooks are verified. */
  ttlMs(): number;
  /** Starts the subscription checks (the first runs now, in the background). */
  start(): void;
  /** the first check's outcome once start() ran (tests wait for it); null without a manager or before start() */
  firstCheck: Promise<CheckResult> | null;
  stop(): Promise<void>;
}

export interface StoreWebhooksOptions {
  webhooks: WebhookConfig;
  /** SHOPIFY_CACHE_TTL_S */
  shortTtlSeconds: number;
  /** whether the store's deliveries can be verified at all */
  hasSecret: boolean;
  client: () => ShopifyClient;
  logger: Logger;
  onCheck?: (result: CheckResult) => void;
  now?: () => number;
}

/** Builds one store's webhook runtime. */
export function storeWebhooks(opts: StoreWebhooksOptions): StoreWebhooks {
  const { webhooks, logger } = opts;
  const health = new WebhookHealth({
    recentMs: webhooks.recentSeconds * 1000,
    expectWithinMs: webhooks.expectWithinSeconds * 1000,
    declared: webhooks.declared && opts.hasSecret,
    logger,
    now: opts.now,
  });
  const manage = webhooks.publicUrl !== undefined && opts.hasSecret;
  if (webhooks.publicUrl !== undefined && !opts.hasSecret) {
    logger.warn('PUBLIC_URL is set but this store has no webhook secret: not subscribing (its deliveries would be refused)');
  }
  const subscriptions = manage
    ? new SubscriptionManager({
        client: opts.client,
        callbackUrl: `${webhooks.publicUrl}${WEBHOOK_PATH}`,
        intervalMs: SUBSCRIPTION_CHECK_INTERVAL_MS,
        logger,
        onCheck: (result) => {
          // A failed check says nothing about the subscriptions: the last known state stands.
          if (result.outcome !== 'failed') health.subscriptionsConfirmed(result.outcome !== 'incomplete');
          opts.onCheck?.(result);
        },
      })
    : null;
  return {
    health,
    subscriptions,
    firstCheck: null,
    ttlMs: () => (health.verified() ? webhooks.ttlSeconds : opts.shortTtlSeconds) * 1000,
    start() {
      // Its failures are logged and reported by the manager itself (a check never rejects); serving never waits for it.
      this.firstCheck = subscriptions?.start() ?? null;
    },
    stop: async () => subscriptions?.stop(),
  };
}
