/**
 * The simulator's own pricing of a query, written from Shopify's published rules and kept apart from the subgraph's
 * estimate on purpose: the simulator is the oracle the client's estimate is tested against, so sharing code would let
 * a wrong rule pass unnoticed.
 *
 * Rules (shopify.dev "GraphQL Admin API rate limits", Shopify engineering "Rate limiting GraphQL APIs by calculating
 * query complexity"):
 * - a scalar or enum field costs 0 (and so does `__typename`);
 * - an object field costs 1 plus what is selected inside it; a mutation's root field costs 10 instead of 1;
 * - an interface or union field costs as much as its most expensive possible selection;
 * - a connection costs 2 plus `first` (or `last`) nodes, each costing 1 plus what is selected in it
 *   (`edges { node }` and `nodes` describe the same nodes; `cursor` and `pageInfo` are free);
 * - a plain list is as many elements as its size argument (`first`, `last`, or the number of `ids`), one if it has none;
 * - `@skip`/`@include` remove a selection before pricing; every alias is priced on its own.
 * The requested cost uses the size arguments; the actual cost walks the returned data instead (a null object costs
 * nothing, a list costs its returned elements, and a list without a size argument costs its dearest element).
 *
 * The document is first turned into a plan (cost-plan.ts: what each response key costs and how), then this file prices
 * the plan either against the arguments or against the data.
 */
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { planOperation, type FieldPlan, type NodeAccess, type PriceOptions, type Selection, type Target } from './cost-plan.js';

export type { PriceOptions } from './cost-plan.js';

/** The most a single query may request; Shopify refuses anything dearer with MAX_COST_EXCEEDED. */
export const MAX_QUERY_COST = 1000;

/**
 * How this simulator charges compared with the rules above: `factor` scales the requested and the actual cost of
 * every query (rounded, at least 1 point for a query the rules price above 0). Shopify's published rules are an
 * estimate a real store may depart from (a live store charged 25 for `variants(first: 250)`, the rules say 503);
 * tests and benches set this through `POST /__simulator/cost` to prove the client learns what it is charged.
 */
export interface Charging {
  factor: number;
}

/** The rules' price of a query as this simulator charges it. */
export function charged(cost: number, charging: Charging): number {
  if (charging.factor === 1 || cost === 0) return cost;
  return Math.max(1, Math.round(cost * charging.factor));
}

/** One field's share as Shopify reports it under `extensions.cost.fields` when asked with `Shopify-GraphQL-Cost-Debug: 1`. */
export interface FieldCost {
  path: string[];
  definedCost: number | null;
  requestedTotalCost: number;
  requestedChildrenCost: number | null;
}

/** A query's cost and, for the requested cost, the per-field breakdown. */
export interface QueryCost {
  total: number;
  fields: FieldCost[];
}

/** What Shopify charges up front: the document priced with its size arguments. */
export function requestedCost(schema: GraphQLSchema, document: DocumentNode, options: PriceOptions = {}): QueryCost {
  const plan = planOperation(schema, document, options);
  if (!plan) return { total: 0, fields: [] };
  const fields: FieldCost[] = [];
  return { total: priceSelection(plan, [], fields), fields };
}

/** What the query really cost, priced against the data that came back. */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  data: Record<string, unknown> | null | undefined,
  options: PriceOptions = {},
): QueryCost {
  const plan = planOperation(schema, document, options);
  if (!plan || data == null) return { total: 0, fields: [] };
  return { total: chargeSelection(plan, data), fields: [] };
}

// ---- requested: priced from the arguments ----------------------------------------------------------------------

/** Prices a selection with its size arguments; `fields` collects the debug breakdown (null while comparing branches). */
function priceSelection(selection: Selection, path: string[], fields: FieldCost[] | null): number {
  let total = 0;
  for (const { key, plan } of selection) total += priceField(plan, [...path, key], fields);
  return total;
}

