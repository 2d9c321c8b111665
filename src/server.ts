/**
 * createServer(deps): the HTTP app and the ApolloServer, built from collaborators and doing no I/O at import,
 * so tests build it against the simulator and a temporary store. main.ts is what listens.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { header, readBody, sendJson, serveGraphQL, type Route } from './http.js';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { GraphQLError, parse, type GraphQLFormattedError, type ValidationRule } from 'graphql';
import { routerSecretMatches } from './auth.js';
import type { AppDeps, RequestContext } from './context.js';
import { createContext } from './request.js';
import { tracingPlugin, type Tracing } from './observability/tracing.js';
import { timeResolvers, type FieldTimings } from './observability/plugin.js';
import { isAppError } from './errors.js';
import { queryLimitsRule } from './hardening.js';
import { representationsPlugin } from './representations.js';
import { resolvers } from './resolvers.js';

/** Path of the contract. */
export const SCHEMA_PATH = new URL('../schema.graphql', import.meta.url);
/**
 * Request bodies above this are refused. The largest legitimate body is a router's `_entities` call at the
 * representation limit (1000 profiles with up to 10 emails each: about 0.5 MB); reading and JSON-parsing 2 MB takes
 * a few milliseconds, and the document inside is cut off by GRAPHQL_MAX_TOKENS whatever its size.
 */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface CreateServerOptions {
  routes?: Route[];
  /** extra readiness checks (breaker state, Redis); throw to report not ready */
  readiness?: Array<() => Promise<void> | void>;
  /** each served store's state, reported by /readyz whether ready or not (`{ us: { circuit: 'closed' } }`) */
  storeStatus?: () => Record<string, unknown>;
  /** extra Apollo plugins (metrics, logs) */
  plugins?: ApolloServerPlugin<RequestContext>[];
  /** extra validation rules, after the depth and alias limits from config */
  validationRules?: ValidationRule[];
  /** OpenTelemetry tracing (observability/tracing.ts); none = off, and then no span is ever started */
  tracing?: Tracing | null;
  /** reports the duration of every I/O resolver (observability/plugin.ts fieldTimings); none = not timed */
  fieldTimings?: FieldTimings;
}

export interface SubgraphServer {
  apollo: ApolloServer<RequestContext>;
  http: Server;
  /** Starts Apollo (not listening): call before http.listen. */
  start(): Promise<void>;
  /** Stops accepting, drains in-flight requests, stops Apollo. */
  stop(): Promise<void>;
}

/** The subgraph schema: our SDL plus resolvers, with federation's _service and _entities. */
export function buildSchema() {
  return buildSubgraphSchema({ typeDefs: parse(readFileSync(SCHEMA_PATH, 'utf8')), resolvers: resolvers as never });
}

/** Builds the HTTP app and the ApolloServer around the given collaborators. */
export function createServer(deps: AppDeps, options: CreateServerOptions = {}): SubgraphServer {
  const apollo = createApollo(deps, options);
  const drain = { draining: false };
  const handle = requestHandler(deps, apollo, options, drain);
  const http = createHttpServer((req, res) => {
    // While draining, a kept-alive socket would hold the shutdown open until its idle timeout: once an answer is
    // out, sockets left idle are closed (and answers given during the drain say so).
    if (drain.draining) res.setHeader('connection', 'close');
    res.once('finish', () => {
      if (drain.draining) setImmediate(() => http.closeIdleConnections());
    });
    handle(req, res).catch((error) => {
      deps.logger.error({ err: errorSummary(error) }, 'unhandled error in HTTP handler');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal server error' });
      else res.destroy();
    });
  });
  // Keep-alive sockets from the router should not hold a shutdown open for long.
  http.keepAliveTimeout = 5_000;

  return {
    apollo,
    http,
    start: () => apollo.start(),
    async stop() {
      drain.draining = true;
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      });
      await apollo.stop();
    },
  };
}

/** The ApolloServer: our schema, the query limits, and no landing page, suggestions or cache hints in production. */
function createApollo(deps: AppDeps, options: CreateServerOptions): ApolloServer<RequestContext> {
  const production = deps.config.env === 'production';
  const schema = buildSchema();
  if (options.fieldTimings) timeResolvers(schema, options.fieldTimings);
  return new ApolloServer<RequestContext>({
    schema,
    // Apollo's own messages (e.g. "Enabling inline tracing") go to our JSON logs, not stdout.
    logger: deps.logger,
    // main.ts owns SIGTERM/SIGINT and drains HTTP first; Apollo's own handlers would start a second stop()
    // that never settles in @apollo/server 5.5.
    stopOnTerminationSignals: false,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    // A token limit makes parsing itself bounded: a huge document is refused after maxTokens tokens, before any
    // validation rule walks it (graphql-js validation is linear at best, and some rules are worse).
    parseOptions: { maxTokens: deps.config.limits.maxTokens },
    // "Did you mean …" would map the schema for anyone who can send a misspelt query; validation errors only.
    hideSchemaDetailsFromClientErrors: production,
    validationRules: [queryLimitsRule(deps.config.limits, { stopValidation: true }), ...(options.validationRules ?? [])],
    plugins: [
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      representationsPlugin(deps.config.limits),
      // Every answer is one agent's, never cacheable, and the schema has no @cacheControl: the default plugin only
      // spent a hook call on every resolved field (about 6% of executing a 1000-profile _entities call).
      ApolloServerPluginCacheControlDisabled(),
      partialErrorsPlugin(deps),
      ...(options.tracing ? [tracingPlugin()] : []),
      ...(options.plugins ?? []),
    ],
    formatError: (formatted, error) => formatError(formatted, error, deps),
  });
}

