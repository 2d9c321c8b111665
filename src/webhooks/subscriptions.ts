/**
 * Keeps one store's webhook subscriptions to this subgraph present at Shopify (when PUBLIC_URL is set): at start and
 * every check interval it lists the app's subscriptions for the topics we handle and creates only those missing,
 * compared by topic and address, so a restart or a second replica creates none twice. A check that fails is logged
 * (no secret, no address: PUBLIC_URL may be internal) and tried again at the next interval; it never stops serving.
 */
import type { Logger } from '../logger.js';
import type { ShopifyClient } from '../shopify/client.js';
import { createWebhookSubscription, listWebhookSubscriptions, type WebhookSubscriptionTopic } from '../shopify/webhook-subscriptions.js';

/** Every topic this subgraph subscribes to (the GraphQL names of ./topics.ts TOPICS). */
export const SUBSCRIBED_TOPICS: readonly WebhookSubscriptionTopic[] = [
  'ORDERS_CREATE',
  'ORDERS_UPDATED',
  'ORDERS_CANCELLED',
  'REFUNDS_CREATE',
  'CUSTOMERS_CREATE',
  'CUSTOMERS_UPDATE',
];

/** What one check found: how many were present, how many it created, and whether all are there now. */
export interface CheckResult {
  outcome: 'ok' | 'created' | 'incomplete' | 'failed';
  present: number;
  created: number;
}

export interface SubscriptionManagerOptions {
  /** the store's client (its budget and breaker apply) */
  client: () => ShopifyClient;
  /** `${PUBLIC_URL}/webhooks/shopify` */
  callbackUrl: string;
  intervalMs: number;
  logger: Logger;
  /** hears every check's outcome: the health tracker (subscriptions confirmed or not) and metrics */
  onCheck?: (result: CheckResult) => void;
}

/** Same address as Shopify compares it: exactly, but a trailing slash or the host's case make no difference. */
function sameAddress(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const url = new URL(u);
      return `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}${url.search}`;
    } catch {
      return u;
    }
  };
  return norm(a) === norm(b);
}

export class SubscriptionManager {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<CheckResult> | undefined;
  private stopped = false;

  constructor(private readonly opts: SubscriptionManagerOptions) {}

  /** Checks now, then every interval; the first check's promise is returned (callers need not wait for it). */
  start(): Promise<CheckResult> {
    this.stopped = false;
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs);
    // The interval must not keep a process alive that is otherwise done (tests, a CLI build).
    this.timer.unref();
    return this.check();
  }

  /** Stops the periodic checks; a check in flight finishes (its result is still reported). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One check; concurrent callers share the check in flight, so two never create the same subscription. */
  check(): Promise<CheckResult> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<CheckResult> {
    let result: CheckResult;
    try {
      result = await this.ensure();
    } catch (error) {
      result = { outcome: 'failed', present: 0, created: 0 };
      this.opts.logger.warn(
        { webhookSubscriptions: { outcome: 'failed' }, err: { message: (error as Error).message } },
        'webhook subscription check failed; trying again at the next check',
      );
    }
    this.opts.onCheck?.(result);
    return result;
  }

  private async ensure(): Promise<CheckResult> {
    const client = this.opts.client();
    const missing = await this.missing(client);
    let created = 0;
    const refused: Array<{ topic: string; userErrors: string[] }> = [];
    for (const topic of missing) {
      if (this.stopped) break;
      const answer = await createWebhookSubscription(client, topic, this.opts.callbackUrl);
      if ('id' in answer) created++;
      else refused.push({ topic, userErrors: answer.userErrors });
    }
    // Another replica starting at the same time may have created them first ("already been taken"): look again.
    const stillMissing = refused.length > 0 ? await this.missing(client) : [];
    const present = SUBSCRIBED_TOPICS.length - missing.length;
    const outcome = stillMissing.length > 0 || created + refused.length < missing.length ? 'incomplete' : created > 0 ? 'created' : 'ok';
    const result: CheckResult = { outcome, present, created };
    const failed = refused.filter((r) => stillMissing.includes(r.topic as WebhookSubscriptionTopic));
    if (failed.length > 0) {
      // Shopify's messages name the field and the rule, not our address or secret.
      this.opts.logger.warn({ webhookSubscriptions: { ...result, refused: failed } }, 'Shopify refused some webhook subscriptions');
    } else if (created > 0) {
      this.opts.logger.info({ webhookSubscriptions: result }, 'webhook subscriptions created');
    }
    return result;
  }

  /** The topics without a subscription to our address at Shopify now. */
  private async missing(client: ShopifyClient): Promise<WebhookSubscriptionTopic[]> {
    const existing = await listWebhookSubscriptions(client, SUBSCRIBED_TOPICS);
    return SUBSCRIBED_TOPICS.filter((topic) => !existing.some((s) => s.topic === topic && sameAddress(s.uri, this.opts.callbackUrl)));
  }
}
