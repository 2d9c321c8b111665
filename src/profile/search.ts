/**
 * `shopifyCustomerSearch`: find customers to link a profile to by hand, by email, phone, name or order number.
 * The agent's text becomes a Shopify search query of the matching field, so that text can never change the query's
 * meaning: an email must be a plain address (else BAD_USER_INPUT: `*@*` would list every customer), a phone or an
 * order number keeps only its digits, and a name loses every search-syntax character and operator word.
 */
import { requireScope } from '../auth.js';
import { requireIntInRange } from '../domain/numbers.js';
import { BadInputError } from '../errors.js';
import type { QueryResolvers } from '../__generated__/resolvers.js';
import { customerByOrderName, searchCustomers } from '../shopify/customer-lookup.js';
import { emailTerm, isPlainEmail } from '../shopify/search-syntax.js';
import { selectStore } from '../domain/stores.js';
import { storeScope } from '../store-scope.js';

export type SearchQuery = { kind: 'order'; query: string } | { kind: 'customers'; query: string };

/** Turns what an agent typed into a Shopify search of the right kind. */
export function toShopifySearch(text: string): SearchQuery {
  const t = text.trim();
  if (/^#\d{1,12}$/.test(t) || /^\d{1,6}$/.test(t)) return { kind: 'order', query: `name:"#${t.replace(/^#/, '')}"` };
  if (t.includes('@')) {
    const email = t.toLowerCase();
    if (!isPlainEmail(email))
      throw new BadInputError(
        'query',
        'an email must be a plain address, without spaces, *, quotes, parentheses, colons or other search syntax',
      );
    return { kind: 'customers', query: emailTerm(email) };
  }
  if (/^\+?[\d\s().-]{7,24}$/.test(t)) return { kind: 'customers', query: `phone:"${t.replace(/[^\d+]/g, '')}"` };
  // A single quote opens a quoted value in Shopify's syntax as a double quote does: it separates words here.
  const words = t
    .split(/[\s']+/)
    .map((w) => w.replace(/["\\:()*]/g, '').replace(/^-+/, ''))
    .filter((w) => w && !/^(OR|AND|NOT)$/i.test(w));
  if (words.length === 0) throw new BadInputError('query', 'must contain a name, an email, a phone number or an order number');
  return { kind: 'customers', query: words.join(' ') };
}

export const shopifyCustomerSearch: QueryResolvers['shopifyCustomerSearch'] = async (_root, { query, first, store }, ctx) => {
  requireScope(ctx.caller, 'shopify:read');
  const { shopify } = storeScope(ctx, selectStore(ctx.deps.stores, store, 'store'));
  if (query.trim() === '') throw new BadInputError('query', 'must not be empty');
  if (query.length > 200) throw new BadInputError('query', 'must be at most 200 characters');
  requireIntInRange(first, 1, 25, 'first');
  const search = toShopifySearch(query);
  return search.kind === 'order' ? customerByOrderName(shopify, search.query) : searchCustomers(shopify, search.query, first);
};
