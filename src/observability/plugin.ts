/**
 * Apollo plugin: resolver latency histograms for this subgraph's own fields, one log line per action (mutation
 * field) and one debug line per operation. Arguments are never logged: they carry notes, emails and amounts.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

/** Parent types whose fields do I/O (Shopify, the store) and are worth timing; the rest are plain property reads. */
const TIMED_TYPES = new Set(['Query', 'Mutation', 'CustomerProfile', 'ShopifyOrder']);

function errorCode(error: unknown): string {
  const original = unwrapResolverError(error) as { extensions?: { code?: unknown } } | undefined;
  return typeof original?.extensions?.code === 'string' ? original.extensions.code : 'INTERNAL_SERVER_ERROR';
}

/** The metrics-and-logs plugin for one app. */
export function observabilityPlugin(metrics: Metrics, logger: Logger): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async executionDidStart() {
          return {
            willResolveField({ info }) {
              const type = info.parentType.name;
              if (!TIMED_TYPES.has(type)) return;
              // Scalars of ShopifyOrder are plain reads; only its resolvers that fetch are timed.
              if (type === 'ShopifyOrder' && info.fieldName !== 'agentActions') return;
              const field = `${type}.${info.fieldName}`;
              const fieldStarted = performance.now();
              return (error) => {
                const seconds = (performance.now() - fieldStarted) / 1000;
                metrics.resolver(field, seconds);
                if (type === 'Mutation') {
                  logger.info(
                    {
                      action: {
                        field: info.fieldName,
                        outcome: error ? 'error' : 'ok',
                        code: error ? errorCode(error) : undefined,
                        durationMs: Math.round(seconds * 1000),
                      },
                    },
                    'action',
                  );
                }
              };
            },
          };
        },
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
