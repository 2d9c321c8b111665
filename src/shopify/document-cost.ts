/**
 * The requested cost of one of our own documents by Shopify's published rules (the linear model), parsed once and
 * memoised by variable shape. The rules it applies are in cost.ts; this file only remembers their answers. What a
 * store really charges corrects it per store in ./cost-learning.ts, which is what requests and packing ask for.
 */
import { FieldsOnCorrectTypeRule, KnownArgumentNamesRule, KnownTypeNamesRule, parse, validate, type DocumentNode } from 'graphql';
import { requestedCost } from './cost.js';
import { costSchema } from './schema.js';

const parsed = new Map<string, { doc: DocumentNode; costs: Map<string, number> }>();
/** Distinct variable shapes remembered per document; packing a batch asks for a few dozen. */
const MAX_SHAPES = 5_000;

/**
 * The variables as far as cost is concerned: Shopify's rules read list sizes (`ids`, `first`) and booleans
 * (@include), never the text of a string, so `["gid…", "gid…"]` and `"email:…"` reduce to `2` and `""`. It is also the
 * key under which ./cost-learning.ts remembers what a store charged, so one string serves both memories.
 */
export function costShape(variables: Record<string, unknown>): string {
  return JSON.stringify(variables, (_key, value) => (Array.isArray(value) ? value.length : typeof value === 'string' ? '' : value));
}

/**
 * Requested cost of one of our documents with these variables, by Shopify's rules. Documents are parsed once and
 * costs remembered by variable shape: packing tries thousands of candidate groups per large batch, and walking the
 * document against the schema each time made packing most of the subgraph's own latency.
 */
export function costOf(document: string, variables: Record<string, unknown>): number {
  return linearCost(document, costShape(variables), variables);
}

/** costOf for a caller that already holds the variables' {@link costShape} (the learned estimate keys by it too). */
export function linearCost(document: string, shape: string, variables: Record<string, unknown>): number {
  let entry = parsed.get(document);
  if (!entry) {
    entry = { doc: checked(parse(document)), costs: new Map() };
    parsed.set(document, entry);
  }
  let cost = entry.costs.get(shape);
  if (cost === undefined) {
    cost = requestedCost(costSchema(), entry.doc, { variables }).total;
    if (entry.costs.size >= MAX_SHAPES) entry.costs.clear();
    entry.costs.set(shape, cost);
  }
  return cost;
}

/**
 * The cost rules skip fields they cannot find, so a document that selects something the cut schema lacks would be
 * priced too low; refuse it instead (codegen cuts the schema from the documents in its `documents` list).
 */
function checked(doc: DocumentNode): DocumentNode {
  const errors = validate(costSchema(), doc, [FieldsOnCorrectTypeRule, KnownTypeNamesRule, KnownArgumentNamesRule]);
  if (errors.length > 0) {
    throw new Error(
      `a Shopify document is not covered by the cost schema (is it in codegen.ts's documents? run npm run codegen): ${errors[0]!.message}`,
    );
  }
  return doc;
}
