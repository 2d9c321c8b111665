/**
 * Resolver latency histograms for this subgraph's I/O fields and one log line per action (mutation field), by
 * wrapping those resolvers (timeResolvers); an Apollo plugin for the per-operation metric and debug line. Arguments
 * are never logged: they carry notes, emails and amounts.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { defaultFieldResolver, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

/** Parent types whose fields do I/O (Shopify, the store) and are worth timing; the rest are plain property reads. */
const TIMED_TYPES = new Set(['Query', 'Mutation', 'CustomerProfile', 'ShopifyOrder']);

/** ShopifyOrder's fields that fetch: its audit trail and refund requests (the store), an address read apart (Shopify). */
const TIMED_ORDER_FIELDS = new Set(['agentActions', 'refundRequests', 'shippingAddress']);

/** Whether a field's resolver is timed: the I/O ones (ShopifyOrder's other fields are plain reads). */
export function isTimedField(type: string, field: string): boolean {
  return TIMED_TYPES.has(type) && (type !== 'ShopifyOrder' || TIMED_ORDER_FIELDS.has(field));
}

function errorCode(error: unknown): string {
  const original = unwrapResolverError(error) as { extensions?: { code?: unknown } } | undefined;
  return typeof original?.extensions?.code === 'string' ? original.extensions.code : 'INTERNAL_SERVER_ERROR';
}

/** What a timed resolver reports when it settles: resolver latency, and one log line per action (mutation field). */
export function fieldTimings(metrics: Metrics, logger: Logger): FieldTimings {
  return (type, fieldName, seconds, error) => {
    metrics.resolver(`${type}.${fieldName}`, seconds);
    if (type !== 'Mutation') return;
    logger.info(
      {
        action: {
          field: fieldName,
          outcome: error ? 'error' : 'ok',
          code: error ? errorCode(error) : undefined,
          durationMs: Math.round(seconds * 1000),
        },
      },
      'action',
    );
  };
}

/** Called once per timed field resolution with its duration and the error it threw, if any. */
export type FieldTimings = (type: string, field: string, seconds: number, error: unknown) => void;

/**
 * Wraps the resolvers of the timed fields (isTimedField) in place. Timing through a plugin's `willResolveField` made
 * Apollo call a hook for every resolved field of every request — about 17% of a 100-profile card call's allocation —
 * to time the few fields that do I/O; wrapping only those costs nothing elsewhere.
 */
export function timeResolvers(schema: GraphQLSchema, report: FieldTimings): void {
  for (const name of TIMED_TYPES) {
    // By name, not isObjectType: under vitest the schema may come from graphql's other module format (CJS vs ESM),
    // and graphql-js's instanceof checks refuse it.
    const type = schema.getType(name) as GraphQLObjectType | undefined;
    if (!type || typeof type.getFields !== 'function') continue;
    for (const field of Object.values(type.getFields())) {
      if (!isTimedField(type.name, field.name)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const started = performance.now();
        const done = (error: unknown) => report(type.name, field.name, (performance.now() - started) / 1000, error);
        try {
          const result = resolve(source, args, context, info);
          if (result instanceof Promise) {
            return result.then(
              (value) => {
                done(undefined);
                return value;
              },
              (error: unknown) => {
                done(error);
                throw error;
              },
            );
          }
          done(undefined);
          return result;
        } catch (error) {
          done(error);
          throw error;
        }
      };
    }
  }
}

/** The metrics-and-logs plugin for one app. */
export function observabilityPlugin(metrics: Metrics, logger: Logger): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, response }) {
          const type = operation?.operation ?? 'unknown';
          const bodyErrors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const codes = (bodyErrors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN'));
          metrics.operation(type, codes.length === 0);
          logger.debug(
            { graphql: { type, durationMs: Math.round(performance.now() - started), errors: [...new Set(codes)] } },
            'graphql operation',
          );
        },
      };
    },
  };
}
