/**
 * Section 1: Shopify requests and cost per supergraph query, for K profiles and three selections, through a real
 * @apollo/gateway supergraph — this subgraph, and beside it in the same run the naive (unbatched) subgraph behind an
 * identical gateway. Both answer from one simulator with a bucket too large to ever throttle, the cache is off,
 * stats are reset before each row, and both answers are compared (they must be the same data).
 *
 * Also records the exact Shopify requests the subgraph sends for the latency section's `_entities` call.
 */
import { isDeepStrictEqual } from 'node:util';
import { startGateway } from '../dev/gateway.js';
import { demoProfiles, startProfilesSubgraph, type DemoProfile, type SimCustomer } from '../dev/profiles-subgraph.js';
import { MAX_QUERY_COST } from '../src/shopify/cost.js';
import { startSimulator } from 'shopify-admin-simulator';
import { composeSupergraph, startSupergraph } from '../dev/supergraph-harness.js';
import { startNaiveSubgraph } from './naive-subgraph.js';
import { startRecordingProxy, toShape, type Shape } from './proxy.js';
import { entitiesQuery, representations, SELECTIONS, supergraphQuery, type SelectionName } from './queries.js';

/** The store every section uses: seed and size of the simulator's seeded store. */
export const STORE = { seed: 1, customers: 500 } as const;
/** A bucket that never throttles, so counts are not distorted by retries. */
export const HUGE_BUCKET = { maximumAvailable: 1e9, restoreRate: 1e9 } as const;

/** What one supergraph query cost in Shopify terms. */
export interface ShopifyCounts {
  requests: number;
  requestedCost: number;
  actualCost: number;
  /** ceil(requestedCost / 1000): the fewest requests that could carry this requested cost */
  floor: number;
  byOperation: Record<string, number>;
}

export interface RequestsRow {
  id: string;
  selection: SelectionName;
  k: number;
  /** profiles among the K with a Shopify customer, and those customers' orders */
  linked: number;
  orders: number;
  subgraph: ShopifyCounts;
  naive: ShopifyCounts;
  /** naive / subgraph */
  ratio: { requests: number; requestedCost: number; actualCost: number };
  /** both supergraph answers had no errors and were equal */
  sameData: boolean;
  errors: string[];
}

