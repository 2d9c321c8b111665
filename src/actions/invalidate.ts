/** After an action: the caches that hold what it changed are told, so the next read asks Shopify again. */
import type { ActingContext, ChangedIds } from '../context.js';

/** Tells the acting store's caches (and this request's loader for it) that our action changed these orders and customers. */
export async function invalidate(ctx: ActingContext, ids: ChangedIds): Promise<void> {
  ctx.acting.customers.clearAll();
  try {
    await ctx.acting.served.invalidate?.(ids);
  } catch (error) {
    ctx.logger.warn({ ...ids, err: { message: (error as Error).message } }, 'cache invalidation failed');
  }
}
