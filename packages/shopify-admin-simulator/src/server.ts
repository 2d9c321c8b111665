/**
 * The HTTP face of the simulator (node:http): Shopify's GraphQL endpoint with its status codes and headers,
 * armed faults applied before anything else, and the control API beside it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { loadAdminSchema, ADMIN_API_VERSION } from 'shopify-admin-schema';
import { handleControl } from './control.js';
import { UNAUTHORIZED_BODY } from './errors.js';
import { createExecutor } from './execute.js';
import type { SimulatorState } from './state.js';

const GRAPHQL_PATH = /^\/admin\/api\/([^/]+)\/graphql\.json$/;
const MAX_BODY = 5 * 1024 * 1024;

const FAIL_BODIES: Record<number, unknown> = {
  429: { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' },
  500: { errors: 'Internal Server Error' },
  502: { errors: 'Bad Gateway' },
  503: { errors: 'Service Unavailable' },
};

export interface ServerOptions {
  state: SimulatorState;
  jobDelayMs: number;
  logger?: Logger;
}

/** Builds (does not listen) the simulator's HTTP server. */
export function createSimulatorServer(options: ServerOptions): Server {
  const { state, logger } = options;
  const run = createExecutor({
    schema: loadAdminSchema(),
    bucket: state.bucket,
    store: () => state.store,
    jobDelayMs: options.jobDelayMs,
    charging: () => state.charging,
  });
  const hanging = new Set<Socket>();
  state.onReset = () => {
    for (const s of hanging) s.destroy();
    hanging.clear();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    const body = await readBody(req);
    if (path.startsWith('/__simulator/')) return handleControl(state, req, res, path, body);
    const m = GRAPHQL_PATH.exec(path);
    if (!m || m[1] !== ADMIN_API_VERSION) return json(res, 404, { errors: 'Not Found' });
    if (req.method !== 'POST') return json(res, 405, { errors: 'Method Not Allowed' });

    let request: Record<string, unknown> | null = null;
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) request = parsed as Record<string, unknown>;
    } catch {
      request = null;
    }
    const stats = state.stats;
    stats.requests++;
    const op = operationLabel(request);
    stats.byOperation[op] = (stats.byOperation[op] ?? 0) + 1;

    const delay = state.faults.delayMs();
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const fault = state.faults.next();
    if (fault.kind !== 'none') {
      stats.faulted++;
      logger?.debug({ op, fault: fault.kind }, 'simulator fault');
      if (fault.kind === 'reset') return void req.socket.destroy();
      if (fault.kind === 'hang') {
        hanging.add(req.socket);
        req.socket.once('close', () => hanging.delete(req.socket));
        return;
      }
      if (fault.kind === 'malformed') {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        return void res.end('{"data":{"customer":{"id":"gid://shopify/Customer/');
      }
      const headers: Record<string, string> = {};
      if (fault.retryAfter != null) headers['Retry-After'] = String(fault.retryAfter);
      return json(res, fault.status, FAIL_BODIES[fault.status] ?? { errors: 'Error' }, headers);
    }

    if (req.headers['x-shopify-access-token'] !== state.token) {
      stats.unauthorized++;
      return json(res, 401, UNAUTHORIZED_BODY);
    }
    if (!request) return json(res, 400, { errors: { query: 'Required parameter missing or invalid' } });

    const started = performance.now();
    const out = await run(request as { query: unknown }, state.token, req.headers['shopify-graphql-cost-debug'] === '1');
    stats.requestedCost += out.throttled ? 0 : out.requested;
    stats.actualCost += out.actual ?? 0;
    if (out.throttled) stats.throttled++;
    const errors = out.body.errors as Array<{ extensions?: { code?: string } }> | undefined;
    if (errors?.some((e) => e.extensions?.code === 'MAX_COST_EXCEEDED')) stats.maxCostExceeded++;
    logger?.debug(
      { op, requested: out.requested, actual: out.actual, throttled: out.throttled, ms: Math.round(performance.now() - started) },
      'simulator request',
    );
    json(res, 200, out.body);
  };

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger?.error({ err }, 'simulator request failed');
      if (!res.headersSent) json(res, 500, { errors: 'Internal Server Error' });
      else res.destroy();
    });
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Request-Id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Stats key: operationName, else the document's first operation name, else "anonymous". */
function operationLabel(request: Record<string, unknown> | null): string {
  if (!request) return 'anonymous';
  if (typeof request.operationName === 'string' && request.operationName) return request.operationName;
  const q = typeof request.query === 'string' ? request.query : '';
  return /\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(q)?.[1] ?? 'anonymous';
}
