/**
 * Composes the supergraph from the two schema files (dev/profiles.graphql, schema.graphql), as `rover supergraph
 * compose --config supergraph.yaml` would, and writes it for a router that reads a file (compose.yaml's one-shot
 * `supergraph` service). Exits 1 listing every composition error.
 *
 *   tsx dev/supergraph-file.ts --out /supergraph/supergraph.graphql \
 *     --profiles-url http://profiles:4002/graphql --shopify-url http://shopify:4001/graphql
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { compose, localSubgraphs } from './compose.js';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: './data/supergraph.graphql' },
    'profiles-url': { type: 'string', default: 'http://127.0.0.1:4002/graphql' },
    'shopify-url': { type: 'string', default: 'http://127.0.0.1:4001/graphql' },
  },
});

const result = compose(localSubgraphs({ profiles: values['profiles-url'], shopify: values['shopify-url'] }));
if (!result.ok) {
  process.stderr.write(`The supergraph does not compose:\n${result.errors.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(1);
}
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, result.supergraphSdl);
process.stdout.write(`supergraph written to ${values.out}\n`);
