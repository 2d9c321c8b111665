/**
 * Customer data for a batch of profiles, in as few Shopify requests as the 1000-point limit allows.
 *
 * A batch holds two kinds of target: customers linked by GID and profiles to match by email. Both go in one
 * static document (`nodes(ids:)` + `customers(query: "email:… OR email:…")`), packed by requested cost. When
 * matching by email is expensive (the full card for every email a profile has), resolving emails to GIDs first
 * with a cheap query can take fewer requests in all; we compute both and take the smaller.
 */
import { toCustomer, toLineItem, toOrder } from '../profile/mappers.js';
import type { CustomerBundle, OrderModel } from '../profile/model.js';
import { ShopifyUnavailableError } from '../errors.js';
import type {
  CustomerIdsByEmailQuery,
  OrderLineItemsQuery,
  ProfileCustomersQuery,
  ProfileCustomersQueryVariables,
} from './__generated__/admin.js';
import type { ShopifyClient } from './client.js';
import { CUSTOMER_IDS_BY_EMAIL, ORDER_LINE_ITEMS, PROFILE_CUSTOMERS } from './operations.js';
import { costOf, packByCost } from './pack.js';

/** How to find a profile's customer. */
export type CustomerTarget = { kind: 'id'; customerId: string } | { kind: 'emails'; emails: readonly string[] };

/** What to fetch with each customer; derived from the GraphQL selection. */
export interface FetchPlan {
  /** 0 = no orders */
  ordersFirst: number;
  lineItems: boolean;
  tracking: boolean;
  location: boolean;
}

export const CUSTOMER_ONLY: FetchPlan = { ordersFirst: 0, lineItems: false, tracking: false, location: false };

/** A found customer; for email targets, which email matched. */
export interface CustomerHit {
  bundle: CustomerBundle;
  matchedEmail: string | null;
}

/** Where customer data comes from: Shopify itself, or a cache in front of it. */
export interface CustomerSource {
  /** One entry per target, in order: the hit, null (no such customer), or the Error that prevented knowing. */
  load(targets: readonly CustomerTarget[], plan: FetchPlan): Promise<Array<CustomerHit | null | Error>>;
}

/**
 * Line items fetched with each order. Each costs 5 points per order in the batch, so this is a trade: 5 covers
 * most orders (stores average 2–3 lines) while letting two full cards share one 1000-point request.
 */
export const LINE_ITEMS_FIRST = 5;
/**
 * Page sizes of the follow-up for orders with more lines: 20 first (nine orders per request), then what still
 * fits one request alone (a line item costs 5 points, so 190 lines plus the order stay under 1000).
 */
export const LINE_ITEMS_FOLLOW_UPS = [20, 190] as const;

/** A target's key: equal keys are one lookup. */
export function targetKey(t: CustomerTarget): string {
  return t.kind === 'id' ? `id:${t.customerId}` : `emails:${t.emails.join(',')}`;
}

/** Merges plans: the union of what was asked. */
export function mergePlans(plans: readonly FetchPlan[]): FetchPlan {
  return plans.reduce<FetchPlan>(
    (a, b) => ({
      ordersFirst: Math.max(a.ordersFirst, b.ordersFirst),
      lineItems: a.lineItems || b.lineItems,
      tracking: a.tracking || b.tracking,
      location: a.location || b.location,
    }),
    CUSTOMER_ONLY,
  );
}

/** Shopify search syntax for "any of these emails"; values quoted so dots and plus signs stay literal. */
export function emailQuery(emails: readonly string[]): string {
  return emails.map((e) => `email:"${e.replace(/["\\]/g, '')}"`).join(' OR ');
}

function profileVariables(ids: readonly string[], emails: readonly string[], plan: FetchPlan, lineItemsFirst = LINE_ITEMS_FIRST): ProfileCustomersQueryVariables {
  return {
    ids: [...ids],
    byId: ids.length > 0,
    emailQuery: emailQuery(emails),
    emailCount: Math.max(1, emails.length),
    byEmail: emails.length > 0,
    withOrders: plan.ordersFirst > 0,
    ordersFirst: Math.max(1, plan.ordersFirst),
    withLineItems: plan.lineItems && plan.ordersFirst > 0,
    lineItemsFirst,
    withTracking: plan.tracking,
    withLocation: plan.location,
  };
}

