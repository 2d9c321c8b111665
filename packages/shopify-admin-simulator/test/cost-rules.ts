/**
 * Shopify's cost rules as hand-computed cases, run against any implementation with the same signatures: the
 * simulator's own (test/cost.test.ts) and the subgraph's estimate (the root's test/shopify/cost.test.ts). The figures
 * are Shopify's, so both must meet them; the implementations stay independent of each other.
 */
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadAdminSchema } from 'shopify-admin-schema';

/** Shopify's per-field debug shape (`Shopify-GraphQL-Cost-Debug: 1`). */
export interface FieldCostReport {
  path: ReadonlyArray<string>;
  definedCost: number | null;
  requestedTotalCost: number;
  requestedChildrenCost: number | null;
}

/** What a cost implementation reports for a document. */
export interface CostReport {
  total: number;
  fields: ReadonlyArray<FieldCostReport>;
}

/** A cost implementation: what both the simulator and the client provide. */
export interface CostRules {
  requestedCost(schema: GraphQLSchema, document: DocumentNode, options?: { variables?: Record<string, unknown> }): CostReport;
  actualCost(schema: GraphQLSchema, document: DocumentNode, data: Record<string, unknown> | null | undefined): CostReport;
}

/** Registers the hand-computed cost cases for `rules`, named after `label`. */
export function describeShopifyCostRules(label: string, rules: CostRules): void {
  const { requestedCost, actualCost } = rules;
  const schema = loadAdminSchema();
  const cost = (query: string, variables?: Record<string, unknown>) => requestedCost(schema, parse(query), { variables }).total;

  const PROFILE = `
    query Profiles($n: Int!) {
      customers(first: 10) {
        nodes {
          id
          ...Spent
          orders(first: $n) {
            edges { node { id name fulfillments(first: 2) { id trackingInfo(first: 3) { number } } } }
            pageInfo { hasNextPage }
          }
        }
      }
    }
    fragment Spent on Customer { amountSpent { amount currencyCode } }`;

  describe(`requestedCost (${label})`, () => {
    it('prices connections, nested connections, sized lists and fragments', () => {
      // trackingInfo(first: 3)        = 3 × 1 (object, scalars free)         = 3
      // one fulfillment               = 1 + 3                                 = 4
      // fulfillments(first: 2)        = 2 × 4 (plain list sized by first)     = 8
      // one order node                = 1 + 8                                 = 9
      // orders(first: $n = 5)         = 2 + 5 × 9 (edges, pageInfo free)      = 47
      // one customer node             = 1 + amountSpent 1 (from the fragment) + 47 = 49
      // customers(first: 10)          = 2 + 10 × 49                           = 492
      expect(cost(PROFILE, { n: 5 })).toBe(492);
      // with $n = 1: orders = 2 + 9 = 11; customer = 1 + 1 + 11 = 13; customers = 2 + 130 = 132
      expect(cost(PROFILE, { n: 1 })).toBe(132);
    });

    it('prices a mutation at 10 plus its payload', () => {
      // orderCancel 10 + job 1 + orderCancelUserErrors (unsized list: one element) 1 = 12
      expect(
        cost(
          'mutation { orderCancel(orderId: "gid://shopify/Order/1", reason: CUSTOMER, restock: true) { job { id done } orderCancelUserErrors { field message code } } }',
        ),
      ).toBe(12);
    });

    it('counts each alias, honours @skip/@include, and takes the dearest branch of an interface', () => {
      // two aliased object fields: 1 + 1; the skipped connection costs nothing
      expect(
        cost(
          'query($no: Boolean = false) { a: customer(id: "1") { id } b: customer(id: "2") { id } c: customers(first: 50) @include(if: $no) { nodes { id } } }',
        ),
      ).toBe(2);
      // nodes(ids: 3 ids): 3 × (1 + max(Customer: amountSpent 1, Order: totalPriceSet 1 + shopMoney 1)) = 3 × 3 = 9
      expect(
        cost(
          '{ nodes(ids: ["a", "b", "c"]) { id ... on Customer { amountSpent { amount } } ... on Order { totalPriceSet { shopMoney { amount } } } } }',
        ),
      ).toBe(9);
    });

    it('reports per-field costs in Shopify’s debug shape', () => {
      const r = requestedCost(schema, parse('{ customers(first: 10) { nodes { id firstName } } }'));
      expect(r.total).toBe(12);
      expect(r.fields).toEqual([
        { path: ['customers', 'nodes', 'id'], definedCost: 0, requestedTotalCost: 0, requestedChildrenCost: null },
        { path: ['customers', 'nodes', 'firstName'], definedCost: 0, requestedTotalCost: 0, requestedChildrenCost: null },
        { path: ['customers', 'nodes'], definedCost: 1, requestedTotalCost: 1, requestedChildrenCost: 0 },
        { path: ['customers'], definedCost: null, requestedTotalCost: 12, requestedChildrenCost: 1 },
      ]);
    });

    it('prices the actual cost from what came back', () => {
      const doc = parse('{ customers(first: 10) { nodes { id orders(first: 5) { nodes { id } } } } }');
      // requested: 2 + 10 × (1 + (2 + 5 × 1)) = 82
      expect(requestedCost(schema, doc).total).toBe(82);
      const data = {
        customers: {
          nodes: [
            { id: 'a', orders: { nodes: [{ id: 'o1' }, { id: 'o2' }] } },
            { id: 'b', orders: { nodes: [] } },
          ],
        },
      };
      // actual: 2 + (1 + 2 + 2 × 1) + (1 + 2 + 0) = 2 + 5 + 3 = 10
      expect(actualCost(schema, doc, data).total).toBe(10);
    });
  });
}
