/**
 * The app's own webhook subscriptions, as `webhookSubscriptionCreate` / `webhookSubscriptions` /
 * `webhookSubscriptionDelete` manage them on Shopify: one per topic and address (a second one for the same pair is
 * refused with Shopify's "Address for this topic has already been taken"), delivered signed with the app's secret
 * (Shopify signs app subscriptions with the app's client secret). They survive a simulator reset, like the control
 * API's subscriptions: a reset re-seeds the shop's records, not the app's installation.
 */
import { gid, isoTime } from './model.js';
import type { WebhookTopic } from './store.js';

/** The secret app subscriptions are signed with until the control API sets another (POST /__simulator/app). */
export const DEFAULT_APP_SECRET = 'shpss_simulator_app_secret';

export interface AppSubscriptionRec {
  __typename: 'WebhookSubscription';
  id: number;
  /** the GraphQL enum value, e.g. ORDERS_CREATE */
  topic: string;
  uri: string;
  format: 'JSON' | 'XML';
  filter: string | null;
  includeFields: string[];
  name: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SubscriptionUserError {
  field: string[];
  message: string;
}

/** The GraphQL topic enum value of a REST topic: orders/create → ORDERS_CREATE. */
export const enumTopic = (topic: WebhookTopic): string => topic.toUpperCase().replace('/', '_');

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Shopify's rule for an HTTP address, with plain http allowed to loopback hosts (the simulator runs next to its app). */
function addressProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'Address is invalid';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK.test(url.hostname)) return null;
  return url.protocol === 'http:' ? 'Address protocol http:// is not supported' : 'Address is invalid';
}

export class AppSubscriptions {
  private readonly subs = new Map<number, AppSubscriptionRec>();
  private next = 1;
  /** what deliveries to app subscriptions are signed with */
  secret = DEFAULT_APP_SECRET;

  /** webhookSubscriptionCreate: the subscription, or Shopify-style userErrors. */
  create(
    topic: string,
    input: { uri?: string | null; callbackUrl?: string | null; format?: string | null; filter?: string | null; name?: string | null },
  ): { subscription: AppSubscriptionRec | null; userErrors: SubscriptionUserError[] } {
    const uri = input.uri ?? input.callbackUrl ?? null;
    const field = ['webhookSubscription', input.uri != null ? 'uri' : 'callbackUrl'];
    if (!uri) return { subscription: null, userErrors: [{ field, message: "Address can't be blank" }] };
    const problem = addressProblem(uri);
    if (problem) return { subscription: null, userErrors: [{ field, message: problem }] };
    if ([...this.subs.values()].some((s) => s.topic === topic && s.uri === uri)) {
      return { subscription: null, userErrors: [{ field, message: 'Address for this topic has already been taken' }] };
    }
    const now = isoTime(Date.now());
    // ids are large and not sequential from 1 on Shopify; the prefix keeps them apart from other records' ids
    const id = 1_400_000_000 + this.next++;
    const sub: AppSubscriptionRec = {
      __typename: 'WebhookSubscription',
      id,
      topic,
      uri,
      format: input.format === 'XML' ? 'XML' : 'JSON',
      filter: input.filter ?? null,
      includeFields: [],
      name: input.name ?? null,
      createdAt: now,
      updatedAt: now,
    };
    this.subs.set(id, sub);
    return { subscription: sub, userErrors: [] };
  }

  /** webhookSubscriptionDelete: true when it existed. */
  delete(id: number): boolean {
    return this.subs.delete(id);
  }

  get(id: number): AppSubscriptionRec | undefined {
    return this.subs.get(id);
  }

  /** Every subscription, oldest first (Shopify's default sort, CREATED_AT). */
  list(): AppSubscriptionRec[] {
    return [...this.subs.values()];
  }

  /** The subscriptions a change of this topic is delivered to. */
  forTopic(topic: WebhookTopic): AppSubscriptionRec[] {
    const name = enumTopic(topic);
    return this.list().filter((s) => s.topic === name);
  }

  /** The control API's view: GIDs, topics and addresses. */
  describe() {
    return this.list().map((s) => ({
      id: gid('WebhookSubscription', s.id),
      topic: s.topic,
      uri: s.uri,
      format: s.format,
      createdAt: s.createdAt,
    }));
  }
}

/** The WebhookSubscription object as the API answers it (GIDs, the deprecated callbackUrl/endpoint beside uri). */
export function subscriptionView(s: AppSubscriptionRec, apiVersion: string) {
  return {
    ...s,
    id: gid('WebhookSubscription', s.id),
    legacyResourceId: String(s.id),
    callbackUrl: s.uri,
    endpoint: { __typename: 'WebhookHttpEndpoint', callbackUrl: s.uri },
    apiVersion: { handle: apiVersion, displayName: apiVersion, supported: true },
    metafieldNamespaces: [],
    metafields: [],
  };
}

/** webhookSubscriptions(topics:, uri:, format:) filters; `query` is not interpreted (none of our callers send one). */
export function filterSubscriptions(
  list: readonly AppSubscriptionRec[],
  args: { topics?: string[] | null; uri?: string | null; callbackUrl?: string | null; format?: string | null },
): AppSubscriptionRec[] {
  const uri = args.uri ?? args.callbackUrl;
  return list.filter(
    (s) =>
      (!args.topics?.length || args.topics.includes(s.topic)) &&
      (uri == null || s.uri === uri) &&
      (args.format == null || s.format === args.format),
  );
}
