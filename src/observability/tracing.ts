/**
 * OpenTelemetry traces, off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: a SERVER span per incoming GraphQL operation
 * that continues the router's W3C `traceparent`, and under it a CLIENT span per Shopify attempt (each retry its own).
 *
 * Why the spans travel by hand: the SDK's usual Node setup registers an AsyncLocalStorage context manager, which turns
 * on promise hooks for the whole process; on Node 20 that made executing a 1000-profile call about a quarter slower
 * (see shopify/request-scope.ts). So no context manager is registered and nothing is made global: server.ts starts the
 * operation's span, the request's Limiter carries it (with the OTel Context holding it) to every Shopify call the
 * request makes, and the client asks it for each attempt's span.
 *
 * Why a dynamic import: with tracing off, not one OpenTelemetry module is loaded (idle memory is budgeted), and the
 * only cost left is a null check per request and per Shopify attempt. Everything imported statically here is a type.
 *
 * Attributes are closed sets, names from our own documents, and numbers: never variables, argument values, emails,
 * names, tokens or error messages (which may quote input), only error codes.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '../logger.js';
import type { AttemptSpan, AttemptStart, RequestEvent, ShopifyTrace } from '../shopify/client.js';

/** What tracing is built from (Config['tracing']). */
export interface TracingConfig {
  /** the OTLP/HTTP collector's base URL; unset = tracing off */
  endpoint: string | undefined;
  serviceName: string;
}

export interface TracingOptions {
  /** replaces the OTLP exporter (tests: an InMemorySpanExporter); tracing still needs the endpoint set to be on */
  exporter?: SpanExporter;
}

/** This app's tracer provider, its own (never the global one: tests build several apps in one process). */
export interface Tracing {
  /** Starts one incoming operation's span, continuing the trace in its `traceparent` header when there is one. */
  startOperation(header: (name: string) => string | undefined): OperationTrace;
  /** Exports every ended span now; rejects when the export fails. */
  forceFlush(): Promise<void>;
  /** Exports what is left and stops, giving up after a few seconds so a dead collector cannot hold a shutdown. */
  shutdown(): Promise<void>;
}

/** One incoming operation's span; Shopify attempts made for it become its children. */
export interface OperationTrace extends ShopifyTrace {
  /** Names the span once Apollo has resolved the document's operation. */
  resolved(operation: { name: string | null; type: string }): void;
  /**
   * Ends the span with the response's HTTP status and its errors' codes (undefined: the answer was not seen, as when
   * Apollo refused the request before running it). The first call counts, later ones are ignored.
   */
  end(outcome: { status: number; codes?: readonly string[] }): void;
}

/** The context an Apollo request carries its trace in (RequestContext has it). */
export interface TracedContext extends BaseContext {
  trace?: OperationTrace;
}

/** Span and attribute names, written once: the README and the tracing test name the same ones. */
export const SPAN = { operation: 'graphql.operation', shopify: 'shopify.request' } as const;
/** Attribute keys: OpenTelemetry's semantic conventions where one exists (graphql.*, http.*, error.type), else ours. */
export const ATTR = {
  operationName: 'graphql.operation.name',
  operationType: 'graphql.operation.type',
  outcome: 'graphql.outcome',
  errorCodes: 'graphql.error.codes',
  httpStatus: 'http.response.status_code',
  shopifyOperation: 'shopify.operation.name',
  shopifyOperationType: 'shopify.operation.type',
  store: 'shopify.store',
  attempt: 'shopify.attempt',
  estimatedCost: 'shopify.cost.estimated',
  requestedCost: 'shopify.cost.requested',
  actualCost: 'shopify.cost.actual',
  available: 'shopify.throttle.available',
  budgetWait: 'shopify.budget.wait_ms',
  shopifyOutcome: 'shopify.outcome',
  errorType: 'error.type',
} as const;

/** A dead collector must not hold a graceful shutdown for long: what is not exported by then is dropped. */
const SHUTDOWN_TIMEOUT_MS = 3_000;

/** Starts this app's tracer provider when an endpoint is configured; null (nothing loaded) otherwise. */
export async function startTracing(config: TracingConfig, logger: Logger, options: TracingOptions = {}): Promise<Tracing | null> {
  if (!config.endpoint) return null;
  const [api, core, sdk, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const exporter = reportingFailures(
    options.exporter ??
      new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: tracesUrl(config.endpoint) }),
    logger,
  );
  const provider = new sdk.BasicTracerProvider({
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ 'service.name': config.serviceName })),
    // Batched: ending a span only queues it, so a request never waits on the collector.
    spanProcessors: [new sdk.BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('shopify-profile-subgraph');
  const propagator = new core.W3CTraceContextPropagator();
  const otel: Otel = { tracer, setSpan: api.trace.setSpan, kind: api.SpanKind, error: api.SpanStatusCode.ERROR };
  return {
    startOperation(header) {
      // The router's span is the parent; without a valid traceparent the operation starts a trace of its own.
      const parent = propagator.extract(api.ROOT_CONTEXT, undefined, { get: (_carrier, key) => header(key), keys: () => [] });
      return operationTrace(otel, parent);
    },
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
      });
      await Promise.race([provider.shutdown().catch(() => undefined), timeout]);
      clearTimeout(timer);
    },
  };
}

