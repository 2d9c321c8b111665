/**
 * Which Shopify customer a profile is linked to, in each served store: a stored manual link in that store wins;
 * otherwise (when the store auto-links) the profile's emails, in order, matched against that store's customers.
 */
import DataLoader from 'dataloader';
import type { ShopifyLinkRecord, Store } from '../store/index.js';
import type { CustomerTarget, ProfileLinks, ResolvedLink } from '../domain/lookup.js';
import { isPlainEmail } from '../shopify/search-syntax.js';
import type { ProfileRef } from '../domain/model.js';
import type { AutoLinkPolicy, StoreHandle } from '../domain/stores.js';

/** The most distinct emails one profile is looked up by unless configured otherwise (SHOPIFY_MAX_EMAILS_PER_PROFILE). */
export const DEFAULT_MAX_EMAILS_PER_PROFILE = 10;
/** Longer strings are not trimmed and tested at all: no address is this long, whatever its padding. */
const MAX_RAW_EMAIL_LENGTH = 320;

/** The emails a profile is looked up by, and how many of the ones it sent were not used. */
export interface SelectedEmails {
  emails: string[];
  /** invalid, repeated, or beyond the per-profile limit */
  ignored: number;
}

/**
 * Emails as Shopify compares them: trimmed, lower case, plain addresses only, without repeats, in order, at most
 * `max` of them. Linear in the input (a Set, and no work at all past the limit): a representation carrying tens of
 * thousands of emails costs microseconds, not seconds. Anything dropped could not match a customer safely or would
 * only cost query points.
 */
export function selectEmails(raw: unknown, max: number = DEFAULT_MAX_EMAILS_PER_PROFILE): SelectedEmails {
  if (!Array.isArray(raw)) return { emails: [], ignored: 0 };
  const seen = new Set<string>();
  let i = 0;
  for (; i < raw.length && seen.size < max; i++) {
    const value: unknown = raw[i];
    if (typeof value !== 'string' || value.length > MAX_RAW_EMAIL_LENGTH) continue;
    const email = value.trim().toLowerCase();
    // Plain addresses only: nothing in one can act as Shopify search syntax (see search-syntax.ts).
    if (isPlainEmail(email)) seen.add(email);
  }
  return { emails: [...seen], ignored: raw.length - seen.size };
}

/** {@link selectEmails}, the emails only. */
export function normalizeEmails(emails: ReadonlyArray<string | null | undefined> | null | undefined, max?: number): string[] {
  return selectEmails(emails, max).emails;
}

/** How a profile's emails are used: at most `maxEmails` of them; `onIgnored` hears how many were not (metrics). */
export interface EmailLimits {
  maxEmails?: number;
  onIgnored?: (count: number) => void;
}

/** The lookup target for a profile, given its manual link (if any). */
export function linkTarget(
  profile: ProfileRef,
  manual: ShopifyLinkRecord | null,
  autoLink: boolean,
  limits: EmailLimits = {},
): CustomerTarget | null {
  return targetOf(() => selectEmails(profile.emails, limits.maxEmails), manual, autoLink ? 'first' : 'off', limits.onIgnored);
}

function targetOf(
  select: () => SelectedEmails,
  manual: ShopifyLinkRecord | null,
  policy: AutoLinkPolicy,
  onIgnored?: (count: number) => void,
): CustomerTarget | null {
  if (manual) return { kind: 'id', customerId: manual.customerId };
  if (policy === 'off') return null;
  const { emails, ignored } = select();
  if (ignored > 0) onIgnored?.(ignored);
  if (emails.length === 0) return null;
  return policy === 'unique' ? { kind: 'emails', emails, policy } : { kind: 'emails', emails };
}

/** A served store as linking sees it: its handle and auto-link policy. */
export interface LinkingStore {
  handle: StoreHandle;
  autoLink: AutoLinkPolicy;
}

/**
 * Per request: one database query for all the profiles of a batch, reading their manual links in every store, and
 * each served store's lookup target (its manual link, else the profile's emails when the store auto-links).
 */
export function createLinkLoader(
  store: Store,
  stores: readonly LinkingStore[],
  limits: EmailLimits = {},
): DataLoader<ProfileRef, ProfileLinks, string> {
  // Every field of a profile asks for its links with the same object: its emails are read once, not once per field
  // and again for the batch (a representation may carry hundreds of thousands of entries).
  const selected = new WeakMap<ProfileRef, { key: string; emails: SelectedEmails }>();
  const select = (p: ProfileRef) => {
    let entry = selected.get(p);
    if (!entry) {
      const emails = selectEmails(p.emails, limits.maxEmails);
      // The same profile id can come with different emails only in a broken router; the id is what is stored.
      entry = { key: `${p.id}\u0000${emails.emails.join(',')}`, emails };
      selected.set(p, entry);
    }
    return entry;
  };
  return new DataLoader<ProfileRef, ProfileLinks, string>(
    async (profiles) => {
      const manual = await store.links.getManyAllStores(profiles.map((p) => p.id));
      return profiles.map((p) => {
        const records = manual.get(p.id) ?? [];
        // Ignored emails are counted once per profile, by the first store that looks its emails up.
        let onIgnored = limits.onIgnored;
        const emails = () => {
          const chosen = select(p).emails;
          if (chosen.ignored > 0) onIgnored?.(chosen.ignored);
          onIgnored = undefined;
          return chosen;
        };
        const links = new Map<StoreHandle, ResolvedLink>();
        for (const s of stores) {
          const link = records.find((r) => r.store === s.handle) ?? null;
          links.set(s.handle, { manual: link, target: targetOf(emails, link, s.autoLink) });
        }
        return links;
      });
    },
    { cacheKeyFn: (p) => select(p).key },
  );
}
