/**
 * The built-in demo stores, served when no store is configured (`npm start` without credentials, `npm run dev`): a
 * brand's US store in USD and its EU store in EUR, where 30 % of the EU store's customers are also customers of the US
 * store (same email and name, their own ids, orders and currency there), so some profiles are linked in both.
 * The simulator package is loaded only when they start: a configured deployment never loads it.
 */
import type { Simulator, SimulatorOptions } from 'shopify-admin-simulator';
import type { StoreConfig } from './config-stores.js';
import { ALL_ACTIONS_ON, type StoreHandle } from './domain/stores.js';
import { parseStoreDomain } from './shopify/transport.js';

/** The demo stores, in the order they are served. */
export const DEMO_STORES = [
  { handle: 'us', name: 'US demo store', currencyCode: 'USD' },
  { handle: 'eu', name: 'EU demo store', currencyCode: 'EUR' },
] as const;

/** The share of the EU demo store's customers who are also US customers. */
export const DEMO_SHARED_FRACTION = 0.3;

export interface DemoStoresOptions {
  /** the US store's seed; the EU store's is seed + 1 */
  seed: number;
  /** customers of each store */
  customers: number;
  /** where each listens (0 = any free port, the default); the host defaults to 127.0.0.1 */
  ports?: readonly [number, number];
  host?: string;
  /** the host the subgraph reaches them by (default: `host`): plain http is allowed to loopback hosts only */
  reachableHost?: string;
  apiVersion: string;
  /** the webhook secret both accept deliveries with (SHOPIFY_WEBHOOK_SECRET); null: webhooks refused */
  webhookSecret: string | null;
  /** SHOPIFY_AUTO_LINK: `first` when on */
  autoLink: boolean;
}

/** A running demo store. */
export interface DemoStore {
  handle: StoreHandle;
  /** the seed it was generated from */
  seed: number;
  simulator: Simulator;
  /** its configuration as a stores file would give it */
  config: StoreConfig;
}

/**
 * Starts both demo stores; `start` (default: the simulator package's startSimulator) lets a caller explain a busy
 * port. When the second fails to start, the first is stopped before the error is thrown.
 */
export async function startDemoStores(
  options: DemoStoresOptions,
  start?: (options: SimulatorOptions, index: number) => Promise<Simulator>,
): Promise<DemoStore[]> {
  const startSimulator = start ?? (await import('shopify-admin-simulator')).startSimulator;
  const [us, eu] = DEMO_STORES;
  const host = options.host ?? '127.0.0.1';
  const { seed, customers } = options;
  const plans: SimulatorOptions[] = [
    { seed, customers, currencyCode: us.currencyCode, name: us.name },
    {
      seed: seed + 1,
      customers,
      currencyCode: eu.currencyCode,
      name: eu.name,
      sharedCustomers: { seed, customers, currencyCode: us.currencyCode, fraction: DEMO_SHARED_FRACTION },
    },
  ];
  const started: Simulator[] = [];
  try {
    for (const [i, plan] of plans.entries()) started.push(await startSimulator({ ...plan, host, port: options.ports?.[i] ?? 0 }, i));
    // Shopify signs the app's own subscriptions (PUBLIC_URL) with the app's secret: the demo app's is the configured one.
    if (options.webhookSecret) await Promise.all(started.map((sim) => setAppSecret(sim, options.webhookSecret!)));
  } catch (error) {
    await Promise.all(started.map((s) => s.close().catch(() => undefined)));
    throw error;
  }
  return DEMO_STORES.map((d, i) => {
    const simulator = started[i]!;
    const url = `http://${options.reachableHost ?? host}:${new URL(simulator.url).port}`;
    return {
      handle: d.handle,
      seed: plans[i]!.seed!,
      simulator,
      config: {
        handle: d.handle,
        name: d.name,
        endpoint: parseStoreDomain(url),
        accessToken: simulator.token,
        webhookSecret: options.webhookSecret,
        actions: ALL_ACTIONS_ON,
        autoLink: options.autoLink ? 'first' : 'off',
        apiVersion: options.apiVersion,
      },
    };
  });
}

/** Makes a demo simulator sign the app's webhook subscriptions with `secret` (its control API). */
async function setAppSecret(sim: Simulator, secret: string): Promise<void> {
  const res = await fetch(`${sim.url}/__simulator/app`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ webhookSecret: secret }),
  });
  if (!res.ok) throw new Error(`demo store: setting the app's webhook secret failed (HTTP ${res.status})`);
}
