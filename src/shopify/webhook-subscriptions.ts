/**
 * The store's webhook subscriptions at Shopify, for the subscription manager (../webhooks/subscriptions.ts): list the
 * app's HTTP subscriptions for some topics, create one. The only code that sends these documents. In 2026-07 the
 * address is `uri` (`callbackUrl` is deprecated on both the input and the object).
 *
 * webhookSubscriptionCreate takes no @idempotent key, so it is sent once (not replay-safe): after a lost answer the
 * manager's next check lists again and creates only what is still missing, and Shopify itself refuses a second
 * subscription for the same topic and address ("Address for this topic has already been taken").
 */
import type {
  WebhookSubscriptionCreateMutation,
  WebhookSubscriptionCreateMutationVariables,
  WebhookSubscriptionsListQuery,
  WebhookSubscriptionsListQueryVariables,
  WebhookSubscriptionTopic,
} from './__generated__/admin.js';
import type { ShopifyClient, ShopifyResponse } from './client.js';
import { request, typedDocument } from './typed-request.js';

export type { WebhookSubscriptionTopic };

export const WEBHOOK_SUBSCRIPTIONS_LIST = typedDocument<WebhookSubscriptionsListQuery, WebhookSubscriptionsListQueryVariables>(
  /* GraphQL */ `
    #graphql
    query WebhookSubscriptionsList($topics: [WebhookSubscriptionTopic!], $first: Int!, $after: String) {
      webhookSubscriptions(topics: $topics, first: $first, after: $after) {
        nodes {
          id
          topic
          uri
          format
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  `,
);

export const WEBHOOK_SUBSCRIPTION_CREATE = typedDocument<WebhookSubscriptionCreateMutation, WebhookSubscriptionCreateMutationVariables>(
  /* GraphQL */ `
    #graphql
    mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $uri: String!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
        webhookSubscription {
          id
          topic
          uri
        }
        userErrors {
          field
          message
        }
      }
    }
  `,
);

/** One subscription as the manager compares them: by topic and address. */
export interface WebhookSubscriptionModel {
  id: string;
  topic: WebhookSubscriptionTopic;
  uri: string;
  format: 'JSON' | 'XML';
}

/** A page of 50 holds every subscription one app keeps for a handful of topics; more pages are followed anyway. */
const PAGE = 50;
/** An app with more than this many subscriptions for our topics is misconfigured; the check stops reading there. */
const MAX_PAGES = 10;

/** The app's subscriptions for `topics` (all pages, up to MAX_PAGES). */
export async function listWebhookSubscriptions(
  client: ShopifyClient,
  topics: readonly WebhookSubscriptionTopic[],
): Promise<WebhookSubscriptionModel[]> {
  const out: WebhookSubscriptionModel[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer: ShopifyResponse<WebhookSubscriptionsListQuery> = await request(client, WEBHOOK_SUBSCRIPTIONS_LIST, {
      topics: [...topics],
      first: PAGE,
      after,
    });
    const connection = answer.data.webhookSubscriptions;
    out.push(...connection.nodes.map((n) => ({ id: n.id, topic: n.topic, uri: n.uri, format: n.format })));
    if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
    after = connection.pageInfo.endCursor;
  }
  return out;
}

/** Creates a JSON subscription of `topic` to `uri`: its id, or Shopify's userErrors' messages (no value of ours in them). */
export async function createWebhookSubscription(
  client: ShopifyClient,
  topic: WebhookSubscriptionTopic,
  uri: string,
): Promise<{ id: string } | { userErrors: string[] }> {
  const { data } = await request(client, WEBHOOK_SUBSCRIPTION_CREATE, { topic, uri }, { mutation: { replaySafe: false } });
  const payload = data.webhookSubscriptionCreate;
  const created = payload?.webhookSubscription;
  if (created && (payload?.userErrors.length ?? 0) === 0) return { id: created.id };
  return { userErrors: (payload?.userErrors ?? []).map((e) => e.message) };
}
