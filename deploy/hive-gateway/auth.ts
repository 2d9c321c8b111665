/**
 * What Hive Gateway must do in front of the Shopify profile subgraph, as one reusable module: verify the agent's JWT,
 * enforce the supergraph's `@requiresScopes` with the same error contract as the subgraph (HTTP 200, partial data,
 * FORBIDDEN naming the scope, UNAUTHENTICATED without a valid token), and send the subgraph the headers it checks.
 *
 * `gateway.config.ts` (for the `hive-gateway` CLI) is this module applied to `process.env`; the end-to-end test
 * (test/routers/hive-gateway.test.ts) runs that same config file through the real CLI.
 *
 * Self-contained on purpose: a gateway image ships this folder and `@graphql-hive/gateway`, not the subgraph's code.
 * The messages below are the subgraph's own (src/errors.ts, src/auth.ts); the test checks that they still agree.
 */
import type { GenericAuthPluginOptions, ValidateUserFnParams } from '@envelop/generic-auth';
import {
  createInlineSigningKeyProvider,
  createRemoteJwksSigningKeyProvider,
  type ExtractTokenFunction,
  type GatewayCLIBuiltinPluginConfig,
  type GatewayContext,
  type JWTAuthContextExtension,
  type JWTAuthPluginOptions,
  type PropagateHeadersOpts,
} from '@graphql-hive/gateway';
import { GraphQLError } from 'graphql';
import { randomBytes } from 'node:crypto';

/** The environment variables this config reads; the names are the subgraph's, so one Secret can feed both. */
export const GATEWAY_ENV_VARIABLES = [
  'AUTH_JWT_SECRET',
  'AUTH_JWKS_URL',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'ROUTER_SECRET',
  'SHOPIFY_SUBGRAPH_NAME',
] as const;

/** Header names the subgraph reads (src/server.ts checks the second before parsing anything). */
export const AUTHORIZATION_HEADER = 'authorization';
export const ROUTER_SECRET_HEADER = 'router-authorization';

/** The subgraph's name in the supergraph (supergraph.yaml, dev/compose.ts). */
export const DEFAULT_SHOPIFY_SUBGRAPH_NAME = 'shopify';

/** The same bounds as the subgraph's (src/config.ts, src/auth.ts). */
const MIN_JWT_SECRET_LENGTH = 32;
const MIN_ROUTER_SECRET_LENGTH = 16;
const MAX_SUB_LENGTH = 255;
const MAX_SCOPE_LENGTH = 4096;
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/** The gateway's validated settings. Secrets stay in here; nothing prints them. */
export interface GatewayAuthSettings {
  key: { kind: 'secret'; secret: string } | { kind: 'jwks'; url: string };
  issuer?: string;
  audience?: string;
  routerSecret: string;
  shopifySubgraphName: string;
}

/** Thrown at start when the environment is unusable; lists every problem, never a secret's value. */
export class GatewayConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Hive Gateway configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'GatewayConfigError';
  }
}

