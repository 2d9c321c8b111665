/**
 * The local supergraph's agent token: a real HS256 JWT, signed with a secret generated for this run, that the
 * subgraph verifies exactly as it would a support desk's token (AUTH_MODE=jwt). Only for the demo store.
 */
import { SignJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { SCOPES } from '../src/auth.js';

/** The demo agent's id (`sub`), as agent actions record it. */
export const DEMO_AGENT = 'demo-agent';

/** A fresh secret for AUTH_JWT_SECRET; 48 random bytes, well above the 32 characters the config requires. */
export function generateDevSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** Signs an agent token carrying `scopes` (all of them by default), valid for `ttlSeconds` (a day by default). */
export async function signDemoToken(
  secret: string,
  opts: { sub?: string; scopes?: readonly string[]; ttlSeconds?: number; issuer?: string; audience?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ scope: (opts.scopes ?? SCOPES).join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.sub ?? DEMO_AGENT)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.ttlSeconds ?? 24 * 3600));
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
