/**
 * The demo profiles subgraph on its own (compose.yaml's `profiles` service), seeded from a running demo store's
 * customers exactly as `npm run dev` seeds it. `npm run dev` starts it in-process instead.
 *
 *   tsx dev/profiles-server.ts --host 0.0.0.0 --port 4002 --store http://demo-store:4100
 */
import { parseArgs } from 'node:util';
import { demoProfiles, startProfilesSubgraph, type SimCustomer } from './profiles-subgraph.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4002' },
    store: { type: 'string', default: 'http://127.0.0.1:4100' },
  },
});

const res = await fetch(`${values.store}/__simulator/customers`);
if (!res.ok) {
  process.stderr.write(`The demo store at ${values.store} did not list its customers (HTTP ${res.status})\n`);
  process.exit(1);
}
const profiles = demoProfiles((await res.json()) as SimCustomer[]);
const server = await startProfilesSubgraph({ profiles, port: Number(values.port), host: values.host });
process.stdout.write(`profiles subgraph (${profiles.length} profiles) listening on ${server.url}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