/** Reads and validates the gateway's environment once, listing every problem in one error. */
export function readGatewayAuthSettings(env: Record<string, string | undefined> = process.env): GatewayAuthSettings {
  // A blank variable is unset, as in the subgraph's config.
  const get = (name: (typeof GATEWAY_ENV_VARIABLES)[number]): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const problems: string[] = [];
  const secret = get('AUTH_JWT_SECRET');
  const jwksUrl = get('AUTH_JWKS_URL');
  if (secret && jwksUrl) problems.push('AUTH_JWT_SECRET and AUTH_JWKS_URL: set only one (HS256 secret or JWKS URL)');
  if (!secret && !jwksUrl) problems.push('AUTH_JWT_SECRET or AUTH_JWKS_URL: one is required to verify agent tokens');
  if (secret && secret.length < MIN_JWT_SECRET_LENGTH) {
    problems.push(`AUTH_JWT_SECRET: must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  if (jwksUrl && !/^https?:\/\/[^\s]+$/.test(jwksUrl)) problems.push('AUTH_JWKS_URL: must be an http(s) URL');
  const routerSecret = get('ROUTER_SECRET');
  if (!routerSecret) problems.push('ROUTER_SECRET: required; the subgraph refuses requests without it in production');
  else if (routerSecret.length < MIN_ROUTER_SECRET_LENGTH) {
    problems.push(`ROUTER_SECRET: must be at least ${MIN_ROUTER_SECRET_LENGTH} characters`);
  }
  if (problems.length > 0) throw new GatewayConfigError(problems);
  return {
    key: secret ? { kind: 'secret', secret } : { kind: 'jwks', url: jwksUrl! },
    issuer: get('AUTH_ISSUER'),
    audience: get('AUTH_AUDIENCE'),
    routerSecret: routerSecret!,
    shopifySubgraphName: get('SHOPIFY_SUBGRAPH_NAME') ?? DEFAULT_SHOPIFY_SUBGRAPH_NAME,
  };
}

/** `Authorization: Bearer <JWT>`, the scheme matched case-insensitively as the subgraph does; anything else is no token. */
export const bearerToken: ExtractTokenFunction = ({ request }) => {
  const match = /^Bearer\s+(\S+)$/i.exec(request?.headers.get(AUTHORIZATION_HEADER)?.trim() ?? '');
  return match ? { prefix: 'Bearer', token: match[1]! } : undefined;
};

/**
 * Hive Gateway's built-in JWT plugin: verifies the signature (HS256 secret or JWKS), `exp`, issuer and audience, and
 * puts the verified claims in `context.jwt`. It rejects nothing itself: a request without a valid token still runs,
 * so its unprotected fields (the profile's own) are answered and only the protected ones get UNAUTHENTICATED.
 */
export function jwtOptions(settings: GatewayAuthSettings): JWTAuthPluginOptions {
  const { key } = settings;
  return {
    signingKeyProviders:
      key.kind === 'secret'
        ? [createInlineSigningKeyProvider(key.secret)]
        : [
            createRemoteJwksSigningKeyProvider({ jwksUri: key.url, cache: true, rateLimit: true }),
            // Without a second provider, a `kid` the set lacks (or an unreachable JWKS URL) fails the whole request
            // with HTTP 500. The plugin logs the first provider's error, then takes this key, which verifies no
            // token, so the agent gets UNAUTHENTICATED with partial data, as from the subgraph's own JWKS check.
            unverifiableKeyProvider(),
          ],
    tokenLookupLocations: [bearerToken],
    tokenVerification: {
      // The algorithms the subgraph accepts for the same kind of key (src/auth.ts): never `none`, never mixed.
      algorithms: key.kind === 'secret' ? ['HS256'] : ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'],
      ...(settings.issuer ? { issuer: settings.issuer } : {}),
      ...(settings.audience ? { audience: settings.audience } : {}),
    },
    reject: { missingToken: false, invalidToken: false },
    // The subgraph verifies the forwarded Authorization header itself; claims in `extensions` would be a second,
    // unsigned copy for it to ignore.
    forward: { payload: false, token: false },
  };
}

/**
 * A signing-key provider whose key verifies nothing: random bytes as a string, never a public key, offered only with
 * RS/ES/PS algorithms (which need one), so every token checked against it is rejected as invalid.
 */
function unverifiableKeyProvider(): () => string {
  const key = randomBytes(32).toString('hex');
  return () => key;
}

/** Who is calling, as the gateway's authorization sees it: a verified agent, or why there is none. */
export type Agent = { authenticated: true; agentId: string; scopes: string[] } | { authenticated: false; reason: string };

type AuthContext = GatewayContext & JWTAuthContextExtension;

const MISSING_TOKEN = 'A valid agent token is required (Authorization: Bearer <JWT>)';

/**
 * The agent from the verified claims, with the subgraph's own claim rules (src/auth.ts): `sub` and `exp` required,
 * `sub` a non-blank string of at most 255 characters without control characters, `scope` a string of at most 4096.
 */
export function agentFromContext(context: Partial<AuthContext>): Agent {
  const payload = context.jwt?.payload;
  if (!payload) {
    const sent = context.request?.headers.get(AUTHORIZATION_HEADER);
    return { authenticated: false, reason: sent ? 'The agent token was rejected by the router' : MISSING_TOKEN };
  }
  const { sub, scope, exp } = payload as { sub?: unknown; scope?: unknown; exp?: unknown };
  if (typeof exp !== 'number') return { authenticated: false, reason: 'The agent token was rejected (missing "exp" claim)' };
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > MAX_SUB_LENGTH || CONTROL.test(sub)) {
    return {
      authenticated: false,
      reason: `The agent token was rejected (its "sub" claim must be a non-blank string of at most ${MAX_SUB_LENGTH} characters, without control characters)`,
    };
  }
  if (scope !== undefined && (typeof scope !== 'string' || scope.length > MAX_SCOPE_LENGTH)) {
    return {
      authenticated: false,
      reason: `The agent token was rejected (its "scope" claim must be a space-separated string of at most ${MAX_SCOPE_LENGTH} characters)`,
    };
  }
  // Space-separated, any run of whitespace, as the subgraph splits it.
  const scopes = typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : [];
  return { authenticated: true, agentId: sub, scopes };
}

/** The subgraph's FORBIDDEN message for a missing scope (src/errors.ts ForbiddenError). */
export function forbiddenMessage(scope: string): string {
  return `This needs the scope "${scope}", which the agent's token does not carry`;
}

/**
 * The first scope the agent lacks, or null when it satisfies `required` (`@requiresScopes` semantics: any one inner
 * list, all of its scopes). Every list of this schema has one alternative, so the named scope is the one to grant.
 */
export function missingScope(required: readonly (readonly string[])[], granted: readonly string[]): string | null {
  if (required.length === 0) return null;
  if (required.some((all) => all.every((s) => granted.includes(s)))) return null;
  const first = required[0]!;
  return first.find((s) => !granted.includes(s)) ?? null;
}

/**
 * Replaces genericAuth's default check, which answers any refusal with `UNAUTHORIZED_FIELD_OR_TYPE` and HTTP 401:
 * the errors here carry the subgraph's codes and no HTTP status, so with `rejectUnauthenticated: false` the response is
 * HTTP 200 with the refused fields null and everything else answered.
 */
export function validateAgent(params: ValidateUserFnParams<Agent>): GraphQLError | undefined {
  const { user, fieldNode } = params;
  // genericAuth marks list fields with '@' *before* their key (['profile', '@', 'orders']), which the extended
  // validation then writes into the response as a literal "@" object. Response keys alone are what that step handles
  // (it maps over lists itself) and what a client expects to read.
  const path = params.path.filter((key) => key !== '@');
  const scopeSets = [params.typeScopes, params.fieldScopes].filter((s): s is string[][] => Array.isArray(s) && s.length > 0);
  const needsAgent = scopeSets.length > 0 || params.fieldAuthArgs !== undefined || params.typeAuthArgs !== undefined;
  if (!needsAgent) return undefined;
  if (!user.authenticated) {
    return new GraphQLError(user.reason, { nodes: fieldNode, path, extensions: { code: 'UNAUTHENTICATED' } });
  }
  for (const required of scopeSets) {
    const scope = missingScope(required, user.scopes);
    if (scope) return new GraphQLError(forbiddenMessage(scope), { nodes: fieldNode, path, extensions: { code: 'FORBIDDEN', scope } });
  }
  return undefined;
}

/** genericAuth's options as Hive Gateway types them: the user is any object, the context the gateway's. */
export type GatewayGenericAuth = GenericAuthPluginOptions<Record<string, unknown>, GatewayContext & Partial<AuthContext>>;

/** genericAuth enforcing the supergraph's `@requiresScopes` (and `@authenticated`) from the verified agent. */
export function genericAuthOptions(): GatewayGenericAuth {
  // The gateway types the user as any object; this resolveUserFn only ever makes an Agent.
  const asAgent = (user: Record<string, unknown>) => user as Agent;
  return {
    mode: 'protect-granular',
    resolveUserFn: (context) => agentFromContext(context),
    extractScopes: (user) => {
      const agent = asAgent(user);
      return agent.authenticated ? agent.scopes : [];
    },
    validateUser: (params) => validateAgent({ ...params, user: asAgent(params.user) }),
    // Refused fields become null with our error; the rest of the operation still runs (the subgraph's contract).
    rejectUnauthenticated: false,
  };
}

/**
 * Headers for the subgraphs: the agent's `Authorization` to every subgraph (each authorizes the agent itself), and the
 * router's shared secret only to the Shopify subgraph, so no other service ever learns it.
 */
export function propagateHeadersOptions(settings: GatewayAuthSettings): PropagateHeadersOpts<AuthContext> {
  return {
    fromClientToSubgraphs({ request, subgraphName }) {
      const headers: Record<string, string> = {};
      const authorization = request.headers.get(AUTHORIZATION_HEADER);
      if (authorization) headers[AUTHORIZATION_HEADER] = authorization;
      if (subgraphName === settings.shopifySubgraphName) headers[ROUTER_SECRET_HEADER] = settings.routerSecret;
      return headers;
    },
  };
}

/** The part of a Hive Gateway config that authenticates, authorizes and forwards headers, from the environment. */
export function gatewayAuthConfig(env: Record<string, string | undefined> = process.env): {
  jwt: GatewayCLIBuiltinPluginConfig['jwt'];
  genericAuth: GatewayGenericAuth;
  propagateHeaders: PropagateHeadersOpts<AuthContext>;
} {
  const settings = readGatewayAuthSettings(env);
  return {
    jwt: jwtOptions(settings),
    genericAuth: genericAuthOptions(),
    propagateHeaders: propagateHeadersOptions(settings),
  };
}
