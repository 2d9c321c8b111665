/**
 * Which Shopify customer a profile is linked to: a stored manual link wins; otherwise (when auto-linking is on)
 * the profile's emails, in order, matched against customers' emails.
 */
import DataLoader from 'dataloader';
import type { ShopifyLinkRecord, Store } from '../store/index.js';
import type { CustomerTarget } from '../shopify/customers.js';
import type { ProfileRef } from './model.js';

/** A profile's link as far as we know before asking Shopify. */
export interface ResolvedLink {
  manual: ShopifyLinkRecord | null;
  /** null: nothing to look up (no manual link and no usable email, or auto-link off) */
  target: CustomerTarget | null;
}

const EMAIL = /^[^\s@",\\()]+@[^\s@",\\()]+\.[^\s@",\\()]+$/;

/**
 * Emails as Shopify compares them: trimmed, lower case, syntactically plausible, without repeats, in order.
 * Anything else could not match a customer and would only cost query points.
 */
export function normalizeEmails(emails: ReadonlyArray<string | null | undefined> | null | undefined): string[] {
  const out: string[] = [];
  for (const raw of emails ?? []) {
    const email = raw?.trim().toLowerCase();
    if (email && EMAIL.test(email) && !out.includes(email)) out.push(email);
  }
  return out;
}

/** The lookup target for a profile, given its manual link (if any). */
export function linkTarget(profile: ProfileRef, manual: ShopifyLinkRecord | null, autoLink: boolean): CustomerTarget | null {
  if (manual) return { kind: 'id', customerId: manual.customerId };
  if (!autoLink) return null;
  const emails = normalizeEmails(profile.emails);
  return emails.length > 0 ? { kind: 'emails', emails } : null;
}

/** Per request: one store query for all the profiles of a batch. */
export function createLinkLoader(store: Store, autoLink: boolean): DataLoader<ProfileRef, ResolvedLink, string> {
  return new DataLoader<ProfileRef, ResolvedLink, string>(
    async (profiles) => {
      const manual = await store.links.getMany(profiles.map((p) => p.id));
      return profiles.map((p) => {
        const link = manual.get(p.id) ?? null;
        return { manual: link, target: linkTarget(p, link, autoLink) };
      });
    },
    // The same profile id can come with different emails only in a broken router; the id is what is stored.
    { cacheKeyFn: (p) => `${p.id}\u0000${(p.emails ?? []).join(',')}` },
  );
}
