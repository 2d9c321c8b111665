/**
 * The naive subgraph (bench/naive-subgraph.ts) in its own process, so that section 7's desk measures it beside the
 * compiled subgraphs on equal terms. Options come as JSON in BENCH_NAIVE ({ storeUrl, token }); it answers
 * `{ type: 'ready', url }`.
 */
import { startNaiveSubgraph } from './naive-subgraph.js';
import { serveJobs } from './processes.js';

const options = JSON.parse(process.env.BENCH_NAIVE ?? '{}') as { storeUrl: string; token: string };
const naive = await startNaiveSubgraph(options);
serveJobs(
  { url: naive.url },
  async (job) => {
    throw new Error(`the naive subgraph process takes no jobs (got ${String(job?.type)})`);
  },
  () => naive.close(),
);
