/**
 * The supergraph gateway (@apollo/gateway) for the local supergraph and the end-to-end tests. It forwards what
 * this subgraph needs from a router: the caller's `Authorization` and the router's own `router-authorization`.
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { Kind, parse, print, visit } from 'graphql';
import { drainPlugin, serveApollo } from './serve.js';

/** What the gateway keeps from the incoming request for the subgraph requests. */
interface GatewayContext {
  authorization?: string;
}

/** What Sandbox opens with: an operation, its variables and request headers. */
export interface SandboxInitialState {
  document: string;
  variables?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The authorization features whose rules this subgraph checks itself on every field (src/auth.ts requireScope). */
const SELF_ENFORCED_FEATURES = ['https://specs.apollo.dev/requiresScopes/', 'https://specs.apollo.dev/authenticated/'];

/**
 * The supergraph SDL as @apollo/gateway can load it. The gateway implements no authorization directives, and a
 * `@link(..., for: SECURITY)` feature it does not implement makes it refuse the supergraph (fail closed, as the
 * spec asks). This subgraph enforces its @requiresScopes itself, so for those features only we drop the purpose:
 * the gateway then routes without enforcing, and the subgraph still answers FORBIDDEN/UNAUTHENTICATED.
 * A router that implements the features (GraphOS Router) gets the SDL unchanged and enforces them too.
 */
export function supergraphForGateway(supergraphSdl: string): string {
  const ast = visit(parse(supergraphSdl), {
    Directive(node) {
      if (node.name.value !== 'link') return undefined;
      const url = node.arguments?.find((a) => a.name.value === 'url')?.value;
      if (url?.kind !== Kind.STRING || !SELF_ENFORCED_FEATURES.some((f) => url.value.startsWith(f))) return undefined;
      return { ...node, arguments: node.arguments?.filter((a) => a.name.value !== 'for') };
    },
  });
  return print(ast);
}

/** A gateway over a static supergraph SDL that forwards the agent's token and adds the router secret. */
export function createGateway(opts: { supergraphSdl: string; routerSecret?: string }): ApolloGateway {
  const { routerSecret } = opts;
  return new ApolloGateway({
    supergraphSdl: supergraphForGateway(opts.supergraphSdl),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest({ request, context }) {
          // Only these two: the subgraph authorizes the agent from the first and trusts the router by the second.
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          if (routerSecret) request.http?.headers.set('router-authorization', routerSecret);
        },
      }),
  });
}

/** A running gateway. */
export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/** Starts the gateway on `port` (0 = any free port); its landing page is Apollo Sandbox opened on `sandbox`. */
export async function startGateway(opts: {
  supergraphSdl: string;
  port: number;
  host?: string;
  portVariable?: string;
  routerSecret?: string;
  sandbox?: SandboxInitialState;
}): Promise<RunningGateway> {
  const { url, close } = await serveApollo<GatewayContext>({
    build: (httpServer) =>
      new ApolloServer<GatewayContext>({
        gateway: createGateway(opts),
        introspection: true,
        // dev/index.ts owns Ctrl-C and stops the servers in order; Apollo's own handler would race it.
        stopOnTerminationSignals: false,
        // Subgraph errors already carry codes and messages; gateway stack traces would only bury them.
        includeStacktraceInErrorResponses: false,
        plugins: [
          drainPlugin(httpServer),
          ApolloServerPluginLandingPageLocalDefault({
            // The SDL is static here, so Sandbox need not poll it; the endpoint is fixed to this gateway.
            embed: { initialState: { pollForSchemaUpdates: false }, endpointIsEditable: false },
            footer: false,
            ...(opts.sandbox ?? {}),
          }),
        ],
      }),
    port: opts.port,
    host: opts.host ?? '127.0.0.1',
    variable: opts.portVariable ?? 'GATEWAY_PORT',
    context: async (req) => ({ authorization: req.headers.authorization }),
  });
  return { url, close };
}
