/**
 * Manual linking. A link is checked against Shopify before it is stored (a typo must not silently point a
 * profile at nobody), and every attempt is audited. The caller is checked first; the audit keeps only well-formed,
 * bounded ids (see AttemptAudit.record), so a refused attempt never stores what it was sent.
 */
import { audited } from '../audit/attempt.js';
import { BadInputError } from '../errors.js';
import type { MutationResolvers } from '../__generated__/resolvers.js';
import { customerById } from '../shopify/customer-lookup.js';
import { requireGid, requireProfileId } from '../domain/ids.js';
import { selectStore } from '../domain/stores.js';
import { manualLink } from './resolvers.js';
import { storeScope } from '../store-scope.js';

export const linkShopifyCustomer: MutationResolvers['linkShopifyCustomer'] = (_root, args, ctx) =>
  audited(
    ctx,
    'linkShopifyCustomer',
    'shopify:link',
    { profileId: args.profileId, customerId: args.customerId },
    async (agentId, audit) => {
      const store = selectStore(ctx.deps.stores, args.store, 'store');
      audit.note({ store });
      const profileId = requireProfileId(args.profileId, 'profileId');
      const customerId = requireGid(args.customerId, 'Customer', 'customerId');
      const customer = await customerById(storeScope(ctx, store).shopify, customerId);
      if (!customer) throw new BadInputError('customerId', 'no Shopify customer has this id');
      const record = await ctx.deps.store.links.upsert({ store, profileId, customerId, linkedBy: agentId });
      return { profileId, link: manualLink(record), customer };
    },
  );

export const unlinkShopifyCustomer: MutationResolvers['unlinkShopifyCustomer'] = (_root, args, ctx) =>
  audited(ctx, 'unlinkShopifyCustomer', 'shopify:link', { profileId: args.profileId, customerId: null }, async (_agentId, audit) => {
    const store = selectStore(ctx.deps.stores, args.store, 'store');
    audit.note({ store });
    const profileId = requireProfileId(args.profileId, 'profileId');
    await ctx.deps.store.links.remove(store, profileId);
    return { profileId, link: null, customer: null };
  });
