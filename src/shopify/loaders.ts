/**
 * Per-request DataLoaders for Shopify data. Every resolver of every profile in a batch asks for
 * (target, plan); the batch function merges the plans, asks the source once for all targets, and hands
 * each caller its answer — one value or Error per key, in order, as DataLoader requires.
 */
import DataLoader from 'dataloader';
import { Pacer } from './pacer.js';
import type { Limiter } from './request-scope.js';
import type { CustomerHit, CustomerTarget, FetchPlan } from '../domain/lookup.js';
import { mergePlans, targetKey, type CustomerSource } from './customers.js';
import type { StoreHandle } from '../domain/stores.js';
import { inStore } from '../errors.js';

const named = <T>(answer: T | Error, store: StoreHandle): T | Error => (answer instanceof Error ? inStore(answer, store) : answer);

export interface CustomerKey {
  target: CustomerTarget;
  plan: FetchPlan;
}

export type CustomerLoader = DataLoader<CustomerKey, CustomerHit | null, string>;

const planKey = (p: FetchPlan) =>
  `${p.ordersFirst}${p.lineItems ? 'L' : ''}${p.productIds ? 'I' : ''}${p.tracking ? 'T' : ''}${p.location ? 'P' : ''}${p.shippingAddress ? 'A' : ''}`;

/**
 * Profiles per batch. Packing a batch into requests is synchronous work that grows faster than the batch; batches of
 * this size pack in a few milliseconds each, and the pacer lets other requests in between them. A router's list
 * view (≤ 100 profiles) is one batch; a 1000-profile call is four.
 */
const MAX_BATCH = 250;

/** A DataLoader that hands its answers out through the request's pacer (see pacer.ts). */
class PacedLoader<K, V> extends DataLoader<K, V, string> {
  constructor(
    batch: DataLoader.BatchLoadFn<K, V>,
    options: DataLoader.Options<K, V, string>,
    private readonly pacer: Pacer,
  ) {
    super(batch, options);
  }

  override async load(key: K): Promise<V> {
    const value = await super.load(key);
    await this.pacer.pace();
    return value;
  }
}

/**
 * The customer loader of one store for one request; `limiter` caps that request's Shopify calls in flight to the
 * store, and every error it hands out names the store (`extensions.store`).
 */
export function createCustomerLoader(
  source: CustomerSource,
  store: StoreHandle,
  limiter?: Limiter,
  pacer: Pacer = new Pacer(),
): CustomerLoader {
  return new PacedLoader<CustomerKey, CustomerHit | null>(
    async (keys) => {
      // Each batch packs in a slice of its own: a 1000-profile call's four batches do not pack in one stretch.
      await pacer.pace();
      // One plan for the whole batch: a request's profiles are all asked the same selection, so the union costs
      // nothing extra there, and it lets shopifyCustomer, orders and products of one profile share one lookup.
      const plan = mergePlans(keys.map((k) => k.plan));
      const unique = new Map<string, CustomerTarget>();
      for (const k of keys) unique.set(targetKey(k.target), k.target);
      const targets = [...unique.values()];
      const answers = await source.load(targets, plan, limiter);
      const byTarget = new Map(targets.map((t, i) => [targetKey(t), named(answers[i]!, store)]));
      return keys.map((k) => byTarget.get(targetKey(k.target))!);
    },
    { cacheKeyFn: (k) => `${targetKey(k.target)}|${planKey(k.plan)}`, maxBatchSize: MAX_BATCH },
    pacer,
  );
}
