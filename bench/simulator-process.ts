/**
 * The Shopify simulator in its own process, so that its GraphQL execution does not share an event loop with what
 * is being measured. Options come as JSON in BENCH_SIMULATOR; it answers `{ type: 'ready', url, token, graphqlUrl }`.
 */
import { startSimulator, type SimulatorOptions } from 'shopify-admin-simulator';
import { serveJobs } from './processes.js';

const options = JSON.parse(process.env.BENCH_SIMULATOR ?? '{}') as SimulatorOptions;
const sim = await startSimulator({ ...options, port: 0, host: '127.0.0.1' });
serveJobs(
  { url: sim.url, token: sim.token, graphqlUrl: sim.graphqlUrl },
  async (job) => {
    throw new Error(`the simulator process takes no jobs (got ${String(job?.type)}); use its control API`);
  },
  () => sim.close(),
);
