/**
 * Batch sizes as the Shopify side sees them: every DataLoader batch is one load() on the customer source, so
 * counting targets there measures how well per-request batching works, without touching the loaders.
 */
import type { CustomerSource } from '../shopify/customers.js';

/** Wraps a source so each batch's size is reported. */
export function measureBatches(source: CustomerSource, observe: (size: number) => void): CustomerSource {
  return {
    load(targets, plan, limiter) {
      observe(targets.length);
      return source.load(targets, plan, limiter);
    },
  };
}
