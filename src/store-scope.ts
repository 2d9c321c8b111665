/**
 * Choosing a store inside a request: the scope of a served store, and a context that acts in it. Reads spread over
 * every store (profile/); an action or a link acts in exactly one, named by its input or implied when one is served.
 */
import type { ActingContext, RequestContext, StoreScope } from './context.js';
import type { StoreHandle } from './domain/stores.js';

/** The request's scope of a served store; a handle that is not served is our bug (inputs are checked by selectStore). */
export function storeScope(ctx: RequestContext, handle: StoreHandle): StoreScope {
  const scope = ctx.stores.get(handle);
  if (!scope) throw new Error(`the store "${handle}" is not served`);
  return scope;
}

/** The request, acting in the served store `handle`. */
export function actingIn(ctx: RequestContext, handle: StoreHandle): ActingContext {
  return { ...ctx, acting: storeScope(ctx, handle) };
}

/** The store a customer or order model was read from: every model read through a served store's client names it. */
export function storeOf(model: { store?: string }): StoreHandle {
  if (!model.store) throw new Error('a Shopify model was read outside a served store');
  return model.store;
}
