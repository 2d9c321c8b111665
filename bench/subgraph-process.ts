/**
 * This subgraph in its own process, built exactly as `npm start` builds it (loadConfig → buildApp → listen), so its
 * memory can be read from /proc and its event loop is its own. Configured by its environment like `npm start`;
 * listens on a free loopback port and answers `{ type: 'ready', url }`. Stops gracefully when the bench goes away.
 */
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { listenHttp } from '../dev/ports.js';
import { createLogger } from '../src/logger.js';
import { serveJobs } from './processes.js';

const config = loadConfig(process.env);
const app = await buildApp(config, createLogger({ level: config.logLevel }));
const port = await listenHttp(app.server.http, 0, '127.0.0.1', 'PORT');
serveJobs(
  { url: `http://127.0.0.1:${port}/graphql` },
  async (job) => {
    if (job?.type === 'memory') {
      // With --expose-gc, a full collection first: what is left is what the process really retains.
      if (job.gc) (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage();
    }
    throw new Error(`unknown job ${String(job?.type)}`);
  },
  () => app.close(),
);
