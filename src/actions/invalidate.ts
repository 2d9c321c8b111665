/** After an action: the caches that hold what it changed are told, so the next read asks Shopify again. */
import type { RequestContext } from '../context.js';

/** Tells caches (and this request's loaders) that our action changed these orders and customers. */
export async function invalidate(ctx: RequestContext, ids: { orderIds?: string[]; customerIds?: string[] }): Promise<void> {
  ctx.loaders.customers.clearAll();
  try {
    await ctx.deps.invalidate?.(ids);
  } catch (error) {
    ctx.logger.warn({ ...ids, err: { message: (error as Error).message } }, 'cache invalidation failed');
  }
}
