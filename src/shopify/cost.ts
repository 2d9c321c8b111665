/**
 * Query cost by Shopify's published rules, computed from a parsed document (+ variables) and the pinned schema.
 *
 * Used twice: the subgraph's Shopify client packs batched queries under MAX_QUERY_COST with `requestedCost`,
 * and the simulator charges its leaky bucket with `requestedCost` up front and refunds the difference to
 * `actualCost` (same rules, real list lengths) afterwards, like Shopify.
 *
 * Rules (shopify.dev "API rate limits", engineering blog "rate limiting GraphQL APIs by calculating query complexity"):
 * - scalar and enum fields cost 0; `__typename` costs 0
 * - an object field costs 1 + the cost of its selection
 * - an interface/union field costs 1 + the most expensive selection among its possible types
 * - a connection (a field returning a `*Connection` type) costs 2 + first/last × (cost of one node), where one node
 *   is everything selected under `edges { node }` and `nodes` merged (edges, cursor and pageInfo are free)
 * - a plain list with a size argument (`first`, `last`, or `ids` on `nodes`) costs size × (cost of one element);
 *   a plain list without one is priced as one element
 * - a mutation root field costs 10 + the cost of its payload selection
 * Fragments, inline fragments, aliases (each alias is priced) and @skip/@include are honoured (document-reading.ts
 * reads the document; this file holds the rules).
 * Not confirmed against a live store: the mutation payload term, and that unsized lists count one element.
 */
import {
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type GraphQLAbstractType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import {
  candidateTypes,
  collectFields,
  connectionItems,
  operationScope,
  sizeArgument,
  unwrapNode,
  type DocumentScope,
  type Obj,
} from './document-reading.js';

/** Shopify refuses any single query whose requested cost is above this, on every plan. */
export const MAX_QUERY_COST = 1000;
/** Cost of a mutation root field before its payload selection. */
export const MUTATION_COST = 10;

/** One field's share, in the shape Shopify returns under `extensions.cost.fields` with `Shopify-GraphQL-Cost-Debug: 1`. */
export interface FieldCost {
  /** response keys from the root; list items are not indexed (one entry per field in the document) */
  path: string[];
  /** the field's own cost (0 leaf, 1 object, 10 mutation); null for connections and lists, whose cost is all children */
  definedCost: number | null;
  /** what the field costs in total, children included (for the actual cost: summed over every returned item) */
  requestedTotalCost: number;
  /** the cost of one child (one node / element, or the object's selection); null for leaves */
  requestedChildrenCost: number | null;
}

export interface CostReport {
  /** the query's cost: `requestedQueryCost` or `actualQueryCost` */
  total: number;
  /** per-field costs, parents before children */
  fields: FieldCost[];
}

export interface CostOptions {
  variables?: Record<string, unknown> | null;
  /** needed when the document holds several operations */
  operationName?: string | null;
}

/** The requested cost: what Shopify charges before running the query, from the document and variables alone. */
export function requestedCost(schema: GraphQLSchema, document: DocumentNode, options: CostOptions = {}): CostReport {
  return run(schema, document, options, { actual: false, data: undefined });
}

/**
 * The actual cost of a response's `data`: the same rules with the lengths that were really returned (a null object
 * costs nothing; an unsized list costs its most expensive element).
 */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  data: Record<string, unknown> | null | undefined,
  options: CostOptions = {},
): CostReport {
  return run(schema, document, options, { actual: true, data: data ?? null });
}

interface Ctx extends DocumentScope {
  actual: boolean;
  mutationType: GraphQLObjectType | null | undefined;
  fields: Map<string, FieldCost>;
}

function run(schema: GraphQLSchema, document: DocumentNode, options: CostOptions, mode: { actual: boolean; data: Obj }): CostReport {
  const found = operationScope(schema, document, options);
  if (!found) return { total: 0, fields: [] };
  const rootType = schema.getRootType(found.operation.operation);
  if (!rootType) return { total: 0, fields: [] };
  const ctx: Ctx = { ...found.scope, actual: mode.actual, mutationType: schema.getMutationType(), fields: new Map() };
  const total = selectionCost(ctx, rootType, [found.operation.selectionSet], [], mode.data, true);
  return { total, fields: [...ctx.fields.values()] };
}

/** Cost of a selection (given as the selection sets of merged field nodes) on one concrete object type. */
function selectionCost(
  ctx: Ctx,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  path: string[],
  data: Obj,
  record: boolean,
): number {
  let sum = 0;
  for (const [key, nodes] of collectFields(ctx, type, sets)) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') continue;
    const field = type.getFields()[name];
    if (!field) continue;
    sum += fieldCost(ctx, type, field, nodes, [...path, key], data ? (data[key] as unknown) : undefined, record);
  }
  return sum;
}

