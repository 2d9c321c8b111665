/**
 * The id rules every entry point shares: what a profile id and a Shopify GID may look like. Links, discounts,
 * `_entities` representations and the audit trail check ids against these, so one bound or pattern is never two.
 */
import { BadInputError } from '../errors.js';

/** Longest profile id anything accepts (links, discounts, representations, audit): a longer one could never be linked. */
export const MAX_PROFILE_ID_LENGTH = 200;
/** The length rule as a message: the same words wherever a profile id is refused for its length. */
export const PROFILE_ID_LENGTH_RULE = `must be a non-empty id of at most ${MAX_PROFILE_ID_LENGTH} characters`;
/** Control and format characters (NUL, ESC, zero-width, bidi overrides): never part of an id, and PostgreSQL refuses NUL. */
const CONTROL_OR_FORMAT = /[\p{Cc}\p{Cf}]/u;

/** True when a profile id, once trimmed, is 1 to MAX_PROFILE_ID_LENGTH characters. */
export function hasProfileIdLength(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && trimmed.length <= MAX_PROFILE_ID_LENGTH;
}

/** Why a profile id is unusable, or null when it is fine: 1 to 200 characters (trimmed), none of them control characters. */
export function profileIdProblem(value: unknown): string | null {
  if (typeof value !== 'string' || !hasProfileIdLength(value)) return PROFILE_ID_LENGTH_RULE;
  return CONTROL_OR_FORMAT.test(value) ? 'must not contain control characters' : null;
}

/** The trimmed profile id, or BAD_USER_INPUT naming `field` with profileIdProblem's reason. */
export function requireProfileId(value: string, field: string): string {
  const problem = profileIdProblem(value);
  if (problem) throw new BadInputError(field, problem);
  return value.trim();
}

/** Shopify resource types we accept ids of. */
export type GidType = 'Customer' | 'Order' | 'LineItem';

const GID_PATTERNS = new Map<GidType, RegExp>();

/** True for `gid://shopify/{type}/{number}` exactly as written: a positive number of at most 20 digits. */
export function isGid(value: unknown, type: GidType): value is string {
  let pattern = GID_PATTERNS.get(type);
  if (!pattern) GID_PATTERNS.set(type, (pattern = new RegExp(`^gid://shopify/${type}/[1-9]\\d{0,19}$`)));
  return typeof value === 'string' && pattern.test(value);
}

/** Returns the GID (trimmed) when it is `gid://shopify/{type}/{number}`; otherwise BAD_USER_INPUT naming the field. */
export function requireGid(value: string, type: GidType, field: string): string {
  const gid = value.trim();
  if (!isGid(gid, type)) throw new BadInputError(field, `must be a Shopify ${type} GID like gid://shopify/${type}/123`);
  return gid;
}
