import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { timingSafeEqual } from 'node:crypto';
import type { Config } from './config.js';
import { STORE_HANDLE_PATTERN } from './domain/stores.js';
import { ForbiddenError, UnauthenticatedError } from './errors.js';
import { REFUND_LIMIT_PATTERN, SCOPES, type RefundLimitClaim, type Scope } from './scopes.js';

export { REFUND_LIMIT_PATTERN, SCOPES, type RefundLimitClaim, type Scope } from './scopes.js';

/** The claim carrying an agent's refund limit. */
export const REFUND_LIMIT_CLAIM = 'shopify_refund_limit';

/** Who is calling: the agent from a verified token, or the reason there is none. */
export type Caller =
  | { authenticated: true; agentId: string; scopes: ReadonlySet<string>; refundLimit?: RefundLimitClaim }
  | { authenticated: false; reason: string };

export type Authenticator = (authorization: string | undefined) => Promise<Caller>;

/** Builds the per-request authenticator from config: HS256 secret or a JWKS URL, checking exp/iss/aud. */
export function createAuthenticator(auth: Config['auth']): Authenticator {
  if (auth.mode === 'none') {
    const everything: ReadonlySet<string> = new Set(SCOPES);
    return async () => ({ authenticated: true, agentId: 'anonymous', scopes: everything });
  }
  const key: Uint8Array | JWTVerifyGetKey = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl))
    : new TextEncoder().encode(auth.jwtSecret!);
  const algorithms = auth.jwksUrl ? ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'PS256'] : ['HS256'];
  return async (authorization) => {
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
    if (!match) return { authenticated: false, reason: 'A valid agent token is required (Authorization: Bearer <JWT>)' };
    try {
      const { payload } = await jwtVerify(match[1]!, key as Uint8Array, {
        algorithms,
        issuer: auth.issuer,
        audience: auth.audience,
        requiredClaims: ['sub', 'exp'],
      });
      const problem = claimsProblem(payload);
      if (problem) return { authenticated: false, reason: `The agent token was rejected (${problem})` };
      const scopes = typeof payload.scope === 'string' ? payload.scope.split(/\s+/).filter(Boolean) : [];
      const refundLimit = payload[REFUND_LIMIT_CLAIM] as RefundLimitClaim | undefined;
      return {
        authenticated: true,
        agentId: payload.sub as string,
        scopes: new Set(scopes),
        ...(refundLimit !== undefined ? { refundLimit } : {}),
      };
    } catch (error) {
      // jose's codes name the failed check (expired, bad signature, wrong audience) without echoing the token.
      const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
      return { authenticated: false, reason: `The agent token was rejected (${code})` };
    }
  };
}

/** Longest agent id (`sub`) we accept: it is stored with every link and audit entry. */
export const MAX_SUB_LENGTH = 255;
/** Longest `scope` claim we read: our eight scopes take 190 characters; an issuer may add its own. */
export const MAX_SCOPE_LENGTH = 4096;
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/**
 * Why a verified token's claims are unusable, or null. The signature proves who issued the token, not that its claims
 * have the types we rely on: a `sub` of 123 or "" would otherwise become an agent id stored with links and audits.
 */
function claimsProblem(payload: { sub?: unknown; scope?: unknown; [REFUND_LIMIT_CLAIM]?: unknown }): string | null {
  const { sub, scope } = payload;
  if (typeof sub !== 'string' || sub.trim() === '' || sub.length > MAX_SUB_LENGTH || CONTROL.test(sub)) {
    return `its "sub" claim must be a non-blank string of at most ${MAX_SUB_LENGTH} characters, without control characters`;
  }
  if (scope !== undefined && (typeof scope !== 'string' || scope.length > MAX_SCOPE_LENGTH)) {
    return `its "scope" claim must be a space-separated string of at most ${MAX_SCOPE_LENGTH} characters`;
  }
  if (!isRefundLimitClaim(payload[REFUND_LIMIT_CLAIM])) {
    return `its "${REFUND_LIMIT_CLAIM}" claim must be a decimal string like "250.00" (at most 2 decimals), or an object of at most ${MAX_LIMIT_STORES} store handles each to such a string`;
  }
  return null;
}

/** Most stores one refund-limit claim may name. */
export const MAX_LIMIT_STORES = 100;

/** Absent, a limit, or a plain object of store handles to limits. */
function isRefundLimitClaim(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value === 'string') return REFUND_LIMIT_PATTERN.test(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_LIMIT_STORES &&
    entries.every(([store, limit]) => STORE_HANDLE_PATTERN.test(store) && typeof limit === 'string' && REFUND_LIMIT_PATTERN.test(limit))
  );
}

/** True when the caller may do or read what `scope` guards (without throwing: for deciding what to fetch). */
export function callerHas(caller: Caller, scope: Scope): boolean {
  return caller.authenticated && caller.scopes.has(scope);
}

/** Throws UNAUTHENTICATED without an agent, FORBIDDEN naming the scope when the agent lacks it; returns the agent id. */
export function requireScope(caller: Caller, scope: Scope): string {
  if (!caller.authenticated) throw new UnauthenticatedError(caller.reason);
  if (!caller.scopes.has(scope)) throw new ForbiddenError(scope);
  return caller.agentId;
}

/** Constant-time check of the router's shared secret (`router-authorization` header). */
export function routerSecretMatches(expected: string, received: string | undefined): boolean {
  if (received === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  // Compare equal-length buffers so the time does not depend on where they differ; length itself may leak, which is fine.
  return a.length === b.length && timingSafeEqual(a, b);
}
