/**
 * One GraphQL request against the pinned schema: parse and validate (cached per query string, since clients send
 * the same documents over and over), price it, charge the bucket, execute, charge the actual cost. HTTP lives in
 * server.ts; this file decides the response body.
 */
import { execute, GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { actualCost, charged, MAX_QUERY_COST, requestedCost, type Charging, type FieldCost } from './cost.js';
import type { Bucket } from './bucket.js';
import { maxCostError, parseError, throttledError, validationError, type ShopifyError } from './errors.js';
import { fieldResolver, typeResolver, type SimContext } from './resolvers/index.js';
import type { Store } from './store.js';

interface Prepared {
  document?: DocumentNode;
  errors?: ShopifyError[];
}

export interface GraphQLRequest {
  query: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphQLResponse {
  body: Record<string, unknown>;
  /** the operation's name (or "anonymous"), for stats */
  operation: string;
  requested: number;
  actual: number | null;
  throttled: boolean;
}

export interface ExecutorOptions {
  schema: GraphQLSchema;
  bucket: Bucket;
  store: () => Store;
  jobDelayMs: number;
  cacheSize?: number;
  /** how queries are charged against the published rules, read per request; default the rules themselves */
  charging?: () => Charging;
}

/** Builds the request runner; the document cache lives as long as the simulator. */
export function createExecutor(options: ExecutorOptions) {
  const { schema, bucket } = options;
  const cache = new LRUCache<string, Prepared>({ max: options.cacheSize ?? 500 });
  // the requested cost depends on the variables too; the same profile query is priced once per set of variables
  const costs = new LRUCache<string, ReturnType<typeof requestedCost>>({ max: (options.cacheSize ?? 500) * 4 });

  const prepare = (query: string): Prepared => {
    let hit = cache.get(query);
    if (hit) return hit;
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (err) {
      hit = { errors: [parseError(err as GraphQLError)] };
      cache.set(query, hit);
      return hit;
    }
    const errors = validate(schema, document);
    hit = errors.length ? { errors: errors.map((e) => validationError(e, document)) } : { document };
    cache.set(query, hit);
    return hit;
  };

  return async function run(req: GraphQLRequest, token: string, debugCost: boolean): Promise<GraphQLResponse> {
    const operationName = typeof req.operationName === 'string' && req.operationName ? req.operationName : null;
    if (typeof req.query !== 'string' || !req.query.trim()) {
      return done(
        { errors: [{ message: 'No query string was present', extensions: { code: 'BAD_REQUEST' } }] },
        operationName ?? 'anonymous',
      );
    }
    const prepared = prepare(req.query);
    if (!prepared.document) return done({ errors: prepared.errors }, operationName ?? 'anonymous');
    const document = prepared.document;
    const op = pickOperation(document, operationName);
    const opLabel = operationName ?? op?.name?.value ?? 'anonymous';
    if (!op)
      return done(
        {
          errors: [
            {
              message: operationName
                ? `No operation named "${operationName}"`
                : 'An operation name is required when the document has several operations',
              extensions: { code: 'BAD_REQUEST' },
            },
          ],
        },
        opLabel,
      );
    const variables =
      req.variables && typeof req.variables === 'object' && !Array.isArray(req.variables) ? (req.variables as Record<string, unknown>) : {};

    const costKey = `${operationName ?? ''}\u0000${JSON.stringify(variables)}\u0000${req.query}`;
    let priced = costs.get(costKey);
    if (!priced) {
      priced = requestedCost(schema, document, { variables, operationName });
      costs.set(costKey, priced);
    }
    // The cache holds the rules' price; what is charged can change between requests (POST /__simulator/cost).
    const charging = options.charging?.() ?? { factor: 1 };
    const requested = charging.factor === 1 ? priced : { ...priced, total: charged(priced.total, charging) };
    if (requested.total > MAX_QUERY_COST) {
      const status = bucket.status(token);
      return {
        ...done(
          {
            errors: [maxCostError(requested.total)],
            extensions: { cost: costExtension(requested.total, null, status, debugCost ? requested.fields : undefined) },
          },
          opLabel,
        ),
        requested: requested.total,
      };
    }
    const taken = bucket.take(token, requested.total);
    if (!taken.ok) {
      return {
        body: {
          errors: [throttledError()],
          extensions: { cost: costExtension(requested.total, null, taken.status, debugCost ? requested.fields : undefined) },
        },
        operation: opLabel,
        requested: requested.total,
        actual: null,
        throttled: true,
      };
    }
    const ctx: SimContext = { store: options.store(), jobDelayMs: options.jobDelayMs, search: [] };
    const result = await execute({
      schema,
      document,
      variableValues: variables,
      operationName,
      contextValue: ctx,
      fieldResolver,
      typeResolver,
    });
    const actual = result.data
      ? charged(actualCost(schema, document, result.data as Record<string, unknown>, { variables, operationName }).total, charging)
      : 0;
    const status = bucket.giveBack(token, Math.max(0, requested.total - actual));
    const body: Record<string, unknown> = {};
    if (result.errors?.length) body.errors = result.errors.map((e) => e.toJSON());
    if (result.data !== undefined) body.data = result.data;
    const extensions: Record<string, unknown> = {
      cost: costExtension(requested.total, actual, status, debugCost ? requested.fields : undefined),
    };
    if (ctx.search.length) extensions.search = ctx.search;
    body.extensions = extensions;
    return { body, operation: opLabel, requested: requested.total, actual, throttled: false };
  };
}

function done(body: Record<string, unknown>, operation: string): GraphQLResponse {
  return { body, operation, requested: 0, actual: null, throttled: false };
}

function pickOperation(document: DocumentNode, name: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (name) return ops.find((o) => o.name?.value === name);
  return ops.length === 1 ? ops[0] : undefined;
}

function costExtension(requested: number, actual: number | null, status: ReturnType<Bucket['status']>, fields?: FieldCost[]) {
  const cost: Record<string, unknown> = { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status };
  if (fields) cost.fields = fields;
  return cost;
}
