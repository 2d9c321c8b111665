/**
 * Which customer owns each email, known completely: the step that turns a profile's emails into customer GIDs
 * (./customers.ts uses it when that is cheaper, and for emails a full search page left undecided). Plain addresses
 * are searched in packed, paged requests; any other address is looked up exactly, never put into a search query.
 */
import { ShopifyUnavailableError } from '../errors.js';
import type { ShopifyClient } from './client.js';
import type { CustomerIdsByEmailQuery } from './__generated__/admin.js';
import { CUSTOMER_ID_BY_EMAIL_ADDRESS, CUSTOMER_IDS_BY_EMAIL } from './operations.js';
import { packByCost } from './pack.js';
import { emailQuery, isPlainEmail } from './search-syntax.js';
import { request } from './typed-request.js';

/** Room for a few extra matches in an email lookup's page (two points each), so one page is usually the whole answer. */
export const EMAIL_LOOKUP_HEADROOM = 10;
/** Pages of one email lookup before it gives up knowing (5 000 customers: far beyond what plain addresses match). */
const MAX_LOOKUP_PAGES = 20;

/** Page size of an email lookup: every email plus headroom, within Shopify's 250. */
export const lookupFirst = (emails: number) => Math.min(250, emails + EMAIL_LOOKUP_HEADROOM);
/** An address as Shopify's answers are compared with ours: trimmed, lower case; null when there is none. */
export const normalEmail = (e: string | null | undefined) => e?.trim().toLowerCase() || null;

/** The customer owning an email, and how many orders it has (sizes the orders fetched with its card). */
export interface EmailOwner {
  id: string;
  numberOfOrders: number;
}

const ownerOf = (c: { id: string; numberOfOrders: string }): EmailOwner => ({
  id: c.id,
  numberOfOrders: Number.parseInt(c.numberOfOrders, 10),
});

/**
 * email → its owner for the emails that belong to a customer, known completely (every page read), or the Error
 * that prevented knowing. Plain addresses are searched in packed, paged requests; any other is looked up exactly.
 */
export async function customerIdsByEmail(client: ShopifyClient, emails: readonly string[]): Promise<Map<string, EmailOwner> | Error> {
  const unique = [...new Set(emails)];
  const plain = unique.filter(isPlainEmail);
  const { groups } = packByCost(
    plain,
    (g) => client.estimate(CUSTOMER_IDS_BY_EMAIL, { query: '', first: lookupFirst(g.length), after: null }),
    undefined,
    100,
  );
  const owners = new Map<string, EmailOwner>();
  try {
    await Promise.all([
      ...groups.map(({ items }) => searchOwners(client, items, owners)),
      ...unique.filter((e) => !isPlainEmail(e)).map((e) => exactOwner(client, e, owners)),
    ]);
    return owners;
  } catch (error) {
    return error as Error;
  }
}

/** Pages one email search until Shopify says there is no more, or every email has its (one) owner. */
async function searchOwners(client: ShopifyClient, emails: readonly string[], owners: Map<string, EmailOwner>): Promise<void> {
  const wanted = new Set(emails);
  let found = 0;
  let after: string | null = null;
  for (let page = 1; ; page++) {
    const { data }: { data: CustomerIdsByEmailQuery } = await request(client, CUSTOMER_IDS_BY_EMAIL, {
      query: emailQuery(emails),
      first: lookupFirst(emails.length),
      after,
    });
    for (const node of data.customers.nodes) {
      const email = normalEmail(node.defaultEmailAddress?.emailAddress);
      if (email && wanted.has(email) && !owners.has(email)) {
        owners.set(email, ownerOf(node));
        found++;
      }
    }
    const { hasNextPage, endCursor }: { hasNextPage: boolean; endCursor?: string | null } = data.customers.pageInfo;
    // Shopify keeps a customer's email unique: once each email has its customer, later pages hold only near-misses.
    if (!hasNextPage || found === wanted.size) return;
    if (page >= MAX_LOOKUP_PAGES || !endCursor) {
      throw new ShopifyUnavailableError(
        `an email lookup still had more matches after ${page} pages; its profiles cannot be linked reliably`,
      );
    }
    after = endCursor;
  }
}

/** The owner of one email that is not a plain address, by exact identifier (no search syntax involved). */
async function exactOwner(client: ShopifyClient, email: string, owners: Map<string, EmailOwner>): Promise<void> {
  const { data } = await request(client, CUSTOMER_ID_BY_EMAIL_ADDRESS, { email });
  const c = data.customerByIdentifier;
  if (c && normalEmail(c.defaultEmailAddress?.emailAddress) === email) owners.set(email, ownerOf(c));
}
