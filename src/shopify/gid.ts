import { BadInputError } from '../errors.js';

/** Shopify resource types we accept ids of. */
export type GidType = 'Customer' | 'Order' | 'LineItem';

/** Returns the GID when it is `gid://shopify/{type}/{number}`; otherwise BAD_USER_INPUT naming the field. */
export function requireGid(value: string, type: GidType, field: string): string {
  const gid = value.trim();
  if (!new RegExp(`^gid://shopify/${type}/[1-9]\\d{0,19}$`).test(gid)) {
    throw new BadInputError(field, `must be a Shopify ${type} GID like gid://shopify/${type}/123`);
  }
  return gid;
}