/**
 * Sends the errors of stores that could not answer under a field that still answered with the other stores' data
 * (RequestContext.partialErrors), formatted like every other error, after the execution's own.
 */
function partialErrorsPlugin(deps: AppDeps): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const partial = contextValue.partialErrors;
          if (partial.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.errors = [...(result.errors ?? []), ...partial.map((e) => formatError(e.toJSON(), e, deps))];
        },
      };
    },
  };
}

/** Routes one HTTP request: health, readiness, the extra routes, then GraphQL behind the router's secret. */
function requestHandler(deps: AppDeps, apollo: ApolloServer<RequestContext>, options: CreateServerOptions, drain: { draining: boolean }) {
  const routes = new Map((options.routes ?? []).map((r) => [`${r.method} ${r.path}`, r]));
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && url.pathname === '/readyz') return ready(res, deps, options, drain.draining);
    const route = routes.get(`${req.method} ${url.pathname}`);
    if (route) {
      const raw = await readBody(req, MAX_BODY_BYTES);
      return raw === null ? sendJson(res, 413, { error: 'request body too large' }) : route.handle(req, res, raw);
    }
    if (url.pathname !== '/graphql' && url.pathname !== '/') return sendJson(res, 404, { error: 'not found' });

    // The router's secret is checked before anything is parsed: a caller without it learns nothing.
    const secret = deps.config.routerSecret;
    if (secret && !routerSecretMatches(secret, header(req, 'router-authorization'))) {
      return sendJson(res, 401, {
        errors: [{ message: 'Missing or wrong router-authorization header', extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }

    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === null) return sendJson(res, 413, { error: 'request body too large' });
    // A GET without a query is the landing page, not an operation: it gets no span.
    const traced = options.tracing && (req.method === 'POST' || url.searchParams.has('query'));
    const trace = traced ? options.tracing!.startOperation((name) => header(req, name)) : undefined;
    if (!trace) return serveGraphQL(apollo, req, res, raw, (headers) => createContext(deps, headers));
    try {
      await serveGraphQL(apollo, req, res, raw, (headers) => createContext(deps, headers, trace));
    } finally {
      // The plugin ends the span when Apollo ran the operation; this ends it when Apollo answered without running it
      // (a CSRF refusal, a context that could not be built, a failure writing the answer).
      trace.end({ status: res.statusCode });
    }
  };
}

/** /readyz: not ready while draining, or when the store or any extra check (breaker, Redis) fails. */
async function ready(res: ServerResponse, deps: AppDeps, options: CreateServerOptions, draining: boolean): Promise<void> {
  if (draining) return sendJson(res, 503, { status: 'not ready', reason: 'shutting down' });
  try {
    await deps.store.ping();
    for (const check of options.readiness ?? []) await check();
    sendJson(res, 200, { status: 'ready', ...storeStatus(options) });
  } catch (error) {
    sendJson(res, 503, { status: 'not ready', reason: error instanceof Error ? error.message : String(error), ...storeStatus(options) });
  }
}

function storeStatus(options: CreateServerOptions): { stores?: Record<string, unknown> } {
  return options.storeStatus ? { stores: options.storeStatus() } : {};
}

/**
 * What a client sees of an error: ours as they are (they carry codes and safe messages); GraphQL's own
 * (validation, parsing) as they are; anything else — a bug — as a bare INTERNAL_SERVER_ERROR, logged here.
 */
function formatError(formatted: GraphQLFormattedError, error: unknown, deps: AppDeps): GraphQLFormattedError {
  // Apollo strips suggestions from validation errors only; variable coercion ("Value "X" does not exist in "Y" enum.
  // Did you mean …?") reports them at execution, so production strips them from every message here.
  if (deps.config.env === 'production' && SUGGESTION.test(formatted.message)) {
    formatted = { ...formatted, message: formatted.message.replace(SUGGESTIONS, '') };
  }
  const original = unwrapResolverError(error);
  if (isAppError(original)) return { ...formatted, message: original.message, extensions: { ...original.extensions } };
  if (original instanceof GraphQLError || formatted.extensions?.code !== 'INTERNAL_SERVER_ERROR') return formatted;
  deps.logger.error({ err: errorSummary(original), path: formatted.path }, 'resolver failed');
  return {
    message: 'Internal server error',
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

/** graphql-js suggestions: ` Did you mean "a", "b", or "c"?`, ` Did you mean the enum value "X"?` (names never hold `?`). */
const SUGGESTION = /did you mean/i;
const SUGGESTIONS = / ?Did you mean [^?]*\?/g;

function errorSummary(error: unknown) {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { message: String(error) };
}
