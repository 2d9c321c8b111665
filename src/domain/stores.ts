/**
 * Stores are first-class: every Shopify call, budget, breaker, cache key, link, webhook and audit record belongs to
 * one. These are the plain shapes every folder speaks; config.ts builds them from the environment or a stores file.
 */
import { BadInputError } from '../errors.js';

/** A store's stable handle (`us`, `eu`): lower-case letters, digits and dashes, starting with a letter, ≤ 32. */
export type StoreHandle = string;

/** The handle of the store configured by SHOPIFY_STORE_DOMAIN alone, and of every link made before stores existed. */
export const DEFAULT_STORE_HANDLE: StoreHandle = 'default';

/** The pattern every handle matches. */
export const STORE_HANDLE_PATTERN = /^[a-z][a-z0-9-]{0,31}$/;

/** Agent actions a store can turn off. */
export type StoreAction = 'cancel' | 'refund' | 'discount' | 'edit' | 'replace';

/**
 * How profiles link to this store's customers by email when no manual link exists:
 * - `first`: the first of the profile's emails, in order, that matches a customer;
 * - `unique`: only when exactly one customer matches and no other email of the profile matches a different one;
 * - `off`: manual links only.
 */
export type AutoLinkPolicy = 'first' | 'unique' | 'off';

/** Every agent action, in the order configuration and messages list them. */
export const STORE_ACTIONS: readonly StoreAction[] = ['cancel', 'refund', 'discount', 'edit', 'replace'];

/** Every action allowed: a store's switches when it names none. */
export const ALL_ACTIONS_ON: StoreActions = Object.freeze(
  Object.fromEntries(STORE_ACTIONS.map((a) => [a, true])) as Record<StoreAction, boolean>,
);

/** Which agent actions a store allows (a store turns one off, for example, when refunds are handled elsewhere). */
export type StoreActions = Readonly<Record<StoreAction, boolean>>;

/** Every auto-link policy, in the order configuration and messages list them. */
export const AUTO_LINK_POLICIES: readonly AutoLinkPolicy[] = ['first', 'unique', 'off'];

/** A served store as the contract shows it (ShopifyStore); its currency is asked of Shopify when selected. */
export interface StoreModel {
  handle: StoreHandle;
  name: string;
  /** host[:port], as configured */
  domain: string;
}

/** The stores this process serves, in config order, and what is known of each only by asking Shopify. */
export interface StoreDirectory {
  readonly stores: readonly StoreModel[];
  /** the store's own currency; asked once, remembered; rejects (and is asked again next time) when Shopify fails */
  currency(handle: StoreHandle): Promise<string>;
}

/**
 * The store a mutation acts in: `raw` when given (the handle of a served store), else the only served store.
 * BAD_USER_INPUT naming `field` when it is malformed, unknown, or left out while several stores are served.
 */
export function selectStore(directory: StoreDirectory, raw: unknown, field: string): StoreHandle {
  // Only an error lists the handles: shopifyLink asks this once per profile of a batch.
  const handles = () => directory.stores.map((s) => s.handle).join(', ');
  if (raw === undefined || raw === null) {
    if (directory.stores.length === 1) return directory.stores[0]!.handle;
    throw new BadInputError(field, `several stores are served (${handles()}): name one`);
  }
  if (typeof raw !== 'string' || !STORE_HANDLE_PATTERN.test(raw)) {
    throw new BadInputError(field, 'must be a store handle: lower-case letters, digits and dashes, starting with a letter, at most 32');
  }
  if (!directory.stores.some((s) => s.handle === raw))
    throw new BadInputError(field, `no served store has this handle (served: ${handles()})`);
  return raw;
}

/**
 * The stores a read spans: the handles in `raw` (each a served store; repeats read once), in config order, or every
 * served store when `raw` is left out. BAD_USER_INPUT naming `field` for an empty list, a malformed or an unknown one.
 */
export function selectStores(directory: StoreDirectory, raw: readonly unknown[] | null | undefined, field: string): StoreHandle[] {
  const all = directory.stores.map((s) => s.handle);
  if (raw === undefined || raw === null) return all;
  if (raw.length === 0) throw new BadInputError(field, 'must name at least one store (leave it out for every store)');
  if (raw.length > all.length * 2 + 10) throw new BadInputError(field, `must name at most ${all.length} stores`);
  const named = new Set(raw.map((h) => selectStore(directory, h, field)));
  return all.filter((h) => named.has(h));
}
