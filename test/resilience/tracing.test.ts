/**
 * OpenTelemetry traces (issue 12), through the real HTTP server against the simulator, exported to memory: one SERVER
 * span per incoming operation continuing the router's `traceparent`, one CLIENT span per Shopify attempt under it with
 * the costs the simulator charged, retries and THROTTLED visible attempt by attempt, and not one attribute holding a
 * seeded email or name, a search query, the access token or the agent's JWT. With OTEL_EXPORTER_OTLP_ENDPOINT unset, a
 * production-like process loads no OpenTelemetry module at all.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';
import { signDemoToken } from '../../dev/demo-token.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, silentLogger } from '../../src/logger.js';
import { startTracing, tracesUrl } from '../../src/observability/tracing.js';
import type { SimCustomer } from 'shopify-admin-simulator/testing';

const JWT_SECRET = 'tracing-test-secret-for-agent-tokens-0123';
const TOKEN = 'shpat_simulator';
/** No restore: the bucket's level only moves by what each request is charged, so every reported figure is exact. */
const BUCKET = 100_000;
const SPAN_KIND = { SERVER: 1, CLIENT: 2 } as const;
const STATUS_ERROR = 2;

const CARD = `query Card__shopify__1($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on CustomerProfile { shopifyCustomer { id email displayName phone } orders(limit: 3) { id orderNumber } }
  }
}`;
const SEARCH = `query Search($q: String!) { shopifyCustomerSearch(query: $q, first: 5) { id email displayName } }`;

const exporter = new InMemorySpanExporter();
let h: SupergraphHarness;
let jwt: string;
let seeded: SimCustomer[];
let store: string;

beforeAll(async () => {
  h = await startSupergraph({
    simulator: { customers: 40, maximumAvailable: BUCKET, restoreRate: 0 },
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_SERVICE_NAME: 'tracing-test',
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: JWT_SECRET,
      // Every read goes to Shopify, so each operation's Shopify requests are its own.
      SHOPIFY_CACHE_TTL_S: '0',
      SHOPIFY_BREAKER_THRESHOLD: '20',
    },
    build: { tracing: { exporter } },
    profiles: [],
  });
  jwt = await signDemoToken(JWT_SECRET);
  seeded = await h.sim('customers');
  store = new URL(h.simulatorUrl).host;
});
afterAll(async () => h?.close());

/** A W3C traceparent as a router sends it: a fresh trace id and the router's span id, sampled. */
function routerSpan() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

