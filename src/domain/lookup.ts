/**
 * What a customer lookup asks for and what it answers, in domain terms: the request context, the linking rules,
 * the caches and the Shopify gateway all speak these shapes, so none of them has to import another to name them.
 */
import type { ShopifyLinkRecord } from './links.js';
import type { CustomerBundle } from './model.js';

/**
 * How an email target picks its customer (a store's auto-link policy, `off` aside): `first` — the customer of the first
 * of the emails, in order, that one owns; `unique` — the one customer owning any of them, only when no email belongs
 * to a different customer (Gladly's rule).
 */
export type EmailPolicy = 'first' | 'unique';

/** How to find a profile's customer. */
export type CustomerTarget =
  { kind: 'id'; customerId: string } | { kind: 'emails'; emails: readonly string[]; /** default `first` */ policy?: EmailPolicy };

/** What to fetch with each customer; derived from the GraphQL selection. */
export interface FetchPlan {
  /** 0 = no orders */
  ordersFirst: number;
  lineItems: boolean;
  /** line items' product GIDs (`ShopifyProduct.productId`): a point per line item, so only when selected; absent = no */
  productIds?: boolean;
  tracking: boolean;
  location: boolean;
  /** orders' shipping addresses (`ShopifyOrder.shippingAddress`): personal data, so only when selected; absent = no */
  shippingAddress?: boolean;
}

/** The plan of a field that needs the customer alone (no orders). */
export const CUSTOMER_ONLY: FetchPlan = { ordersFirst: 0, lineItems: false, tracking: false, location: false };

/** A found customer; for email targets, which email matched. */
export interface CustomerHit {
  bundle: CustomerBundle;
  matchedEmail: string | null;
}

/** A profile's link as far as we know before asking Shopify. */
export interface ResolvedLink {
  manual: ShopifyLinkRecord | null;
  /** null: nothing to look up (no manual link and no usable email, or auto-link off) */
  target: CustomerTarget | null;
}

/** A profile's link in each served store, by handle (every served store has an entry). */
export type ProfileLinks = ReadonlyMap<string, ResolvedLink>;

/**
 * Which of a profile's emails links it to a customer. `ownerOf` says what is known of an email: a customer id, null
 * when it is known to have none, undefined when not known yet. Returns the linking email, null when the profile links
 * to no customer, or undefined when what is known does not decide it yet.
 * - `first`: the first email, in order, that a customer owns (an unknown email before any match leaves it undecided);
 * - `unique`: the email of the one customer that owns any of them; null when none does, or as soon as two emails are
 *   known to belong to different customers (ambiguous: no link); undecided while any email is unknown otherwise.
 * The one statement of the rule: a search page, a complete email lookup and the cache's email index all decide
 * through it.
 */
export function linkingEmail(
  emails: readonly string[],
  ownerOf: (email: string) => string | null | undefined,
  policy: EmailPolicy = 'first',
): string | null | undefined {
  if (policy === 'first') {
    for (const email of emails) {
      const owner = ownerOf(email);
      if (owner === undefined) return undefined;
      if (owner !== null) return email;
    }
    return null;
  }
  let linking: { email: string; owner: string } | null = null;
  let unknown = false;
  for (const email of emails) {
    const owner = ownerOf(email);
    if (owner === undefined) unknown = true;
    else if (owner !== null) {
      if (!linking) linking = { email, owner };
      else if (owner !== linking.owner) return null;
    }
  }
  if (unknown) return undefined;
  return linking?.email ?? null;
}
