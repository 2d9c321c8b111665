/**
 * `npm run dev`: the local supergraph in one process — two demo stores, demo profiles subgraph, this subgraph and a
 * gateway whose landing page is Apollo Sandbox, ready to query with the printed demo agent token. Ctrl-C stops it.
 * `npm run dev -- --subgraphs-only` leaves the gateway out, for `rover dev --supergraph-config supergraph.yaml`.
 */
import { ConfigError } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { CompositionError } from './compose.js';
import { checkPorts, PortInUseError, readPort, type PortSetting } from './ports.js';
import { DEFAULT_PORTS, PORT_VARIABLES, startDevStack, type DevStack, type ServerName } from './stack.js';

const USAGE = `Usage: npm run dev [-- --subgraphs-only]

Starts two demo stores (Shopify simulators: us in USD, eu in EUR, sharing some customers), the demo profiles
subgraph, this subgraph serving both stores, and a supergraph gateway.
  --subgraphs-only   no gateway: route with your own router (rover dev --supergraph-config supergraph.yaml)

Ports: GATEWAY_PORT (4000), PORT (4001, this subgraph), PROFILES_PORT (4002), SIMULATOR_PORT (4100, the us store),
SIMULATOR_EU_PORT (4101, the eu store); 0 = any free port. HOST (127.0.0.1) is the address they listen on.
DEMO_SEED and DEMO_CUSTOMERS shape the demo stores (the eu store's seed is DEMO_SEED + 1).`;

function fail(lines: string[]): never {
  process.stderr.write(`Cannot start the local supergraph:\n${lines.map((l) => `  - ${l}`).join('\n')}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const unknown = args.filter((a) => a !== '--subgraphs-only');
  if (unknown.length > 0) fail([`unknown argument(s) ${unknown.join(' ')}\n\n${USAGE}`]);
  const withGateway = !args.includes('--subgraphs-only');
  const env = process.env;
  const host = env.HOST?.trim() || '127.0.0.1';

  // Every port problem at once (bad value, the same port twice, a port in use), each naming its variable.
  const problems: string[] = [];
  const ports = {} as Record<ServerName, number>;
  const settings: PortSetting[] = [];
  for (const name of Object.keys(DEFAULT_PORTS) as ServerName[]) {
    const read = readPort(env, PORT_VARIABLES[name], DEFAULT_PORTS[name]);
    if (typeof read === 'string') problems.push(read);
    else {
      ports[name] = read.port;
      if (name !== 'gateway' || withGateway) settings.push(read);
    }
  }
  if (problems.length === 0) problems.push(...(await checkPorts(settings, host)));
  if (problems.length > 0) fail(problems);
  const ignored = ['SHOPIFY_STORE_DOMAIN', 'SHOPIFY_STORES_FILE'].filter((v) => env[v]?.trim());
  if (ignored.length > 0) {
    process.stderr.write(
      `Note: npm run dev always serves the two demo stores; ${ignored.join(' and ')} ${ignored.length > 1 ? 'are' : 'is'} ignored here (use npm start for a real store).\n`,
    );
  }

  // Signals are handled from before the first server starts, so a Ctrl-C at any moment stops what is running.
  let stack: DevStack | null = null;
  let stopping = false;
  const shutdown = (running: DevStack) =>
    running.close().then(
      () => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      },
      (error: unknown) => {
        process.stderr.write(`Stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  const stop = (signal: string) => {
    // Ignore repeats: a second Ctrl-C (or the same one relayed by tsx's parent process) must not cut the
    // shutdown short; the timer below still ends a shutdown that hangs.
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the gateway, the subgraphs and the demo stores…\n`);
    setTimeout(() => {
      process.stderr.write('Still stopping after 10 s; exiting anyway.\n');
      process.exit(1);
    }, 10_000).unref();
    // During start-up, the start-up finishes first and then stops (below), so nothing is left behind.
    if (stack) void shutdown(stack);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const logger = createLogger({ level: env.LOG_LEVEL ?? 'warn' });
  try {
    stack = await startDevStack({ ports, host, env, logger, gateway: withGateway });
  } catch (error) {
    if (error instanceof PortInUseError) fail([error.message]);
    if (error instanceof ConfigError) fail(error.problems);
    if (error instanceof CompositionError) fail(error.errors);
    throw error;
  }
  if (stopping) return void shutdown(stack);
  process.stdout.write(summary(stack));
}

/** Loopback addresses read better as localhost in what a person copies. */
function display(url: string): string {
  return url.replace(/^http:\/\/(127\.0\.0\.1|\[::1\])(?=[:/])/, 'http://localhost').replace(/\/$/, '');
}

function summary(stack: DevStack): string {
  const { urls } = stack;
  const emailsOf = (customers: DevStack['stores'][number]['customers']) =>
    new Set(customers.flatMap((c) => (c.email ? [c.email.toLowerCase()] : [])));
  const byStore = stack.stores.map((s) => emailsOf(s.customers));
  const storesOf = (emails: string[]) => byStore.filter((set) => emails.some((e) => set.has(e.toLowerCase()))).length;
  const unmatched = stack.profiles.filter((p) => storesOf(p.emails) === 0).length;
  const inAll = stack.profiles.filter((p) => storesOf(p.emails) === stack.stores.length).length;
  const rows: Array<[string, string, string]> = [];
  if (urls.gateway) rows.push(['Supergraph + Apollo Sandbox', `${display(urls.gateway)}/`, 'open in a browser']);
  rows.push(['This subgraph (shopify)', display(urls.shopify), 'AUTH_MODE=jwt, dev secret']);
  rows.push([
    'Profiles subgraph (demo)',
    display(urls.profiles),
    `${stack.profiles.length} profiles (${inAll} in both stores, ${unmatched} not matched by email)`,
  ]);
  for (const store of stack.stores) {
    rows.push([
      `Demo store ${store.handle} (Shopify simulator)`,
      display(store.url),
      `${store.name}, ${store.currencyCode}, ${store.customers.length} customers, seed ${store.seed}`,
    ]);
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  const urlWidth = Math.max(...rows.map((r) => r[1].length));
  const lines = [
    '',
    'Local supergraph running (Ctrl-C stops everything)',
    '',
    ...rows.map(([what, url, note]) => `  ${what.padEnd(width)}  ${url.padEnd(urlWidth)}  ${note}`),
    '',
    `Demo agent token (all scopes, valid 24 h for this run only${urls.gateway ? '; already set in Sandbox' : ''}):`,
    `  export DEMO_TOKEN=${stack.token}`,
    '',
  ];
  if (urls.gateway) {
    lines.push(
      'Try it:',
      `  curl -s ${display(urls.gateway)}/ -H 'content-type: application/json' -H "authorization: Bearer $DEMO_TOKEN" \\`,
      `    --data '{"query":"{ profiles(first: 3) { id name shopifyCustomer { id displayName totalOrders } orders(limit: 2) { orderNumber status store { handle } total { amount currencyCode } } } }"}'`,
      '',
      `Sandbox opens with docs/operations/profile-card.graphql for ${stack.exampleProfileId}, a profile linked in both stores;`,
      'docs/operations/two-store-card.graphql shows its customer in each store. The other example operations are in docs/operations/.',
    );
  } else {
    lines.push(
      'No gateway (--subgraphs-only). Route with your own router, for example:',
      '  rover dev --supergraph-config supergraph.yaml --router-config dev/router.yaml',
      '(dev/router.yaml forwards the Authorization header to the shopify subgraph).',
    );
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error) => {
  process.stderr.write(
    `Failed to start the local supergraph: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
