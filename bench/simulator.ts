/**
 * Simulator throughput for a typical support-desk profile query: one customer by email with 10 orders, each with
 * its fulfillments (tracking) and 5 line items. Runs sequentially, then at a fixed concurrency, for ~10 s in all.
 *   npx tsx bench/simulator.ts [--duration 10000] [--concurrency 16]
 * `runSimulatorBench` returns the same figures for a bench runner.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from 'shopify-admin-simulator';

export const PROFILE_QUERY = `query CustomerProfile($email: String!) {
  customerByIdentifier(identifier: { emailAddress: $email }) {
    id displayName defaultEmailAddress { emailAddress } amountSpent { amount currencyCode } numberOfOrders
    orders(first: 10, sortKey: CREATED_AT, reverse: true) {
      nodes {
        id name createdAt displayFinancialStatus displayFulfillmentStatus
        totalPriceSet { shopMoney { amount currencyCode } }
        fulfillments(first: 3) { id status trackingInfo(first: 3) { number url company } }
        lineItems(first: 5) { nodes { id title quantity sku originalUnitPriceSet { shopMoney { amount currencyCode } } } }
      }
    }
  }
}`;

export interface BenchPhase {
  concurrency: number;
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
}

export interface SimulatorBenchResult {
  query: 'customer profile: 10 orders × (fulfillments + 5 line items)';
  requestedQueryCost: number;
  actualQueryCost: number;
  sequential: BenchPhase;
  concurrent: BenchPhase;
}

export interface SimulatorBenchOptions {
  /** total run time, split evenly between the two phases; default 10 000 ms */
  durationMs?: number;
  /** default 16 */
  concurrency?: number;
  seed?: number;
  customers?: number;
}

/** Starts a simulator (with a bucket large enough never to throttle), measures, stops it, and returns the figures. */
export async function runSimulatorBench(options: SimulatorBenchOptions = {}): Promise<SimulatorBenchResult> {
  const durationMs = options.durationMs ?? 10_000;
  const concurrency = options.concurrency ?? 16;
  const sim = await startSimulator({
    port: 0,
    seed: options.seed,
    customers: options.customers,
    maximumAvailable: 1e12,
    restoreRate: 1e12,
  });
  try {
    const customers = (await (await fetch(`${sim.url}/__simulator/customers`)).json()) as Array<{
      email: string | null;
      numberOfOrders: number;
    }>;
    const target = customers.find((c) => c.email && c.numberOfOrders >= 10);
    if (!target) throw new Error('the seed has no customer with an email and 10 orders');
    const body = JSON.stringify({ query: PROFILE_QUERY, variables: { email: target.email } });
    const headers = { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': sim.token };
    const once = async (): Promise<{ ok: boolean; json?: any }> => {
      const res = await fetch(sim.graphqlUrl, { method: 'POST', headers, body });
      const json = (await res.json()) as any;
      return { ok: res.status === 200 && !json.errors && json.data?.customerByIdentifier?.orders?.nodes?.length === 10, json };
    };
    const warm = await once();
    if (!warm.ok) throw new Error(`profile query failed: ${JSON.stringify(warm.json?.errors ?? warm.json)}`);
    for (let i = 0; i < 50; i++) await once();
    const phase = async (workers: number, ms: number): Promise<BenchPhase> => {
      const latencies: number[] = [];
      let errors = 0;
      const start = performance.now();
      const end = start + ms;
      await Promise.all(
        Array.from({ length: workers }, async () => {
          while (performance.now() < end) {
            const t = performance.now();
            const r = await once().catch(() => ({ ok: false }));
            latencies.push(performance.now() - t);
            if (!r.ok) errors++;
          }
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      latencies.sort((a, b) => a - b);
      const pct = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0) * 100) / 100;
      return {
        concurrency: workers,
        requests: latencies.length,
        errors,
        seconds: Math.round(seconds * 100) / 100,
        requestsPerSecond: Math.round(latencies.length / seconds),
        p50Ms: pct(0.5),
        p95Ms: pct(0.95),
      };
    };
    const sequential = await phase(1, durationMs / 2);
    const concurrent = await phase(concurrency, durationMs / 2);
    return {
      query: 'customer profile: 10 orders × (fulfillments + 5 line items)',
      requestedQueryCost: warm.json.extensions.cost.requestedQueryCost,
      actualQueryCost: warm.json.extensions.cost.actualQueryCost,
      sequential,
      concurrent,
    };
  } finally {
    await sim.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: { duration: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '16' } },
  });
  const r = await runSimulatorBench({ durationMs: Number(values.duration), concurrency: Number(values.concurrency) });
  const line = (name: string, p: BenchPhase) =>
    `${name.padEnd(16)} ${String(p.requestsPerSecond).padStart(6)} req/s   p50 ${p.p50Ms} ms   p95 ${p.p95Ms} ms   (${p.requests} requests, ${p.errors} errors, ${p.seconds} s)`;
  console.log(`Shopify simulator — ${r.query}; requested cost ${r.requestedQueryCost}, actual ${r.actualQueryCost}`);
  console.log(line('sequential', r.sequential));
  console.log(line(`concurrency ${r.concurrent.concurrency}`, r.concurrent));
}
