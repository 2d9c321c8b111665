/**
 * The webhook part of the environment: PUBLIC_URL (the subgraph subscribes each store to the topics it handles), the
 * long cache TTL that applies while a store's webhooks are verified, and what "verified" waits for (README,
 * Configuration; src/webhooks/health.ts has the rule).
 */

type RawEnv = Record<string, string | undefined>;

/** The webhook settings of a Config. */
export interface WebhookConfig {
  /** PUBLIC_URL without a trailing slash: where Shopify reaches this subgraph; undefined = subscriptions not managed */
  publicUrl: string | undefined;
  /** SHOPIFY_WEBHOOKS_SUBSCRIBED: the operator declares every store subscribed (by hand), PUBLIC_URL being unset */
  declared: boolean;
  /** SHOPIFY_CACHE_TTL_WEBHOOKS_S: the cache TTL while a store's webhooks are verified */
  ttlSeconds: number;
  /** SHOPIFY_WEBHOOKS_RECENT_S: how long after a signed delivery a store's webhooks still count as arriving */
  recentSeconds: number;
  /** SHOPIFY_WEBHOOKS_EXPECT_S: how long a cancel or refund of ours may wait for its webhook */
  expectWithinSeconds: number;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * What is wrong with PUBLIC_URL, or null. https only (Shopify delivers to https addresses), except plain http to a
 * loopback host, where the simulator delivers. The value is never repeated: an internal address is not for logs.
 */
export function publicUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https:// URL (where Shopify reaches this subgraph)';
  }
  const loopback = LOOPBACK.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return 'must be an https:// URL (plain http only to localhost or 127.0.0.1)';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.search || url.hash) return 'must not have a query or fragment (the webhook path is appended to it)';
  return null;
}

/** Problems across the webhook variables (read raw, so they are listed with every other problem). */
export function webhookChecks(env: RawEnv): string[] {
  const problems: string[] = [];
  if (env.PUBLIC_URL) {
    const problem = publicUrlProblem(env.PUBLIC_URL);
    if (problem) problems.push(`PUBLIC_URL: ${problem}`);
    if (!env.SHOPIFY_STORES_FILE && !env.SHOPIFY_WEBHOOK_SECRET) {
      problems.push('PUBLIC_URL: subscribing needs SHOPIFY_WEBHOOK_SECRET, or every delivery would be refused as unsigned');
    }
  }
  if (isOn(env.SHOPIFY_WEBHOOKS_SUBSCRIBED) && env.PUBLIC_URL) {
    problems.push('SHOPIFY_WEBHOOKS_SUBSCRIBED: cannot be used with PUBLIC_URL, which makes the subgraph check the subscriptions itself');
  }
  const short = Number(env.SHOPIFY_CACHE_TTL_S ?? 30);
  const long = Number(env.SHOPIFY_CACHE_TTL_WEBHOOKS_S ?? DEFAULT_WEBHOOK_TTL_S);
  if (Number.isInteger(short) && Number.isInteger(long) && long < short) {
    problems.push('SHOPIFY_CACHE_TTL_WEBHOOKS_S: must be at least SHOPIFY_CACHE_TTL_S (it applies while webhooks keep the cache fresh)');
  }
  return problems;
}

const isOn = (v: string | undefined) => ['true', '1', 'yes', 'on'].includes((v ?? '').trim().toLowerCase());

/** Defaults: 10 minutes of cache while webhooks are verified; an hour of quiet, or a minute late, ends it. */
export const DEFAULT_WEBHOOK_TTL_S = 600;
export const DEFAULT_WEBHOOKS_RECENT_S = 3_600;
export const DEFAULT_WEBHOOKS_EXPECT_S = 60;

/** The WebhookConfig of validated values. */
export function webhookConfig(values: {
  PUBLIC_URL: string | undefined;
  SHOPIFY_WEBHOOKS_SUBSCRIBED: boolean;
  SHOPIFY_CACHE_TTL_WEBHOOKS_S: number;
  SHOPIFY_WEBHOOKS_RECENT_S: number;
  SHOPIFY_WEBHOOKS_EXPECT_S: number;
}): WebhookConfig {
  return {
    publicUrl: values.PUBLIC_URL?.trim().replace(/\/+$/, ''),
    declared: values.SHOPIFY_WEBHOOKS_SUBSCRIBED,
    ttlSeconds: values.SHOPIFY_CACHE_TTL_WEBHOOKS_S,
    recentSeconds: values.SHOPIFY_WEBHOOKS_RECENT_S,
    expectWithinSeconds: values.SHOPIFY_WEBHOOKS_EXPECT_S,
  };
}