function priceField(plan: FieldPlan, path: string[], fields: FieldCost[] | null): number {
  const report = (definedCost: number | null, requestedTotalCost: number, requestedChildrenCost: number | null) =>
    fields?.push({ path, definedCost, requestedTotalCost, requestedChildrenCost });
  switch (plan.kind) {
    case 'free':
      report(0, 0, null);
      return 0;
    case 'object': {
      const inside = priceTarget(plan.target, path, fields);
      report(plan.own, plan.own + inside, inside);
      return plan.own + inside;
    }
    case 'list': {
      const element = plan.own + priceTarget(plan.target, path, fields);
      const total = (plan.size ?? 1) * element;
      report(null, total, element);
      return total;
    }
    case 'connection': {
      if (!plan.target) {
        report(null, 2, 0);
        return 2;
      }
      const at = plan.nodes[0]!;
      const nodePath = at.nodeKey ? [...path, at.key, at.nodeKey] : [...path, at.key];
      const inside = priceTarget(plan.target, nodePath, fields);
      fields?.push({ path: nodePath, definedCost: 1, requestedTotalCost: 1 + inside, requestedChildrenCost: inside });
      const total = 2 + plan.size * (1 + inside);
      report(null, total, 1 + inside);
      return total;
    }
  }
}

/** The dearest concrete selection; only the winner's fields go into the breakdown. */
function priceTarget(target: Target, path: string[], fields: FieldCost[] | null): number {
  let dearest: Selection | undefined;
  let price = -1;
  for (const name of target.candidates) {
    const selection = target.forType(name);
    const p = priceSelection(selection, path, null);
    if (p > price) [dearest, price] = [selection, p];
  }
  return dearest ? priceSelection(dearest, path, fields) : 0;
}

// ---- actual: priced from the data ------------------------------------------------------------------------------

type Data = Record<string, unknown>;

function chargeSelection(selection: Selection, data: Data): number {
  let total = 0;
  for (const { key, plan } of selection) total += chargeField(plan, data[key]);
  return total;
}

function chargeField(plan: FieldPlan, value: unknown): number {
  if (plan.kind === 'free' || value == null) return 0;
  if (plan.kind === 'object') return plan.own + chargeTarget(plan.target, value as Data);
  if (plan.kind === 'list') {
    const elements = (Array.isArray(value) ? value : []).filter((e): e is Data => e != null && typeof e === 'object');
    const costs = elements.map((e) => plan.own + chargeTarget(plan.target, e));
    // without a size argument Shopify prices one element up front, so the refund keeps the dearest one
    if (plan.size === undefined) return costs.length ? Math.max(...costs) : 0;
    return costs.reduce((a, b) => a + b, 0);
  }
  if (!plan.target) return 2;
  let total = 2;
  for (const node of connectionNodes(plan.nodes, value as Data)) total += 1 + chargeTarget(plan.target, node);
  return total;
}

/** The returned nodes, with `edges[i].node` and `nodes[i]` merged into one node each. */
function connectionNodes(access: NodeAccess[], value: Data): Data[] {
  const merged: Data[] = [];
  for (const { key, nodeKey } of access) {
    const list = value[key];
    if (!Array.isArray(list)) continue;
    for (let i = 0; i < list.length; i++) {
      const entry = list[i] as Data | null;
      const node = nodeKey ? entry?.[nodeKey] : entry;
      if (node && typeof node === 'object') merged[i] = { ...merged[i], ...(node as Data) };
    }
  }
  return merged.filter((n) => n !== undefined);
}

/** The returned object's own type when it says (`__typename`), else the dearest candidate for this data. */
function chargeTarget(target: Target, value: Data): number {
  if (typeof value.__typename === 'string') return chargeSelection(target.forType(value.__typename), value);
  let price = 0;
  for (const name of target.candidates) price = Math.max(price, chargeSelection(target.forType(name), value));
  return price;
}