export interface RequestsResult {
  conditions: string;
  rows: RequestsRow[];
  /** by batch size K: the Shopify requests (in rounds) of the latency section's `_entities` call, recorded at the proxy */
  entitiesShapes: Record<number, Shape>;
  /** the demo profiles, in order (the latency section takes the first K) */
  profiles: DemoProfile[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Runs section 1 for every selection × K. */
export async function runRequests(opts: {
  ks: readonly number[];
  latencyKs: readonly number[];
  log: (line: string) => void;
}): Promise<RequestsResult> {
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  };
  try {
    const sim = await startSimulator({ port: 0, ...STORE, ...HUGE_BUCKET });
    closers.push(() => sim.close());
    const control = async (path: string, body?: unknown) => {
      const res = await fetch(
        `${sim.url}/__simulator/${path}`,
        body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
      if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status}`);
      return (await res.json()) as any;
    };
    const customers = (await control('customers')) as SimCustomer[];
    const profiles = demoProfiles(customers);
    const byEmail = new Map(customers.flatMap((c) => (c.email ? [[c.email.toLowerCase(), c] as const] : [])));
    const customerOf = (p: DemoProfile) => p.emails.map((e) => byEmail.get(e.toLowerCase())).find(Boolean);

    // Both subgraphs reach the simulator through the recording proxy (so their shop URLs are the same too).
    const proxy = await startRecordingProxy(sim.url);
    closers.push(() => proxy.close());
    const real = await startSupergraph({ profiles, simulatorUrl: proxy.url, env: { SHOPIFY_CACHE_TTL_S: '0' } });
    closers.push(() => real.close());
    const naive = await startNaiveSubgraph({ storeUrl: proxy.url, token: sim.token });
    closers.push(() => naive.close());
    const naiveProfiles = await startProfilesSubgraph({ profiles, port: 0 });
    closers.push(() => naiveProfiles.close());
    const naiveGateway = await startGateway({ supergraphSdl: composeSupergraph(naiveProfiles.url, naive.url), port: 0 });
    closers.push(() => naiveGateway.close());

    const ask = async (gatewayUrl: string, selection: SelectionName, ids: string[]) => {
      await control('reset', {});
      const res = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: supergraphQuery(selection), variables: { ids } }),
      });
      const body = (await res.json()) as {
        data?: { profiles?: unknown[] };
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
      const stats = await control('stats');
      const counts: ShopifyCounts = {
        requests: stats.requests,
        requestedCost: stats.requestedCost,
        actualCost: stats.actualCost,
        floor: Math.ceil(stats.requestedCost / MAX_QUERY_COST),
        byOperation: stats.byOperation,
      };
      const errors = (body.errors ?? []).map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`);
      if (res.status !== 200) errors.push(`HTTP ${res.status}`);
      if (body.data?.profiles?.length !== ids.length)
        errors.push(`expected ${ids.length} profiles, got ${body.data?.profiles?.length ?? 'none'}`);
      if (stats.throttled > 0) errors.push(`${stats.throttled} THROTTLED at the simulator`);
      return { counts, data: body.data, errors };
    };

    const rows: RequestsRow[] = [];
    for (const selection of Object.keys(SELECTIONS) as SelectionName[]) {
      for (const k of opts.ks) {
        const chosen = profiles.slice(0, k);
        const ids = chosen.map((p) => p.id);
        const ours = await ask(real.gatewayUrl, selection, ids);
        const base = await ask(naiveGateway.url, selection, ids);
        const linked = chosen.map(customerOf).filter((c): c is SimCustomer => Boolean(c));
        const errors = [...ours.errors.map((e) => `subgraph: ${e}`), ...base.errors.map((e) => `naive: ${e}`)];
        const sameData = errors.length === 0 && isDeepStrictEqual(ours.data, base.data);
        if (errors.length === 0 && !sameData) errors.push('the subgraph and the naive subgraph returned different data');
        const ratio = (a: number, b: number) => (b > 0 ? round1(a / b) : 0);
        const row: RequestsRow = {
          id: `requests/${selection}/K=${k}`,
          selection,
          k,
          linked: linked.length,
          orders: linked.reduce((s, c) => s + c.numberOfOrders, 0),
          subgraph: ours.counts,
          naive: base.counts,
          ratio: {
            requests: ratio(base.counts.requests, ours.counts.requests),
            requestedCost: ratio(base.counts.requestedCost, ours.counts.requestedCost),
            actualCost: ratio(base.counts.actualCost, ours.counts.actualCost),
          },
          sameData,
          errors,
        };
        rows.push(row);
        opts.log(
          `  ${SELECTIONS[selection].label}, K=${k}: subgraph ${ours.counts.requests} requests (floor ${ours.counts.floor}), naive ${base.counts.requests}${errors.length ? `  ERRORS: ${errors.join('; ')}` : ''}`,
        );
      }
    }

    // The latency section's _entities calls, sent straight to the subgraph. Each is sent once first, unrecorded, so
    // that what is recorded is the steady state (a fresh subgraph sends its very first request alone, to learn the
    // bucket). The recorded one runs with 100 ms of simulator latency, so that requests that wait on others are
    // unmistakably in a later round.
    const entitiesShapes: Record<number, Shape> = {};
    for (const k of opts.latencyKs) {
      const body = JSON.stringify({ query: entitiesQuery('card'), variables: { representations: representations(profiles.slice(0, k)) } });
      const call = async () => {
        const res = await fetch(real.subgraphUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const answer = (await res.json()) as { data?: { _entities?: unknown[] }; errors?: unknown[] };
        if (answer.errors || answer.data?._entities?.length !== k) {
          throw new Error(
            `the subgraph did not answer the _entities call for ${k} profiles: ${JSON.stringify(answer.errors ?? answer).slice(0, 500)}`,
          );
        }
      };
      await control('reset', {});
      await call();
      await control('faults', { latencyMs: 100 });
      proxy.clear();
      await call();
      entitiesShapes[k] = toShape(proxy.records());
      await control('faults', {});
    }

    return {
      conditions:
        `gateway → subgraph → simulator (seed ${STORE.seed}, ${STORE.customers} customers, bucket ${HUGE_BUCKET.maximumAvailable.toExponential(0)} points: never throttles); ` +
        `cache off (SHOPIFY_CACHE_TTL_S=0); simulator stats reset before each row; profiles = the first K demo profiles (npm run dev); ` +
        `"all fields" = every ShopifyOrder field but agentActions (audit store, no Shopify request); floor = ceil(requested cost / ${MAX_QUERY_COST})`,
      rows,
      entitiesShapes,
      profiles,
    };
  } finally {
    await closeAll();
  }
}
