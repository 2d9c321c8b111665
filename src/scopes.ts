/**
 * The scopes agent tokens carry and the shape of the refund-limit claim: plain constants, imported by auth.ts and by
 * the configuration (config-refunds.ts names scopes), so neither has to import the other.
 */

/** Every scope this subgraph knows; AUTH_MODE=none grants them all. */
export const SCOPES = [
  'shopify:read',
  'shopify:link',
  'shopify:orders:cancel',
  'shopify:orders:refund',
  'shopify:discounts:create',
  'shopify:orders:edit',
  'shopify:orders:replace',
  'shopify:orders:refund:approve',
] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * The token's `shopify_refund_limit` claim: the most the agent may refund without approval, in the shop's currency of
 * the store acted in — one decimal string for every store, or one per store handle (a store not named falls back to
 * the configured default per scope). src/actions/refund-limits.ts applies it.
 */
export type RefundLimitClaim = string | Readonly<Record<string, string>>;

/** A refund limit: a decimal with at most 2 decimals and 12 integer digits (far above any refund). */
export const REFUND_LIMIT_PATTERN = /^\d{1,12}(\.\d{1,2})?$/;