/** OTLP/HTTP traces go to `<endpoint>/v1/traces`, as the spec defines OTEL_EXPORTER_OTLP_ENDPOINT. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.endsWith('/') ? endpoint : `${endpoint}/`}v1/traces`;
}

/**
 * The SDK drops spans it cannot export without a word (its diagnostics logger is a no-op unless made global): say when
 * exports start failing and when they work again, once each, so a wrong endpoint or a dead collector is seen.
 */
function reportingFailures(exporter: SpanExporter, logger: Logger): SpanExporter {
  let failing = false;
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      exporter.export(spans, (result) => {
        // ExportResultCode.SUCCESS is 0. The error's message may name the collector's URL (credentials): its name only.
        if (result.code !== 0 && !failing) {
          failing = true;
          logger.warn({ tracing: { dropped: spans.length, error: result.error?.name } }, 'OpenTelemetry export failed; spans are dropped');
        } else if (result.code === 0 && failing) {
          failing = false;
          logger.info('OpenTelemetry export works again');
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

/** The few runtime pieces of the API the spans need, from the dynamically loaded module. */
interface Otel {
  tracer: Tracer;
  setSpan(context: Context, span: Span): Context;
  kind: { SERVER: number; CLIENT: number };
  error: number;
}

function operationTrace(otel: Otel, parent: Context): OperationTrace {
  const span = otel.tracer.startSpan(SPAN.operation, { kind: otel.kind.SERVER }, parent);
  // The Shopify attempts' parent: this span, inside the router's trace.
  const context = otel.setSpan(parent, span);
  let ended = false;
  return {
    resolved({ name, type }) {
      if (name) span.updateName(`${SPAN.operation} ${name}`);
      span.setAttributes({ [ATTR.operationName]: name ?? undefined, [ATTR.operationType]: type });
    },
    end({ status, codes }) {
      if (ended) return;
      ended = true;
      const failed = codes === undefined ? status >= 400 : codes.length > 0;
      span.setAttributes({ [ATTR.httpStatus]: status, [ATTR.outcome]: failed ? 'errors' : 'ok' });
      if (codes?.length) {
        const distinct = [...new Set(codes)].sort();
        span.setAttribute(ATTR.errorCodes, distinct);
        span.setStatus({ code: otel.error, message: distinct.join(',') });
      } else if (failed) {
        span.setStatus({ code: otel.error, message: `HTTP ${status}` });
      }
      span.end();
    },
    attempt: (start) => attemptSpan(otel, context, start),
  };
}

function attemptSpan(otel: Otel, parent: Context, start: AttemptStart): AttemptSpan {
  const span = otel.tracer.startSpan(
    `${SPAN.shopify} ${start.operation}`,
    {
      kind: otel.kind.CLIENT,
      attributes: {
        [ATTR.shopifyOperation]: start.operation,
        [ATTR.shopifyOperationType]: start.mutation ? 'mutation' : 'query',
        [ATTR.store]: start.storeDomain,
        [ATTR.attempt]: start.attempt,
        [ATTR.estimatedCost]: start.estimatedCost,
      },
    },
    parent,
  );
  let ended = false;
  const finish = (attributes: Attributes, failure: string | null) => {
    if (ended) return;
    ended = true;
    span.setAttributes(attributes);
    if (failure) span.setStatus({ code: otel.error, message: failure });
    span.end();
  };
  return {
    end(event: RequestEvent, budgetWaitMs: number) {
      const failed = event.outcome !== 'ok';
      finish(
        {
          [ATTR.shopifyOutcome]: event.outcome,
          [ATTR.budgetWait]: budgetWaitMs,
          [ATTR.httpStatus]: event.status,
          [ATTR.requestedCost]: event.requestedCost,
          [ATTR.actualCost]: event.actualCost ?? undefined,
          [ATTR.available]: event.available,
          [ATTR.errorType]: failed ? event.outcome : undefined,
        },
        failed ? event.outcome : null,
      );
    },
    abandon(error: unknown) {
      const code = errorCode(error);
      finish({ [ATTR.shopifyOutcome]: 'not_sent', [ATTR.errorType]: code }, code);
    },
  };
}

/** An error's GraphQL code (ours all have one), never its message: messages may quote what was asked. */
function errorCode(error: unknown): string {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR';
}

/** Apollo plugin naming each traced operation and ending its span with the response's error codes. */
export function tracingPlugin(): ApolloServerPlugin<TracedContext> {
  return {
    async requestDidStart({ contextValue }) {
      const trace = contextValue.trace;
      if (!trace) return;
      return {
        async didResolveOperation({ operationName, operation }) {
          if (operation) trace.resolved({ name: operationName, type: operation.operation });
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          trace.end({
            status: response.http.status ?? 200,
            codes: (errors ?? []).map((e) => String(e.extensions?.code ?? 'UNKNOWN')),
          });
        },
      };
    },
  };
}
