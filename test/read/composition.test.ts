import { readFileSync } from 'node:fs';
import { printSubgraphSchema } from '@apollo/subgraph';
import { describe, expect, it } from 'vitest';
import { buildSchema, SCHEMA_PATH } from '../../src/server.js';
import { composeSupergraph } from '../../dev/supergraph-harness.js';

describe('schema contract', () => {
  it('the running schema prints exactly as the committed schema.graphql', () => {
    expect(printSubgraphSchema(buildSchema())).toBe(readFileSync(SCHEMA_PATH, 'utf8'));
  });

  it('composes with a profiles subgraph that owns CustomerProfile { id emails }', () => {
    const supergraph = composeSupergraph();
    expect(supergraph).toContain('shopifyCustomer: ShopifyCustomer @join__field(graph: SHOPIFY, requires: "emails")');
    expect(supergraph).toMatch(
      /type CustomerProfile\s+@join__type\(graph: PROFILES, key: "id"\)\s+@join__type\(graph: SHOPIFY, key: "id"\)/,
    );
  });

  it('every type we own is prefixed Shopify (no collisions in a supergraph)', () => {
    const sdl = readFileSync(SCHEMA_PATH, 'utf8');
    const owned = [...sdl.matchAll(/^(?:type|enum|input|interface|union)\s+(\w+)/gm)].map((m) => m[1]);
    expect(owned.filter((n) => !/^Shopify/.test(n!) && !['CustomerProfile', 'Query', 'Mutation'].includes(n!))).toEqual([]);
  });
});