type Customer = NonNullable<ProfileCustomersQuery['matched']>['nodes'][number];
/** One target of this load: its index in the answer, and the email that led to it when looked up first. */
type Work = { t: CustomerTarget; i: number; matchedEmail: string | null };

/** The real source: batched, cost-packed requests to the Shopify Admin API. */
export class ShopifyCustomerSource implements CustomerSource {
  private readonly lineItemsFirst: number;

  constructor(private readonly client: ShopifyClient, options: { lineItemsFirst?: number } = {}) {
    this.lineItemsFirst = options.lineItemsFirst ?? LINE_ITEMS_FIRST;
  }

  async load(targets: readonly CustomerTarget[], plan: FetchPlan): Promise<Array<CustomerHit | null | Error>> {
    const results: Array<CustomerHit | null | Error> = targets.map(() => null);
    const truncated = new Set<OrderModel>();
    let work: Work[] = targets.map((t, i) => ({ t, i, matchedEmail: null }));

    const emailTargets = work.filter((w) => w.t.kind === 'emails');
    if (emailTargets.length > 0 && this.resolveEmailsFirst(work.map((w) => w.t), plan)) {
      // Step 1: emails → GIDs, cheaply. Step 2 below then treats them as linked customers.
      const owners = await this.customerIdsByEmail(emailTargets.flatMap((w) => (w.t.kind === "emails" ? w.t.emails : [])));
      work = work.flatMap((w): Work[] => {
        if (w.t.kind === 'id') return [w];
        const emails = w.t.emails;
        if (owners instanceof Error) {
          results[w.i] = owners;
          return [];
        }
        const matchedEmail = emails.find((e) => owners.has(e));
        if (!matchedEmail) return [];
        return [{ t: { kind: 'id', customerId: owners.get(matchedEmail)! }, i: w.i, matchedEmail }];
      });
    }

    const { groups, oversized } = packByCost(
      work,
      (group) => costOf(PROFILE_CUSTOMERS, profileVariables(...splitTargets(group.map((w) => w.t)), plan, this.lineItemsFirst)),
    );
    for (const w of oversized) {
      results[w.i] = new ShopifyUnavailableError('this profile has too many emails to look up within Shopify\'s 1000-point query limit');
    }

    await Promise.all(
      groups.map(async ({ items, cost }) => {
        const [ids, emails] = splitTargets(items.map((w) => w.t));
        try {
          const { data } = await this.client.request<ProfileCustomersQuery>(PROFILE_CUSTOMERS, profileVariables(ids, emails, plan, this.lineItemsFirst), {
            operationName: 'ProfileCustomers',
            estimatedCost: cost,
          });
          const byId = new Map<string, Customer>();
          for (const node of data.linked ?? []) if (node && 'id' in node) byId.set(node.id, node as Customer);
          const byEmail = new Map<string, Customer>();
          for (const node of data.matched?.nodes ?? []) {
            const email = node.defaultEmailAddress?.emailAddress.trim().toLowerCase();
            if (email) byEmail.set(email, node);
          }
          for (const w of items) {
            if (w.t.kind === 'id') {
              const c = byId.get(w.t.customerId);
              results[w.i] = c ? { bundle: this.bundle(c, plan, truncated), matchedEmail: w.matchedEmail } : null;
            } else {
              const matchedEmail = w.t.emails.find((e) => byEmail.has(e));
              results[w.i] = matchedEmail ? { bundle: this.bundle(byEmail.get(matchedEmail)!, plan, truncated), matchedEmail } : null;
            }
          }
        } catch (error) {
          for (const w of items) results[w.i] = error as Error;
        }
      }),
    );

    await this.completeLineItems(results, truncated);
    return results;
  }

  /** True when looking emails up first takes fewer requests than fetching the full card for every email. */
  private resolveEmailsFirst(targets: readonly CustomerTarget[], plan: FetchPlan): boolean {
    const direct = packByCost(targets, (g) => costOf(PROFILE_CUSTOMERS, profileVariables(...splitTargets(g), plan, this.lineItemsFirst)));
    if (direct.oversized.length > 0) return true;
    const emails = targets.flatMap((t) => (t.kind === 'emails' ? t.emails : []));
    const lookup = packByCost(emails, (g) => costOf(CUSTOMER_IDS_BY_EMAIL, { query: '', first: g.length }), undefined, 100);
    // Worst case for step 2: every email target matches a customer.
    const asIds = targets.map((t, i): CustomerTarget => (t.kind === 'id' ? t : { kind: 'id', customerId: `gid://shopify/Customer/${i}` }));
    const then = packByCost(asIds, (g) => costOf(PROFILE_CUSTOMERS, profileVariables(...splitTargets(g), plan, this.lineItemsFirst)));
    return lookup.groups.length + then.groups.length < direct.groups.length;
  }

