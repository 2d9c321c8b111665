/**
 * Per-request DataLoaders for Shopify data. Every resolver of every profile in a batch asks for
 * (target, plan); the batch function merges the plans, asks the source once for all targets, and hands
 * each caller its answer — one value or Error per key, in order, as DataLoader requires.
 */
import DataLoader from 'dataloader';
import type { Limiter } from './request-scope.js';
import type { CustomerHit, CustomerTarget, FetchPlan } from '../domain/lookup.js';
import { mergePlans, targetKey, type CustomerSource } from './customers.js';

export interface CustomerKey {
  target: CustomerTarget;
  plan: FetchPlan;
}

export type CustomerLoader = DataLoader<CustomerKey, CustomerHit | null, string>;

const planKey = (p: FetchPlan) => `${p.ordersFirst}${p.lineItems ? 'L' : ''}${p.tracking ? 'T' : ''}${p.location ? 'P' : ''}`;

/** The customer loader for one request; `limiter` caps that request's Shopify calls in flight. */
export function createCustomerLoader(source: CustomerSource, limiter?: Limiter): CustomerLoader {
  return new DataLoader<CustomerKey, CustomerHit | null, string>(
    async (keys) => {
      // One plan for the whole batch: a request's profiles are all asked the same selection, so the union costs
      // nothing extra there, and it lets shopifyCustomer, orders and products of one profile share one lookup.
      const plan = mergePlans(keys.map((k) => k.plan));
      const unique = new Map<string, CustomerTarget>();
      for (const k of keys) unique.set(targetKey(k.target), k.target);
      const targets = [...unique.values()];
      const answers = await source.load(targets, plan, limiter);
      const byTarget = new Map(targets.map((t, i) => [targetKey(t), answers[i]!]));
      return keys.map((k) => byTarget.get(targetKey(k.target))!);
    },
    { cacheKeyFn: (k) => `${targetKey(k.target)}|${planKey(k.plan)}`, maxBatchSize: 500 },
  );
}
