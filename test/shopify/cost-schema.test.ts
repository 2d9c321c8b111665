/**
 * The cut Admin schema that production prices requests against (scripts/codegen/admin-cost-schema.ts) must price
 * every document we send exactly as the full pinned schema does, for every variable shape that changes a cost.
 */
import { getNamedType, isListType, Kind, parse, typeFromAST, type OperationDefinitionNode } from 'graphql';
import { loadAdminSchema } from 'shopify-admin-schema';
import { describe, expect, it } from 'vitest';
import * as actionDocuments from '../../src/shopify/action-operations.js';
import * as editDocuments from '../../src/shopify/edit-operations.js';
import * as replacementDocuments from '../../src/shopify/replacement-operations.js';
import { requestedCost } from '../../src/shopify/cost.js';
import { costOf } from '../../src/shopify/document-cost.js';
import * as readDocuments from '../../src/shopify/operations.js';
import * as webhookDocuments from '../../src/shopify/webhook-subscriptions.js';
import { costSchema } from '../../src/shopify/schema.js';

const full = loadAdminSchema();

/** Every exported document holding an operation, by export name. */
const documents = Object.entries({
  ...readDocuments,
  ...actionDocuments,
  ...editDocuments,
  ...replacementDocuments,
  ...webhookDocuments,
}).flatMap(([name, value]) => {
  if (typeof value !== 'string' || !/^\s*(query|mutation)\b/m.test(value)) return [];
  const doc = parse(value);
  const operation = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operation ? [{ name, source: value, doc, operation }] : [];
});

/** Variable sets that move every size and switch: small, large and mixed lists and counts, switches on and off. */
function variableSets(operation: OperationDefinitionNode): Array<Record<string, unknown>> {
  return [
    { size: 1, count: 1, on: false },
    { size: 3, count: 10, on: true },
    { size: 50, count: 250, on: true },
    { size: 7, count: 3, on: false },
  ].map(({ size, count, on }) => {
    const vars: Record<string, unknown> = {};
    for (const def of operation.variableDefinitions ?? []) {
      const type = typeFromAST(full, def.type as never);
      const named = type ? getNamedType(type).name : '';
      const list = type ? isListType('ofType' in type && !isListType(type) ? type.ofType : type) : false;
      const one = named === 'Int' ? count : named === 'Boolean' ? on : named === 'ID' ? 'gid://shopify/Order/1' : 'x';
      vars[def.variable.name.value] = list ? Array.from({ length: size }, () => one) : one;
    }
    return vars;
  });
}

describe('the cut cost schema', () => {
  it('covers every Shopify document we send (the documents are found)', () => {
    expect(documents.map((d) => d.name)).toEqual(
      expect.arrayContaining(['PROFILE_CUSTOMERS', 'ACTION_REFUND_CREATE', 'ACTION_DISCOUNT_CREATE']),
    );
    expect(documents.length).toBeGreaterThanOrEqual(15);
  });

  it.each(documents.map((d) => [d.name, d] as const))('prices %s exactly as the full Admin schema does', (_name, d) => {
    for (const variables of variableSets(d.operation)) {
      const expected = requestedCost(full, d.doc, { variables });
      expect(requestedCost(costSchema(), d.doc, { variables })).toEqual(expected);
      expect(costOf(d.source, variables)).toBe(expected.total);
    }
  });

  it('is a small part of the Admin schema', () => {
    const count = (s: typeof full) => Object.keys(s.getTypeMap()).filter((n) => !n.startsWith('__')).length;
    // ~10 %: most of it is the ~200 Node implementations `nodes(ids:)` must keep and the input types of the mutations'
    // arguments (DraftOrderInput alone names ~20); an eighth of the schema would still be far below the full build.
    expect(count(costSchema())).toBeLessThan(count(full) / 8);
  });

  it('refuses to price a document that selects what the cut left out, instead of under-pricing it', () => {
    const outside = 'query Outside { shop { name } products(first: 5) { nodes { id title } } }';
    expect(requestedCost(full, parse(outside)).total).toBeGreaterThan(0);
    expect(() => costOf(outside, {})).toThrow(/not covered by the cost schema.*Cannot query field "name" on type "Shop"/);
  });
});