  /** email → customer GID for the emails that belong to a customer. */
  private async customerIdsByEmail(emails: readonly string[]): Promise<Map<string, string> | Error> {
    const unique = [...new Set(emails)];
    const { groups } = packByCost(unique, (g) => costOf(CUSTOMER_IDS_BY_EMAIL, { query: '', first: g.length }), undefined, 100);
    const owners = new Map<string, string>();
    try {
      await Promise.all(
        groups.map(async ({ items, cost }) => {
          const { data } = await this.client.request<CustomerIdsByEmailQuery>(
            CUSTOMER_IDS_BY_EMAIL,
            { query: emailQuery(items), first: items.length },
            { operationName: 'CustomerIdsByEmail', estimatedCost: cost },
          );
          for (const node of data.customers.nodes) {
            const email = node.defaultEmailAddress?.emailAddress.trim().toLowerCase();
            if (email && items.includes(email)) owners.set(email, node.id);
          }
        }),
      );
      return owners;
    } catch (error) {
      return error as Error;
    }
  }

  private bundle(c: Customer, plan: FetchPlan, truncated: Set<OrderModel>): CustomerBundle {
    const endpoint = this.client.endpoint;
    const orders = plan.ordersFirst > 0
      ? (c.orders?.nodes ?? []).map((o) => {
          const order = toOrder(o, endpoint);
          if (o.lineItems?.pageInfo.hasNextPage) truncated.add(order);
          return order;
        })
      : undefined;
    return { customer: toCustomer(c, endpoint), orders };
  }

  /**
   * Fetches all line items of orders that had more than the first page, in rounds of growing page size. If that
   * fails, the customers concerned become errors: a silently truncated product list would be wrong data.
   */
  private async completeLineItems(results: Array<CustomerHit | null | Error>, truncated: Set<OrderModel>): Promise<void> {
    const failed = new Map<OrderModel, Error>();
    let pending = [...truncated];
    for (const first of LINE_ITEMS_FOLLOW_UPS) {
      if (pending.length === 0) break;
      const byId = new Map<string, OrderModel[]>();
      for (const o of pending) byId.set(o.id, [...(byId.get(o.id) ?? []), o]);
      const stillMore: OrderModel[] = [];
      const { groups } = packByCost([...byId.keys()], (g) => costOf(ORDER_LINE_ITEMS, { ids: g, first }));
      await Promise.all(
        groups.map(async ({ items, cost }) => {
          try {
            const { data } = await this.client.request<OrderLineItemsQuery>(ORDER_LINE_ITEMS, { ids: items, first }, {
              operationName: 'OrderLineItems',
              estimatedCost: cost,
            });
            for (const node of data.nodes) {
              if (!node || !('lineItems' in node)) continue;
              const products = node.lineItems.nodes.map((li) => toLineItem(li, node.id));
              for (const order of byId.get(node.id) ?? []) {
                order.products = products;
                if (node.lineItems.pageInfo.hasNextPage) stillMore.push(order);
              }
            }
          } catch (error) {
            for (const id of items) for (const order of byId.get(id) ?? []) failed.set(order, error as Error);
          }
        }),
      );
      pending = stillMore;
    }
    if (failed.size === 0) return;
    results.forEach((r, i) => {
      if (!r || r instanceof Error) return;
      const order = r.bundle.orders?.find((o) => failed.has(o));
      if (order) results[i] = failed.get(order)!;
    });
  }
}

function splitTargets(targets: readonly CustomerTarget[]): [string[], string[]] {
  const ids: string[] = [];
  const emails: string[] = [];
  for (const t of targets) {
    if (t.kind === 'id') ids.push(t.customerId);
    else emails.push(...t.emails);
  }
  return [[...new Set(ids)], [...new Set(emails)]];
}
