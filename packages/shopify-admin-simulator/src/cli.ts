/**
 * `npm run simulator -- --port 4100 --token shpat_x [--seed 1] [--customers 500] [--host 127.0.0.1]`
 * `  [--currency EUR] [--name "EU store"] [--myshopify-domain eu.myshopify.com] [--id-offset N]`
 * `  [--shared-from-seed 1 --shared-fraction 0.3 [--shared-customers 500] [--shared-currency USD]]`:
 * runs the Shopify simulator until SIGINT/SIGTERM and prints where it listens.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN, startSimulator, type Currency, type SimulatorOptions } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4100' },
    host: { type: 'string', default: '127.0.0.1' },
    token: { type: 'string', default: DEFAULT_TOKEN },
    seed: { type: 'string', default: '1' },
    customers: { type: 'string', default: '500' },
    'maximum-available': { type: 'string', default: '2000' },
    'restore-rate': { type: 'string', default: '100' },
    currency: { type: 'string' },
    name: { type: 'string' },
    'myshopify-domain': { type: 'string' },
    'id-offset': { type: 'string' },
    'shared-from-seed': { type: 'string' },
    'shared-customers': { type: 'string' },
    'shared-currency': { type: 'string' },
    'shared-fraction': { type: 'string' },
  },
});

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const number = (name: string, raw: string): number => {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number, got "${raw}"`);
  return n;
};

const optional = (name: keyof typeof values): number | undefined => {
  const raw = values[name];
  return typeof raw === 'string' ? number(name, raw) : undefined;
};

/** --shared-* flags as the sharedCustomers option; the seed and the fraction go together or not at all. */
function sharedCustomers(): SimulatorOptions['sharedCustomers'] {
  const seed = optional('shared-from-seed');
  const fraction = optional('shared-fraction');
  const rest = values['shared-customers'] ?? values['shared-currency'];
  if (seed === undefined && fraction === undefined && rest === undefined) return undefined;
  if (seed === undefined || fraction === undefined) return fail('--shared-from-seed and --shared-fraction must be given together');
  return {
    seed,
    fraction,
    customers: optional('shared-customers'),
    currencyCode: values['shared-currency']?.toUpperCase() as Currency | undefined,
  };
}

const identity: SimulatorOptions = {
  currencyCode: values.currency?.toUpperCase() as Currency | undefined,
  name: values.name,
  myshopifyDomain: values['myshopify-domain'],
  idOffset: optional('id-offset'),
  sharedCustomers: sharedCustomers(),
};
const customised = Object.values(identity).some((v) => v !== undefined);

const sim = await startSimulator({
  port: number('port', values.port),
  host: values.host,
  token: values.token,
  seed: number('seed', values.seed),
  customers: number('customers', values.customers),
  maximumAvailable: number('maximum-available', values['maximum-available']),
  restoreRate: number('restore-rate', values['restore-rate']),
  ...identity,
}).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
// The CLI's output for a person, not a log: the local simulator's own (fake) token is the point of printing it.
process.stdout.write(
  [
    `Shopify simulator (Admin API ${sim.apiVersion}) listening on ${sim.url}`,
    `  GraphQL:  POST ${sim.graphqlUrl}`,
    `  token:    ${sim.token}   (header X-Shopify-Access-Token)`,
    `  control:  ${sim.url}/__simulator/stats, /customers, /orders, /reset, /faults, /throttle, /webhooks`,
    `  use:      SHOPIFY_STORE_DOMAIN=${sim.storeDomain} SHOPIFY_ADMIN_ACCESS_TOKEN=${sim.token}`,
    // only a customised shop says who it is, so the default output stays what scripts already read
    ...(customised ? [`  shop:     ${sim.name} (${sim.currencyCode}, ${sim.myshopifyDomain}); GET ${sim.url}/__simulator/shop`] : []),
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
