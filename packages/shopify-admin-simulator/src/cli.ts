/**
 * `npm run simulator -- --port 4100 --token shpat_x [--seed 1] [--customers 500] [--host 127.0.0.1]`:
 * runs the Shopify simulator until SIGINT/SIGTERM and prints where it listens.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN, startSimulator } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4100' },
    host: { type: 'string', default: '127.0.0.1' },
    token: { type: 'string', default: DEFAULT_TOKEN },
    seed: { type: 'string', default: '1' },
    customers: { type: 'string', default: '500' },
    'maximum-available': { type: 'string', default: '2000' },
    'restore-rate': { type: 'string', default: '100' },
  },
});

const number = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got "${raw}"`);
    process.exit(2);
  }
  return n;
};

const sim = await startSimulator({
  port: number('port', values.port),
  host: values.host,
  token: values.token,
  seed: number('seed', values.seed),
  customers: number('customers', values.customers),
  maximumAvailable: number('maximum-available', values['maximum-available']),
  restoreRate: number('restore-rate', values['restore-rate']),
});
// The CLI's output for a person, not a log: the local simulator's own (fake) token is the point of printing it.
process.stdout.write(
  [
    `Shopify simulator (Admin API ${sim.apiVersion}) listening on ${sim.url}`,
    `  GraphQL:  POST ${sim.graphqlUrl}`,
    `  token:    ${sim.token}   (header X-Shopify-Access-Token)`,
    `  control:  ${sim.url}/__simulator/stats, /customers, /orders, /reset, /faults, /throttle, /webhooks`,
    `  use:      SHOPIFY_STORE_DOMAIN=${sim.storeDomain} SHOPIFY_ADMIN_ACCESS_TOKEN=${sim.token}`,
  ].join('\n') + '\n',
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: stopping the simulator\n`);
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
