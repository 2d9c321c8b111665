/**
 * Manual linking. A link is checked against Shopify before it is stored (a typo must not silently point a
 * profile at nobody), and every attempt is audited.
 */
import { requireScope } from '../auth.js';
import { BadInputError, isAppError } from '../errors.js';
import type { MutationResolvers } from '../__generated__/resolvers.js';
import type { RequestContext } from '../context.js';
import type { CustomerByIdQuery } from '../shopify/__generated__/admin.js';
import { requireGid } from '../shopify/gid.js';
import { CUSTOMER_BY_ID } from '../shopify/operations.js';
import { costOf } from '../shopify/pack.js';
import type { AuditAction } from '../store/index.js';
import { toCustomer } from './mappers.js';
import { manualLink } from './resolvers.js';

function requireProfileId(value: string): string {
  const id = value.trim();
  if (id === '' || id.length > 200) throw new BadInputError('profileId', 'must be a non-empty id of at most 200 characters');
  return id;
}

/** Runs a link action, recording it as denied, rejected, failed or succeeded. */
async function audited<T>(
  ctx: RequestContext,
  action: AuditAction,
  ids: { profileId: string | null; customerId: string | null },
  run: (agentId: string) => Promise<T>,
): Promise<T> {
  const agentId = ctx.caller.authenticated ? ctx.caller.agentId : null;
  const base = { agentId, action, orderId: null, amount: null, currencyCode: null, idempotencyKey: null, shopifyIds: {}, detail: null, ...ids };
  try {
    const result = await run(requireScope(ctx.caller, 'shopify:link'));
    await ctx.deps.store.audit.record({ ...base, outcome: 'succeeded', errorCode: null });
    return result;
  } catch (error) {
    const code = isAppError(error) ? error.code : 'INTERNAL_SERVER_ERROR';
    const outcome = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'denied' : code === 'BAD_USER_INPUT' ? 'rejected' : 'failed';
    await ctx.deps.store.audit.record({ ...base, outcome, errorCode: code });
    throw error;
  }
}

export const linkShopifyCustomer: MutationResolvers['linkShopifyCustomer'] = (_root, args, ctx) =>
  audited(ctx, 'linkShopifyCustomer', { profileId: args.profileId, customerId: args.customerId }, async (agentId) => {
    const profileId = requireProfileId(args.profileId);
    const customerId = requireGid(args.customerId, 'Customer', 'customerId');
    const client = ctx.deps.shopify;
    const { data } = await client.request<CustomerByIdQuery>(CUSTOMER_BY_ID, { id: customerId }, {
      operationName: 'CustomerById',
      estimatedCost: costOf(CUSTOMER_BY_ID, { id: customerId }),
    });
    if (!data.customer) throw new BadInputError('customerId', 'no Shopify customer has this id');
    const record = await ctx.deps.store.links.upsert({ profileId, customerId, linkedBy: agentId });
    return { profileId, link: manualLink(record), customer: toCustomer(data.customer, client.endpoint) };
  });

export const unlinkShopifyCustomer: MutationResolvers['unlinkShopifyCustomer'] = (_root, args, ctx) =>
  audited(ctx, 'unlinkShopifyCustomer', { profileId: args.profileId, customerId: null }, async () => {
    const profileId = requireProfileId(args.profileId);
    await ctx.deps.store.links.remove(profileId);
    return { profileId, link: null, customer: null };
  });
