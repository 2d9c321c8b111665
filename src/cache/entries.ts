/**
 * What the customer cache stores and the rules that decide when a stored entry answers a request. Pure: no I/O.
 *
 * Keys (under the deployment's Redis prefix, or bare in the in-process LRU):
 *   c:<customer GID>  → CustomerEntry (JSON): the bundle and the plan it was fetched with
 *   e:<email>         → customer GID, or NO_CUSTOMER when no customer has that email (auto-linked profiles hit too)
 *   o:<order GID>     → customer GID, so an order id (refund webhook, action) finds the entry to drop
 *   t:c:… t:e:… t:o:… → tombstone: when the id was last invalidated (ms), so a load already in flight then is not stored
 *   w:e:<email>       → when the e: entry was written (ms)
 *
 * Write times (CustomerEntry.at, w:e:) let a read apply the store's TTL of now rather than the one the entry was
 * written with: when a store's webhooks stop being verified its TTL drops from minutes to seconds, and an entry
 * written under the long TTL is then a miss once older than the short one. e: values stay a bare GID or NO_CUSTOMER
 * (its time lives beside it) so a replica of the previous version, sharing Redis during a rollout, still reads them;
 * an entry without a time was written by that version, under the short TTL, and is read as fresh until it expires.
 * o: entries only find what to drop, so their age does not matter.
 */
import type { CustomerBundle } from '../domain/model.js';
import { linkingEmail, type CustomerTarget, type FetchPlan } from '../domain/lookup.js';

/** The e: value for "no customer has this email". */
export const NO_CUSTOMER = '-';

export const customerKey = (gid: string) => `c:${gid}`;
export const emailKey = (email: string) => `e:${email}`;
export const orderKey = (gid: string) => `o:${gid}`;
export const tombstoneKey = (key: string) => `t:${key}`;
export const writtenKey = (key: string) => `w:${key}`;

/** A cached customer: the bundle, the plan it answers, and the e: keys that point at it (dropped with it). */
export interface CustomerEntry {
  bundle: CustomerBundle;
  plan: FetchPlan;
  emails: string[];
  /** when it was fetched (ms); absent in entries of versions before write times */
  at?: number;
}

/** True when an entry written at `at` (ms; undefined = unknown, an older version's) is within `ttlMs` of `now`. */
export function fresh(at: number | undefined, ttlMs: number, now: number): boolean {
  return at === undefined || !Number.isFinite(at) || now - at <= ttlMs;
}

/**
 * True when an entry fetched with `have` answers a request for `want`: it has at least as many orders (or all the
 * customer has) and every optional part asked for.
 */
export function covers(entry: CustomerEntry, want: FetchPlan): boolean {
  if (want.ordersFirst === 0) return true;
  const have = entry.plan;
  if (have.ordersFirst === 0) return false;
  const allOrders = (entry.bundle.orders?.length ?? 0) < have.ordersFirst;
  if (have.ordersFirst < want.ordersFirst && !allOrders) return false;
  return partsCover(have, want);
}

/** True when an in-flight load for `have` will answer `want` (same rule, before the answer is known). */
export function planCovers(have: FetchPlan, want: FetchPlan): boolean {
  if (want.ordersFirst === 0) return true;
  return have.ordersFirst >= want.ordersFirst && partsCover(have, want);
}

/** Every optional part `want` asks for was fetched under `have`. */
function partsCover(have: FetchPlan, want: FetchPlan): boolean {
  return (
    (!want.lineItems || have.lineItems) &&
    (!want.productIds || !!have.productIds) &&
    (!want.tracking || have.tracking) &&
    (!want.location || have.location) &&
    (!want.shippingAddress || !!have.shippingAddress)
  );
}

/** The bundle as a request with `plan` would have got it from Shopify: no more orders than asked. */
export function shapeFor(bundle: CustomerBundle, plan: FetchPlan): CustomerBundle {
  if (plan.ordersFirst === 0) return { customer: bundle.customer };
  return { customer: bundle.customer, orders: bundle.orders?.slice(0, plan.ordersFirst) };
}

/** Parses a stored entry; a value that does not parse is treated as absent (a newer/older deploy wrote it). */
export function parseEntry(raw: string | null): CustomerEntry | null {
  if (!raw) return null;
  try {
    const entry = JSON.parse(raw) as CustomerEntry;
    return entry && entry.bundle?.customer?.id && entry.plan ? entry : null;
  } catch {
    return null;
  }
}

/** What the email index says about a target: a GID (and the email that matched), null (no customer), undefined (unknown). */
export function resolveTarget(
  t: CustomerTarget,
  owners: Map<string, string | null>,
): { gid: string; matchedEmail: string | null } | null | undefined {
  if (t.kind === 'id') return { gid: t.customerId, matchedEmail: null };
  // Not in the cache (null or undefined) is unknown; the NO_CUSTOMER marker is a known absence.
  const ownerOf = (email: string) => {
    const owner = owners.get(email);
    return owner === null || owner === undefined ? undefined : owner === NO_CUSTOMER ? null : owner;
  };
  const email = linkingEmail(t.emails, ownerOf, t.policy);
  if (email === null || email === undefined) return email;
  return { gid: ownerOf(email)!, matchedEmail: email };
}
