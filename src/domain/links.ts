/**
 * A manual link as stored, in domain terms: the linking rules, the request context and the persistence layer all
 * name it, and the persistence layer depends on domain/ (never the other way), so the shape lives here.
 */
import type { StoreHandle } from './stores.js';

export type LinkMethod = 'MANUAL';

/** A profile's manual link to one customer of one store. */
export interface ShopifyLinkRecord {
  /** the store the customer belongs to */
  store: StoreHandle;
  profileId: string;
  /** Shopify customer GID, e.g. gid://shopify/Customer/123 (unique within its store only) */
  customerId: string;
  method: LinkMethod;
  linkedBy: string | null;
  linkedAt: Date;
}
