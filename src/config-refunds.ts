/**
 * The refund-approval part of the environment: the default refund limit per scope (SHOPIFY_REFUND_LIMITS), which
 * applies to an agent whose token carries no `shopify_refund_limit` claim, and how long a held refund waits for an
 * approver (SHOPIFY_REFUND_REQUEST_TTL_S). README, Configuration; src/actions/refund-limits.ts has the rule.
 */
import { REFUND_LIMIT_PATTERN, SCOPES } from './scopes.js';

type RawEnv = Record<string, string | undefined>;

/** The refund settings of a Config. */
export interface RefundConfig {
  /**
   * SHOPIFY_REFUND_LIMITS: scope → the most an agent carrying it may refund without approval, a decimal string in the
   * shop's currency of the store acted in; null (`none`) = no limit. Scopes not named set no limit of their own.
   */
  limitsByScope: ReadonlyMap<string, string | null>;
  /** SHOPIFY_REFUND_REQUEST_TTL_S: how long a refund request waits for a decision before it expires */
  requestTtlSeconds: number;
}

/** 72 hours: a weekend and a working day for a supervisor to decide. */
export const DEFAULT_REFUND_REQUEST_TTL_S = 259_200;
export const MIN_REFUND_REQUEST_TTL_S = 60;
export const MAX_REFUND_REQUEST_TTL_S = 30 * 86_400;

const NO_LIMIT = 'none';

/** The entries of SHOPIFY_REFUND_LIMITS (`scope=amount|none`, comma-separated), and every problem with them. */
function parseLimits(value: string | undefined): { limits: Map<string, string | null>; problems: string[] } {
  const limits = new Map<string, string | null>();
  const problems: string[] = [];
  const problem = (message: string) => problems.push(`SHOPIFY_REFUND_LIMITS: ${message}`);
  if (value === undefined || value.trim() === '') return { limits, problems };
  value.split(',').forEach((raw, i) => {
    const entry = raw.trim();
    const at = `entry ${i + 1}`;
    const eq = entry.indexOf('=');
    if (eq < 0) return problem(`${at} must be scope=amount or scope=none, like shopify:orders:refund=100.00`);
    const scope = entry.slice(0, eq).trim();
    const limit = entry.slice(eq + 1).trim();
    // Scope names are ours, not secrets: naming the unknown one helps the operator find a typo.
    if (!(SCOPES as readonly string[]).includes(scope))
      return problem(`${at} names an unknown scope ${JSON.stringify(scope.slice(0, 60))} (known: ${SCOPES.join(', ')})`);
    if (limits.has(scope)) return problem(`${at} names ${scope} a second time`);
    if (limit !== NO_LIMIT && !REFUND_LIMIT_PATTERN.test(limit)) {
      return problem(`${at} (${scope}) must be a decimal amount like 100.00 (at most 2 decimals) or none`);
    }
    limits.set(scope, limit === NO_LIMIT ? null : limit);
  });
  return { limits, problems };
}

/** Problems with the refund variables (read raw, so they are listed with every other problem). */
export function refundChecks(env: RawEnv): string[] {
  return parseLimits(env.SHOPIFY_REFUND_LIMITS).problems;
}

/** The RefundConfig of validated values. */
export function refundConfig(values: { SHOPIFY_REFUND_LIMITS: string | undefined; SHOPIFY_REFUND_REQUEST_TTL_S: number }): RefundConfig {
  return { limitsByScope: parseLimits(values.SHOPIFY_REFUND_LIMITS).limits, requestTtlSeconds: values.SHOPIFY_REFUND_REQUEST_TTL_S };
}
