/**
 * The shop's product catalogue, as the seed's line items reference it: every product of seed-data.ts with its
 * variants. A variant's id is the store's first variant id + the product's index × 10 + the variant's index; its price
 * in a currency is the USD price converted at the fixed rates and rounded to .x0 (gift cards are sold at face value).
 * Seeded orders and draft orders both price from here, so a variant costs the same wherever it is bought.
 */
import { RATES, type Currency } from './model.js';
import { PRODUCTS } from './seed-data.js';
import { ascii } from './seed-draws.js';
import type { Store } from './store.js';

export interface CatalogVariant {
  productId: number;
  variantId: number;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string;
  unitMinor: number;
  imageUrl: string | null;
  giftCard: boolean;
}

/** A USD price in minor units in another currency, rounded to the nearest .x0. */
export function priceIn(usdMinor: number, currency: Currency): number {
  return currency === 'USD' ? usdMinor : Math.round(usdMinor / RATES[currency] / 10) * 10;
}

/** The catalogue's variant of an id, priced in `currency`; null when the shop sells no such variant. */
export function catalogVariant(store: Store, variantId: number, currency: Currency): CatalogVariant | null {
  const index = variantId - store.firstId('variant');
  const p = Math.floor(index / 10);
  const v = index % 10;
  const def = index >= 0 ? PRODUCTS[p] : undefined;
  if (!def || v >= def.variants.length) return null;
  const abbr = def.title
    .replace(/[^A-Z]/g, '')
    .padEnd(3, 'X')
    .slice(0, 3);
  return {
    productId: store.firstId('product') + p,
    variantId,
    title: def.title,
    variantTitle: def.variants[v] ?? null,
    sku: def.sku ? `${abbr}-${String(p + 1).padStart(3, '0')}-${v + 1}` : null,
    vendor: def.vendor,
    unitMinor: def.giftCard ? [2500, 5000, 10000][v]! : priceIn(def.priceUsd, currency),
    imageUrl: def.image ? `https://cdn.shopify.com/s/files/1/0000/0001/files/${ascii(def.title)}-${v + 1}.jpg` : null,
    giftCard: Boolean(def.giftCard),
  };
}
