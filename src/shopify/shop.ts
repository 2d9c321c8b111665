/**
 * What a store is, beyond its configuration: its own currency, asked of Shopify once per store and remembered (a
 * shop's currency does not change under a running subgraph; a failed answer is not remembered).
 */
import type { StoreDirectory, StoreHandle, StoreModel } from '../domain/stores.js';
import type { ShopifyClient } from './client.js';
import { SHOP_CURRENCY } from './operations.js';
import { request } from './typed-request.js';

/** The directory of the served stores, each with the client that reaches it. */
export function createStoreDirectory(stores: ReadonlyArray<StoreModel & { shopify: ShopifyClient }>): StoreDirectory {
  const clients = new Map(stores.map((s) => [s.handle, s.shopify]));
  const currencies = new Map<StoreHandle, Promise<string>>();
  return {
    stores: stores.map(({ handle, name, domain }) => ({ handle, name, domain })),
    currency(handle) {
      let known = currencies.get(handle);
      if (!known) {
        const shopify = clients.get(handle);
        if (!shopify) return Promise.reject(new Error(`no store with handle ${handle}`));
        known = request(shopify, SHOP_CURRENCY, {}).then((r) => r.data.shop.currencyCode);
        currencies.set(handle, known);
        // Only an answer is remembered: the next caller asks again after a failure.
        known.catch(() => currencies.delete(handle));
      }
      return known;
    },
  };
}
