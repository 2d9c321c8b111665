/**
 * A minimal standalone HTTP server for an ApolloServer that binds its port *before* Apollo starts.
 * startStandaloneServer listens without an error handler, so a port in use becomes an uncaught exception instead
 * of an error we can name (GATEWAY_PORT, PROFILES_PORT); binding first also means nothing is left half-started.
 */
import type { ApolloServer, BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody, serveGraphQL } from '../src/http.js';
import { listenHttp, reachableHost } from './ports.js';

/** Largest request body accepted (the demo's operations are a few kilobytes). */
const MAX_BODY_BYTES = 1024 * 1024;

/** A running server: its base URL (`http://host:port/`) and how to stop it, draining requests in flight. */
export interface Served {
  url: string;
  close(): Promise<void>;
}

/** The plugin that makes `apollo.stop()` drain and close the HTTP server; pass it to the ApolloServer you build. */
export function drainPlugin(httpServer: Server) {
  return ApolloServerPluginDrainHttpServer({ httpServer });
}

/**
 * Binds `port` on `host` (PortInUseError naming `variable` when taken), then builds and starts the ApolloServer
 * from `build(httpServer)` and serves it on every path. `context` builds each request's context.
 */
export async function serveApollo<TContext extends BaseContext>(opts: {
  build: (httpServer: Server) => ApolloServer<TContext>;
  port: number;
  host: string;
  variable: string;
  context?: (req: IncomingMessage) => Promise<TContext>;
}): Promise<Served> {
  const httpServer = createServer();
  httpServer.keepAliveTimeout = 5_000;
  const port = await listenHttp(httpServer, opts.port, opts.host, opts.variable);
  let apollo: ApolloServer<TContext>;
  try {
    apollo = opts.build(httpServer);
    await apollo.start();
  } catch (error) {
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    throw error;
  }
  const context = opts.context ?? (async () => ({}) as TContext);
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(apollo, context, req, res).catch(() => {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  });
  let closed: Promise<void> | null = null;
  return { url: `http://${reachableHost(opts.host)}:${port}/`, close: () => (closed ??= apollo.stop()) };
}

async function handle<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  context: (req: IncomingMessage) => Promise<TContext>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (raw === null) {
    res.statusCode = 413;
    res.end();
    return;
  }
  await serveGraphQL(apollo, req, res, raw, () => context(req));
}