function fieldCost(
  ctx: Ctx,
  parent: GraphQLObjectType,
  field: GraphQLField<unknown, unknown>,
  nodes: FieldNode[],
  path: string[],
  value: unknown,
  record: boolean,
): number {
  const named = getNamedType(field.type);
  if (isLeafType(named)) {
    if (record) note(ctx, path, 0, 0, null);
    return 0;
  }
  const sets = nodes.flatMap((n) => (n.selectionSet ? [n.selectionSet] : []));
  if (isObjectType(named) && named.name.endsWith('Connection')) return connectionCost(ctx, named, nodes[0]!, sets, path, value, record);
  const defined = parent === ctx.mutationType ? MUTATION_COST : 1;
  const element = (item: Obj, rec: boolean) => objectCost(ctx, named as GraphQLObjectType | GraphQLAbstractType, sets, path, item, rec);
  if (isListType(getNullableType(field.type))) {
    const size = sizeArgument(ctx, nodes[0]!);
    if (!ctx.actual) {
      const one = element(undefined, record);
      const total = (size ?? 1) * (defined + one);
      if (record) note(ctx, path, null, total, defined + one);
      return total;
    }
    const items = Array.isArray(value) ? (value as Obj[]) : [];
    let total = 0;
    if (size === undefined) {
      // unsized lists are priced as one element: charge the most expensive one returned
      let best = -1;
      let bestItem: Obj = null;
      for (const item of items) {
        if (item == null) continue;
        const c = element(item, false);
        if (c > best) [best, bestItem] = [c, item];
      }
      total = best < 0 ? 0 : defined + element(bestItem, record);
    } else {
      for (const item of items) if (item != null) total += defined + element(item, record);
    }
    if (record) note(ctx, path, null, total, items.length ? total / items.length : 0);
    return total;
  }
  if (ctx.actual && value == null) {
    if (record) note(ctx, path, defined, 0, 0);
    return 0;
  }
  const children = element(value as Obj, record);
  if (record) note(ctx, path, defined, defined + children, children);
  return defined + children;
}

/** 2 + size × one node, where one node merges `edges { node }` and `nodes` selections. */
function connectionCost(
  ctx: Ctx,
  type: GraphQLObjectType,
  node: FieldNode,
  sets: readonly SelectionSetNode[],
  path: string[],
  value: unknown,
  record: boolean,
): number {
  const nodeSets: SelectionSetNode[] = [];
  const itemKeys: Array<{ key: string; nodeKey?: string }> = [];
  let childPath: string[] | undefined;
  for (const [key, group] of collectFields(ctx, type, sets)) {
    const name = group[0]!.name.value;
    if (name === 'nodes') {
      for (const g of group) if (g.selectionSet) nodeSets.push(g.selectionSet);
      itemKeys.push({ key });
      childPath ??= [...path, key];
    } else if (name === 'edges') {
      const edgeType = getNamedType(type.getFields().edges!.type) as GraphQLObjectType;
      const edgeSets = group.flatMap((g) => (g.selectionSet ? [g.selectionSet] : []));
      for (const [nodeKey, inner] of collectFields(ctx, edgeType, edgeSets)) {
        if (inner[0]!.name.value !== 'node') continue;
        for (const g of inner) if (g.selectionSet) nodeSets.push(g.selectionSet);
        itemKeys.push({ key, nodeKey });
        childPath ??= [...path, key, nodeKey];
      }
    }
  }
  const nodeField = type.getFields().nodes ?? type.getFields().edges;
  const nodeType = nodeField ? unwrapNode(nodeField) : undefined;
  if (!nodeType || nodeSets.length === 0) {
    const total = ctx.actual && value == null ? 0 : 2;
    if (record) note(ctx, path, null, total, 0);
    return total;
  }
  const one = (item: Obj, rec: boolean) => 1 + objectCost(ctx, nodeType, nodeSets, childPath!, item, rec);
  let total: number;
  let child: number;
  if (!ctx.actual) {
    const size = sizeArgument(ctx, node) ?? 0;
    child = one(undefined, record);
    total = 2 + size * child;
    if (record) note(ctx, childPath!, 1, child, child - 1);
  } else if (value == null) {
    total = 0;
    child = 0;
  } else {
    const items = connectionItems(value as Record<string, unknown>, itemKeys);
    total = 2;
    for (const item of items) total += one(item, record);
    child = items.length ? (total - 2) / items.length : 0;
    if (record) note(ctx, childPath!, 1, total - 2, total - 2 - items.length);
  }
  if (record) note(ctx, path, null, total, child);
  return total;
}

/** Selection cost of an object or abstract type (without the field's own 1); abstract types take the maximum. */
function objectCost(
  ctx: Ctx,
  type: GraphQLObjectType | GraphQLAbstractType,
  sets: readonly SelectionSetNode[],
  path: string[],
  data: Obj,
  record: boolean,
): number {
  if (isObjectType(type)) return selectionCost(ctx, type, sets, path, data, record);
  const typename = data && typeof data.__typename === 'string' ? data.__typename : undefined;
  const known = typename ? ctx.schema.getType(typename) : undefined;
  if (known && isObjectType(known)) return selectionCost(ctx, known, sets, path, data, record);
  let best: GraphQLObjectType | undefined;
  let bestCost = -1;
  for (const candidate of candidateTypes(ctx, type, sets)) {
    const c = selectionCost(ctx, candidate, sets, path, data, false);
    if (c > bestCost) [best, bestCost] = [candidate, c];
  }
  return best ? selectionCost(ctx, best, sets, path, data, record) : 0;
}

function note(ctx: Ctx, path: string[], defined: number | null, total: number, children: number | null): void {
  const key = path.join('\u0000');
  const prev = ctx.fields.get(key);
  if (!prev) {
    ctx.fields.set(key, { path, definedCost: defined, requestedTotalCost: total, requestedChildrenCost: children });
  } else if (ctx.actual) {
    // the actual cost of a field under a list is the sum over all returned items
    prev.requestedTotalCost += total;
  } else if (total > prev.requestedTotalCost) {
    prev.requestedTotalCost = total;
    prev.requestedChildrenCost = children;
  }
}