/** Sends one operation to the subgraph as the router does: agent token and traceparent forwarded. */
async function send(query: string, variables: Record<string, unknown>, traceparent?: string) {
  const res = await fetch(h.subgraphUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${jwt}`,
      ...(traceparent ? { traceparent } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The spans of one trace exported so far, the operation's first. */
async function trace(traceId: string): Promise<{ operation: ReadableSpan[]; shopify: ReadableSpan[] }> {
  await h.app.tracing!.forceFlush();
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  return {
    operation: spans.filter((s) => s.kind === SPAN_KIND.SERVER),
    shopify: spans
      .filter((s) => s.kind === SPAN_KIND.CLIENT)
      .sort((a, b) => Number(a.attributes['shopify.attempt']) - Number(b.attributes['shopify.attempt'])),
  };
}

/** What the simulator counted and how full its bucket is: read before and after an operation. */
async function simulatorSide() {
  const [stats, throttle] = await Promise.all([h.sim('stats'), h.sim('throttle')]);
  return { ...stats, available: throttle.currentlyAvailable as number };
}

function customerWithOrders(): SimCustomer {
  return seeded.find((c) => c.email && c.phone && c.numberOfOrders > 1)!;
}

describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  it('config: the endpoint and service name; spans go to <endpoint>/v1/traces', () => {
    expect(h.app.deps.config.tracing).toEqual({ endpoint: 'http://127.0.0.1:4318', serviceName: 'tracing-test' });
    expect(tracesUrl('http://collector:4318')).toBe('http://collector:4318/v1/traces');
    expect(tracesUrl('https://otlp.example.com/tenant/7/')).toBe('https://otlp.example.com/tenant/7/v1/traces');
  });

  it("one operation span in the router's trace, one child span per Shopify request with the costs the simulator charged", async () => {
    const c = customerWithOrders();
    const router = routerSpan();
    const before = await simulatorSide();
    const res = await send(CARD, { representations: [{ __typename: 'CustomerProfile', id: 'p0', emails: [c.email] }] }, router.traceparent);
    const after = await simulatorSide();
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data._entities[0].shopifyCustomer.id).toBe(c.id);

    const { operation, shopify } = await trace(router.traceId);
    expect(operation).toHaveLength(1);
    const op = operation[0]!;
    expect(op.name).toBe('graphql.operation Card__shopify__1');
    expect(op.parentSpanContext?.spanId).toBe(router.spanId);
    expect(op.attributes).toEqual({
      'graphql.operation.name': 'Card__shopify__1',
      'graphql.operation.type': 'query',
      'http.response.status_code': 200,
      'graphql.outcome': 'ok',
    });
    expect(op.resource.attributes['service.name']).toBe('tracing-test');

    // The card is one batched Shopify request: its span carries exactly what the simulator charged and reports.
    expect(after.requests - before.requests).toBe(1);
    expect(shopify).toHaveLength(1);
    const [request] = shopify;
    expect(request!.name).toBe('shopify.request ProfileCustomers');
    expect(request!.parentSpanContext?.spanId).toBe(op.spanContext().spanId);
    const requested = after.requestedCost - before.requestedCost;
    expect(request!.attributes).toEqual({
      'shopify.operation.name': 'ProfileCustomers',
      'shopify.operation.type': 'query',
      'shopify.store': store,
      'shopify.attempt': 1,
      // Our estimate is Shopify's own rule: it equals the requested cost the simulator computed.
      'shopify.cost.estimated': requested,
      'shopify.cost.requested': requested,
      'shopify.cost.actual': after.actualCost - before.actualCost,
      'shopify.throttle.available': after.available,
      'shopify.budget.wait_ms': 0,
      'shopify.outcome': 'ok',
    });
    expect(before.available - after.available).toBe(after.actualCost - before.actualCost);
  });

  it('a request retried after a 503 shows both attempts under the operation', async () => {
    const c = customerWithOrders();
    const router = routerSpan();
    await h.sim('faults', { failNext: { count: 1, status: 503 } });
    const before = await simulatorSide();
    const res = await send(SEARCH, { q: c.email }, router.traceparent);
    const after = await simulatorSide();
    await h.sim('faults', {});
    expect(res.body.errors).toBeUndefined();

    const { operation, shopify } = await trace(router.traceId);
    expect(operation.map((s) => [s.name, s.attributes['graphql.outcome']])).toEqual([['graphql.operation Search', 'ok']]);
    expect(after.requests - before.requests).toBe(2);
    expect(after.faulted - before.faulted).toBe(1);
    const op = operation[0]!.spanContext().spanId;
    expect(shopify.map((s) => s.parentSpanContext?.spanId)).toEqual([op, op]);
    expect(shopify.map((s) => s.name)).toEqual(['shopify.request CustomerSearch', 'shopify.request CustomerSearch']);
    const requested = after.requestedCost - before.requestedCost;
    expect(shopify[0]!.attributes).toEqual({
      'shopify.operation.name': 'CustomerSearch',
      'shopify.operation.type': 'query',
      'shopify.store': store,
      'shopify.attempt': 1,
      'shopify.cost.estimated': requested,
      'shopify.budget.wait_ms': 0,
      'shopify.outcome': 'http_error',
      'http.response.status_code': 503,
      'error.type': 'http_error',
    });
    expect(shopify[0]!.status).toEqual({ code: STATUS_ERROR, message: 'http_error' });
    expect(shopify[1]!.attributes).toEqual({
      'shopify.operation.name': 'CustomerSearch',
      'shopify.operation.type': 'query',
      'shopify.store': store,
      'shopify.attempt': 2,
      'shopify.cost.estimated': requested,
      'shopify.cost.requested': requested,
      'shopify.cost.actual': after.actualCost - before.actualCost,
      'shopify.throttle.available': after.available,
      'shopify.budget.wait_ms': 0,
      'shopify.outcome': 'ok',
    });
  });

  it('without a traceparent the operation starts a trace of its own; a refused token and a bad body are traced', async () => {
    const res = await send(SEARCH, { q: 'x' });
    expect(res.body.errors).toBeUndefined();
    const router = routerSpan();
    const refused = await fetch(h.subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-jwt', traceparent: router.traceparent },
      body: JSON.stringify({ query: SEARCH, variables: { q: 'x' } }),
    });
    expect(refused.status).toBe(200);
    expect(((await refused.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Not a GraphQL request: Apollo answers 400 without running anything; the span says so by its code.
    const noQuery = await fetch(h.subgraphUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
      body: JSON.stringify({ variables: { q: 'x' } }),
    });
    expect(noQuery.status).toBe(400);

    await h.app.tracing!.forceFlush();
    const [own, denied, bad] = exporter
      .getFinishedSpans()
      .filter((s) => s.kind === SPAN_KIND.SERVER)
      .slice(-3);
    expect(own!.parentSpanContext).toBeUndefined();
    expect(own!.name).toBe('graphql.operation Search');
    expect(denied!.spanContext().traceId).toBe(router.traceId);
    expect(denied!.name).toBe('graphql.operation Search');
    expect(denied!.attributes).toEqual({
      'graphql.operation.name': 'Search',
      'graphql.operation.type': 'query',
      'http.response.status_code': 200,
      'graphql.outcome': 'errors',
      'graphql.error.codes': ['UNAUTHENTICATED'],
    });
    expect(bad!.name).toBe('graphql.operation');
    expect(bad!.attributes).toEqual({
      'http.response.status_code': 400,
      'graphql.outcome': 'errors',
      'graphql.error.codes': ['BAD_REQUEST'],
    });
    expect(bad!.status).toEqual({ code: STATUS_ERROR, message: 'BAD_REQUEST' });
  });

  it('searches by every kind of PII the store holds, so each has been in a request the spans describe', async () => {
    const c = customerWithOrders();
    for (const q of [c.email!, c.displayName, c.phone!]) {
      expect((await send(SEARCH, { q }, routerSpan().traceparent)).body.errors).toBeUndefined();
    }
  });

  // Last request of this app: with no restore rate, its budget keeps the 5-point bucket it learnt from THROTTLED.
  it('THROTTLED: the attempt shows what Shopify asked for and what the bucket held; the operation its error code', async () => {
    const c = customerWithOrders();
    const router = routerSpan();
    await h.sim('throttle', { maximumAvailable: 5 });
    try {
      const before = await simulatorSide();
      const res = await send(
        CARD,
        { representations: [{ __typename: 'CustomerProfile', id: 'p0', emails: [c.email] }] },
        router.traceparent,
      );
      const after = await simulatorSide();
      expect(res.body.errors.map((e: any) => e.extensions.code)).toEqual(['SHOPIFY_THROTTLED', 'SHOPIFY_THROTTLED']);
      expect(after.throttled - before.throttled).toBe(1);
      expect(after.requests - before.requests).toBe(1);

      const { operation, shopify } = await trace(router.traceId);
      expect(operation[0]!.attributes).toEqual({
        'graphql.operation.name': 'Card__shopify__1',
        'graphql.operation.type': 'query',
        'http.response.status_code': 200,
        'graphql.outcome': 'errors',
        'graphql.error.codes': ['SHOPIFY_THROTTLED'],
      });
      expect(operation[0]!.status).toEqual({ code: STATUS_ERROR, message: 'SHOPIFY_THROTTLED' });
      expect(shopify).toHaveLength(1);
      const attempt = shopify[0]!.attributes;
      // The simulator does not count a refused request's cost; it charged nothing, so the bucket is where it was.
      expect(attempt).toEqual({
        'shopify.operation.name': 'ProfileCustomers',
        'shopify.operation.type': 'query',
        'shopify.store': store,
        'shopify.attempt': 1,
        'shopify.cost.estimated': attempt['shopify.cost.requested'],
        'shopify.cost.requested': expect.any(Number),
        'shopify.throttle.available': 5,
        'shopify.budget.wait_ms': 0,
        // Shopify answers THROTTLED as a GraphQL error in an HTTP 200.
        'http.response.status_code': 200,
        'shopify.outcome': 'throttled',
        'error.type': 'throttled',
      });
      expect(attempt['shopify.cost.requested']).toBeGreaterThan(5);
      expect(after.available).toBe(5);
    } finally {
      // Back to the starting plan with a full bucket (without a restore rate, raising the maximum would not refill it).
      await h.sim('reset', {});
    }
  });

  it('no attribute anywhere holds an email, a name, a phone, a search query, the access token or the JWT', async () => {
    await h.app.tracing!.forceFlush();
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(8);
    const text = JSON.stringify(
      spans.map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events, resource: s.resource.attributes })),
    );
    const leaks: string[] = [];
    for (const customer of seeded) {
      for (const value of [customer.email, customer.phone, customer.displayName]) if (value && text.includes(value)) leaks.push(value);
      for (const name of [customer.firstName, customer.lastName]) {
        if (name && name.length >= 3 && new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text)) leaks.push(name);
      }
    }
    expect(leaks).toEqual([]);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(jwt);
    expect(text).not.toContain(JWT_SECRET);
  });
});

describe('the OTLP/HTTP exporter', () => {
  it('posts the spans to <endpoint>/v1/traces, and those still queued when the app closes', async () => {
    // A local collector: whatever the exporter posts is kept as it arrived.
    const posts: Array<{ path: string | undefined; type: string | undefined; body: any }> = [];
    const collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        posts.push({ path: req.url, type: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const config = loadConfig({
      SHOPIFY_STORE_DOMAIN: h.simulatorUrl,
      SHOPIFY_ADMIN_ACCESS_TOKEN: TOKEN,
      AUTH_MODE: 'none',
      SQLITE_PATH: ':memory:',
      NODE_ENV: 'test',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}/otlp`,
    });
    const app = await buildApp(config, silentLogger());
    try {
      await new Promise<void>((resolve) => app.server.http.listen(0, '127.0.0.1', resolve));
      const router = routerSpan();
      const res = await fetch(`http://127.0.0.1:${(app.server.http.address() as AddressInfo).port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: router.traceparent },
        body: JSON.stringify({ query: SEARCH, variables: { q: 'nobody' } }),
      });
      expect(((await res.json()) as any).errors).toBeUndefined();
    } finally {
      // Spans are batched for 5 s; closing the app (as graceful shutdown does) exports what is queued.
      await app.close();
      collector.close();
    }
    expect(posts.map((p) => [p.path, p.type])).toEqual([['/otlp/v1/traces', 'application/json']]);
    const [resourceSpans] = posts[0]!.body.resourceSpans;
    expect(resourceSpans.resource.attributes).toEqual(
      expect.arrayContaining([{ key: 'service.name', value: { stringValue: 'shopify-profile-subgraph' } }]),
    );
    const spans = resourceSpans.scopeSpans.flatMap((s: any) => s.spans);
    expect(spans.map((s: any) => s.name).sort()).toEqual(['graphql.operation Search', 'shopify.request CustomerSearch']);
  });

  it('says once when exports start failing and once when they work again, naming no URL', async () => {
    const lines: any[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    let up = false;
    const collector: SpanExporter = {
      export: (_spans, done) =>
        done(up ? { code: 0 } : { code: 1, error: new Error('connect ECONNREFUSED http://user:pw@collector:4318') }),
      shutdown: async () => undefined,
    };
    const tracing = (await startTracing({ endpoint: 'http://user:pw@collector:4318', serviceName: 's' }, logger, { exporter: collector }))!;
    for (const state of [false, false, true, true]) {
      up = state;
      tracing.startOperation(() => undefined).end({ status: 200, codes: [] });
      // A flush whose export failed rejects; the app never waits on one (only shutdown flushes, and it swallows that).
      await tracing.forceFlush().catch(() => undefined);
    }
    await tracing.shutdown();
    expect(lines.map((l) => [l.msg, l.tracing])).toEqual([
      ['OpenTelemetry export failed; spans are dropped', { dropped: 1, error: 'Error' }],
      ['OpenTelemetry export works again', undefined],
    ]);
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT unset', () => {
  it('builds and serves with no tracer provider installed and no OpenTelemetry SDK module loaded', () => {
    // A process of its own: this test file loads the SDK itself, and the claim is about what the app loads.
    const script = `
      import { createRequire } from 'node:module';
      import { buildApp } from './src/app.ts';
      import { loadConfig } from './src/config.ts';
      import { silentLogger } from './src/logger.ts';
      const app = await buildApp(loadConfig({ SQLITE_PATH: ':memory:', DEMO_CUSTOMERS: '5', NODE_ENV: 'test' }), silentLogger());
      await new Promise((resolve) => app.server.http.listen(0, '127.0.0.1', resolve));
      const res = await fetch('http://127.0.0.1:' + app.server.http.address().port + '/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        body: JSON.stringify({ query: '{ shopifyCustomerSearch(query: \"a\", first: 1, store: \"us\") { id } }' }),
      });
      const served = res.status === 200 && !(await res.json()).errors;
      // prom-client loads the API package (a no-op facade) for its exemplars; anything else would be the SDK.
      const loaded = Object.keys(createRequire(import.meta.url).cache)
        .filter((path) => path.includes('/@opentelemetry/') && !path.includes('/@opentelemetry/api/'));
      const api = await import('@opentelemetry/api');
      const provider = api.trace.getTracerProvider().getDelegate().constructor.name;
      const global = Object.getOwnPropertySymbols(globalThis).map(String).filter((s) => s.includes('opentelemetry'));
      console.log(JSON.stringify({ served, tracing: app.tracing, loaded, provider, global }));
      await app.close();
    `;
    const child = spawnSync(join(process.cwd(), 'node_modules/.bin/tsx'), ['--input-type=module', '-e', script], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout.trim().split('\n').at(-1)!)).toEqual({
      served: true,
      tracing: null,
      loaded: [],
      provider: 'NoopTracerProvider',
      global: [],
    });
  });
});
