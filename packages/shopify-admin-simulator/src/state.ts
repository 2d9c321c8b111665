/**
 * Everything a running simulator holds between requests: the seeded store, the bucket, armed faults, webhook
 * subscriptions and request statistics. A reset re-seeds, clears faults and stats, and puts the bucket back to the
 * plan the simulator started with, full. Webhook subscriptions survive a reset (their delivery log does not).
 */
import type { Logger } from 'pino';
import { Bucket } from './bucket.js';
import type { Charging } from './cost.js';
import { Faults } from './faults.js';
import { seedStore, type SeedOptions } from './seed.js';
import type { Store } from './store.js';
import { AppSubscriptions } from './webhook-subscriptions.js';
import { Webhooks } from './webhooks.js';

export interface Stats {
  requests: number;
  byOperation: Record<string, number>;
  requestedCost: number;
  actualCost: number;
  throttled: number;
  /** requests answered by an armed fault instead of GraphQL */
  faulted: number;
  maxCostExceeded: number;
  unauthorized: number;
}

const emptyStats = (): Stats => ({
  requests: 0,
  byOperation: {},
  requestedCost: 0,
  actualCost: 0,
  throttled: 0,
  faulted: 0,
  maxCostExceeded: 0,
  unauthorized: 0,
});

export interface StateOptions {
  token: string;
  seed: number;
  customers: number;
  maximumAvailable: number;
  restoreRate: number;
  logger?: Logger;
  /** the shop's myshopify domain: what `shop { myshopifyDomain }` answers and webhooks send as X-Shopify-Shop-Domain */
  shopDomain: () => string;
  /** who the shop is and whom it shares customers with; kept across resets (a reset re-seeds the same shop) */
  shop?: Pick<SeedOptions, 'currencyCode' | 'name' | 'idOffset' | 'sharedCustomers'>;
  /** how queries are charged against the published rules (cost.ts); a reset goes back to it; default factor 1 */
  charging?: Charging;
}

export class SimulatorState {
  store!: Store;
  seed: number;
  customers: number;
  readonly token: string;
  readonly bucket: Bucket;
  readonly faults = new Faults();
  readonly webhooks: Webhooks;
  stats: Stats = emptyStats();
  /** how queries are charged now: POST /__simulator/cost changes it, a reset restores the starting one */
  charging: Charging;
  private readonly startCharging: Charging;
  /** called on reset so hanging requests are let go */
  onReset: () => void = () => undefined;
  private unsubscribe: () => void = () => undefined;
  private readonly plan: { maximumAvailable: number; restoreRate: number };
  readonly shop: NonNullable<StateOptions['shop']>;
  private readonly shopDomain: () => string;
  /** the app's webhook subscriptions, handed to every re-seeded store: they survive a reset */
  readonly appSubscriptions = new AppSubscriptions();

  constructor(options: StateOptions) {
    this.plan = { maximumAvailable: options.maximumAvailable, restoreRate: options.restoreRate };
    this.startCharging = { factor: options.charging?.factor ?? 1 };
    this.charging = { ...this.startCharging };
    this.token = options.token;
    this.seed = options.seed;
    this.customers = options.customers;
    this.shop = options.shop ?? {};
    this.shopDomain = options.shopDomain;
    this.bucket = new Bucket({ maximumAvailable: options.maximumAvailable, restoreRate: options.restoreRate });
    this.webhooks = new Webhooks(options.shopDomain, options.logger);
    this.load();
  }

  /**
   * Re-seeds (optionally with another seed or size), clears faults and stats, restores the starting plan and charging,
   * and refills the bucket.
   */
  reset(options: { seed?: number; customers?: number } = {}): void {
    // seed first: a size the shared store cannot serve throws here and leaves the running store as it was
    const store = this.seedShop(options.seed ?? this.seed, options.customers ?? this.customers);
    this.seed = options.seed ?? this.seed;
    this.customers = options.customers ?? this.customers;
    this.load(store);
    this.faults.clear();
    this.stats = emptyStats();
    this.bucket.configure(this.plan);
    this.charging = { ...this.startCharging };
    this.bucket.refill();
    this.webhooks.deliveries.length = 0;
    this.onReset();
  }

  private seedShop(seed: number, customers: number): Store {
    const store = seedStore({ seed, customers, ...this.shop });
    store.myshopifyDomain = this.shopDomain;
    store.webhookSubscriptions = this.appSubscriptions;
    return store;
  }

  private load(store = this.seedShop(this.seed, this.customers)): void {
    this.unsubscribe();
    store.live = true;
    this.unsubscribe = store.onChange((e) => this.webhooks.handle(store, e));
    this.store = store;
  }
}
