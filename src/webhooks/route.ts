/**
 * POST /webhooks/shopify: Shopify tells us an order or customer changed, so the cache drops it.
 *
 * Order of checks: the shop (X-Shopify-Shop-Domain names one of the served stores, else 401), its signature on the
 * raw bytes with that store's secret (401 for anything not signed with it), then topic, then de-duplication by event
 * id (Shopify delivers at least once and retries), then invalidation. Shopify allows 5 s
 * per delivery and counts slow answers as failures; we answer within 1 s and finish in the background if needed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Invalidation } from '../cache/customer-cache.js';
import type { Logger } from '../logger.js';
import { header, sendJson } from '../http.js';
import type { Route } from '../http.js';
import type { WebhookEventRepository } from '../store/index.js';
import type { StoreHandle } from '../domain/stores.js';
import { invalidationFor, isTopic } from './topics.js';
import { verifyWebhook } from './verify.js';

export const WEBHOOK_PATH = '/webhooks/shopify';
/** Longest we make Shopify wait; the rest of the work continues after the answer. */
const ANSWER_WITHIN_MS = 900;

/** A served store whose webhooks are accepted: deliveries naming its domain are verified with its secret. */
export interface WebhookShop {
  store: StoreHandle;
  /** host[:port], as X-Shopify-Shop-Domain names it (`acme-us.myshopify.com`) */
  domain: string;
  secret: string;
}

export interface WebhookRouteOptions {
  shops: readonly WebhookShop[];
  events: WebhookEventRepository;
  /** drops what the delivery names from that store's cache */
  invalidate: (store: StoreHandle, what: Invalidation) => Promise<void>;
  logger: Logger;
  /**
   * hears every correctly signed delivery for a served store, duplicates and ignored topics included (each proves
   * Shopify reaches us with the right secret), with the orders it names: the store's webhook health (health.ts)
   */
  onSigned?: (store: StoreHandle, orderIds: readonly string[]) => void;
  /** counts deliveries by store (undefined when the shop is not served), topic and result */
  onDelivery?: (store: StoreHandle | undefined, topic: string, result: string) => void;
}

/** The webhook route. */
export function webhookRoute(opts: WebhookRouteOptions): Route {
  const shops = new Map(opts.shops.map((shop) => [shop.domain.toLowerCase(), shop]));
  async function handleEvent(
    store: StoreHandle,
    topic: string,
    eventId: string | undefined,
    body: Record<string, unknown>,
  ): Promise<'processed' | 'duplicate'> {
    if (eventId && !(await opts.events.markSeen(eventId, topic))) return 'duplicate';
    if (isTopic(topic)) await opts.invalidate(store, invalidationFor(topic, body));
    return 'processed';
  }

  return {
    method: 'POST',
    path: WEBHOOK_PATH,
    async handle(req: IncomingMessage, res: ServerResponse, raw: Buffer) {
      const started = performance.now();
      const topic = header(req, 'x-shopify-topic') ?? 'unknown';
      const eventId = header(req, 'x-shopify-event-id') ?? header(req, 'x-shopify-webhook-id');
      const shop = shops.get((header(req, 'x-shopify-shop-domain') ?? '').trim().toLowerCase());
      const done = (status: number, result: string) => {
        // Only known topics become label values: a forged header must not grow the metric without bound.
        const label = isTopic(topic) ? topic : 'other';
        opts.onDelivery?.(shop?.store, label, result);
        opts.logger.info(
          {
            webhook: {
              // The handle of a served store only: a forged shop header is never logged.
              store: shop?.store,
              topic: label,
              eventId,
              result,
              status,
              triggeredAt: header(req, 'x-shopify-triggered-at'),
              durationMs: Math.round(performance.now() - started),
            },
          },
          'shopify webhook',
        );
        sendJson(res, status, { result });
      };

      // An unknown shop is refused like a bad signature: nothing tells a sender which domains are served.
      if (!shop || !verifyWebhook(raw, header(req, 'x-shopify-hmac-sha256'), shop.secret)) return done(401, 'unauthorized');
      const body = parseObject(raw);
      opts.onSigned?.(shop.store, body && isTopic(topic) ? (invalidationFor(topic, body).orderIds ?? []) : []);
      if (!isTopic(topic)) return done(200, 'ignored');
      if (!body) return done(400, 'invalid');

      const work = handleEvent(shop.store, topic, eventId, body);
      try {
        const result = await within(work, ANSWER_WITHIN_MS);
        if (result !== 'late') return done(200, result);
        work.catch((error) =>
          opts.logger.error(
            { err: { message: (error as Error).message }, webhook: { topic, eventId } },
            'webhook processing failed after answering',
          ),
        );
        return done(202, 'accepted');
      } catch (error) {
        opts.logger.error({ err: { message: (error as Error).message }, webhook: { topic, eventId } }, 'webhook processing failed');
        return done(500, 'failed');
      }
    },
  };
}

/** The JSON object a delivery carries, or null when the body is not one. */
function parseObject(raw: Buffer): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** `work`'s result if it settles within `ms`, else 'late' (the work goes on; the caller answers meanwhile). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
