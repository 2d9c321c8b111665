/**
 * Customer data for a batch of profiles, in as few Shopify requests as the 1000-point limit allows.
 *
 * A batch holds two kinds of target: customers linked by GID and profiles to match by email. Both go in one
 * static document (`nodes(ids:)` + `customers(query: "email:… OR email:…")`), packed by requested cost. When
 * matching by email is expensive (the full card for every email a profile has), resolving emails to GIDs first
 * with a cheap query can take fewer requests in all; we compute both and take the smaller.
 *
 * "No customer" (null) is only ever an answer Shopify gave completely. A search page that is full (`hasNextPage`) may
 * have left a profile's customer out (a search index can match more customers than emails), so an email it did not
 * hold is unknown: those emails are looked up again, paged to the end, before anyone is told "no customer". An email
 * that is not a plain address never goes into a search query at all: it is looked up exactly (`customerByIdentifier`).
 */
import { toCustomer, toLineItem, toOrder } from './mappers.js';
import type { CustomerBundle, OrderModel } from '../domain/model.js';
import { CUSTOMER_ONLY, linkingEmail, type CustomerHit, type CustomerTarget, type FetchPlan } from '../domain/lookup.js';
import { ShopifyUnavailableError } from '../errors.js';
import type { ProfileCustomersQuery, ProfileCustomersQueryVariables } from './__generated__/admin.js';
import type { ShopifyClient } from './client.js';
import { limitedClient, type Limiter } from './request-scope.js';
import { customerIdsByEmail, lookupFirst, normalEmail } from './email-owners.js';
import { CUSTOMER_IDS_BY_EMAIL, ORDER_LINE_ITEMS, PROFILE_CUSTOMERS } from './operations.js';
import { costOf } from './document-cost.js';
import { packByCost } from './pack.js';
import { emailQuery, isPlainEmail } from './search-syntax.js';
import { request } from './typed-request.js';

/** Where customer data comes from: Shopify itself, or a cache in front of it. */
export interface CustomerSource {
  /**
   * One entry per target, in order: the hit, null (Shopify answered completely: no such customer), or the Error
   * that prevented knowing. Never null for a lookup that may have been cut short: caches store null as a fact.
   */
  load(targets: readonly CustomerTarget[], plan: FetchPlan, limiter?: Limiter): Promise<Array<CustomerHit | null | Error>>;
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
  return t.kind === 'id' ? `id:${t.customerId}` : `${t.policy === 'unique' ? 'unique' : 'emails'}:${t.emails.join(',')}`;
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

const emailsOf = (t: CustomerTarget) => (t.kind === 'emails' ? t.emails : []);
const policyOf = (t: CustomerTarget) => (t.kind === 'emails' ? t.policy : undefined);

/** Variables of PROFILE_CUSTOMERS; without the query string when only pricing (cost does not depend on it). */
function profileVariables(
  ids: readonly string[],
  emails: readonly string[],
  plan: FetchPlan,
  lineItemsFirst = LINE_ITEMS_FIRST,
  withQuery = true,
): ProfileCustomersQueryVariables {
  return {
    ids: [...ids],
    byId: ids.length > 0,
    emailQuery: withQuery ? emailQuery(emails) : '',
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

  constructor(
    private readonly client: ShopifyClient,
    options: { lineItemsFirst?: number } = {},
  ) {
    this.lineItemsFirst = options.lineItemsFirst ?? LINE_ITEMS_FIRST;
  }

  /** `limiter`: the incoming request's cap on Shopify calls in flight; this load's calls all wait under it. */
  load(targets: readonly CustomerTarget[], plan: FetchPlan, limiter?: Limiter): Promise<Array<CustomerHit | null | Error>> {
    if (!limiter) return this.run(targets, plan);
    return new ShopifyCustomerSource(limitedClient(this.client, limiter), { lineItemsFirst: this.lineItemsFirst }).run(targets, plan);
  }

  private async run(targets: readonly CustomerTarget[], plan: FetchPlan): Promise<Array<CustomerHit | null | Error>> {
    const results: Array<CustomerHit | null | Error> = targets.map(() => null);
    const truncated = new Set<OrderModel>();
    let work: Work[] = targets.map((t, i) => ({ t, i, matchedEmail: null }));

    const emailWork = work.filter((w) => w.t.kind === 'emails');
    // The packing of `work` as it stands, when deciding step 1 already computed it.
    let packed: Packing<Work> | undefined;
    if (emailWork.length > 0) {
      // Step 1: emails → GIDs, cheaply, when that takes fewer requests in all; and always for a target with an email
      // that cannot go into a search query. Step 2 below then treats them as linked customers.
      const choice = this.resolveEmailsFirst(work, plan);
      const first = new Set(choice.first ? emailWork : emailWork.filter((w) => !emailsOf(w.t).every(isPlainEmail)));
      if (first.size > 0) work = [...work.filter((w) => !first.has(w)), ...(await this.resolveToIds([...first], results))];
      else packed = choice.direct;
    }
    const undecided = await this.fetchCards(work, plan, results, truncated, packed);
    // A full search page left these unknown: their emails are looked up to the end, then their cards fetched by id.
    if (undecided.length > 0) await this.fetchCards(await this.resolveToIds(undecided, results), plan, results, truncated);

    await this.completeLineItems(results, truncated);
    return results;
  }

  /**
   * Fetches the cards of `work` in cost-packed requests and fills `results`. Returns the email targets a full search
   * page left undecided (an earlier email of theirs may belong to a customer the page did not hold).
   */
  private async fetchCards(
    work: readonly Work[],
    plan: FetchPlan,
    results: Array<CustomerHit | null | Error>,
    truncated: Set<OrderModel>,
    packed: Packing<Work> = packByCost(
      work,
      cardPricer(work, (w) => w.t, plan, this.lineItemsFirst),
    ),
  ): Promise<Work[]> {
    const undecided: Work[] = [];
    const { groups, oversized } = packed;
    for (const w of oversized) {
      results[w.i] = new ShopifyUnavailableError("this profile has too many emails to look up within Shopify's 1000-point query limit");
    }

    await Promise.all(
      groups.map(async ({ items }) => {
        const [ids, emails] = splitTargets(items.map((w) => w.t));
        try {
          const { data } = await request(this.client, PROFILE_CUSTOMERS, profileVariables(ids, emails, plan, this.lineItemsFirst));
          const byId = new Map<string, Customer>();
          for (const node of data.linked ?? []) if (node && 'id' in node) byId.set(node.id, node as Customer);
          const byEmail = new Map<string, Customer>();
          for (const node of data.matched?.nodes ?? []) {
            const email = normalEmail(node.defaultEmailAddress?.emailAddress);
            if (email) byEmail.set(email, node);
          }
          const complete = !data.matched?.pageInfo.hasNextPage;
          for (const w of items) {
            if (w.t.kind === 'id') {
              const c = byId.get(w.t.customerId);
              results[w.i] = c ? { bundle: this.bundle(c, plan, truncated), matchedEmail: w.matchedEmail } : null;
              continue;
            }
            // An email missing from a page that was cut short is unknown, not unowned.
            const matchedEmail = linkingEmail(w.t.emails, (e) => byEmail.get(e)?.id ?? (complete ? null : undefined), w.t.policy);
            if (matchedEmail === undefined) undecided.push(w);
            else results[w.i] = matchedEmail ? { bundle: this.bundle(byEmail.get(matchedEmail)!, plan, truncated), matchedEmail } : null;
          }
        } catch (error) {
          for (const w of items) results[w.i] = error as Error;
        }
      }),
    );
    return undecided;
  }

  /** Email targets → id targets of the customer their first owned email belongs to; none owned leaves null, a failure the Error. */
  private async resolveToIds(items: readonly Work[], results: Array<CustomerHit | null | Error>): Promise<Work[]> {
    const owners = await customerIdsByEmail(
      this.client,
      items.flatMap((w) => emailsOf(w.t)),
    );
    return items.flatMap((w): Work[] => {
      if (owners instanceof Error) {
        results[w.i] = owners;
        return [];
      }
      const matchedEmail = linkingEmail(emailsOf(w.t), (e) => owners.get(e) ?? null, policyOf(w.t));
      if (!matchedEmail) return [];
      return [{ t: { kind: 'id', customerId: owners.get(matchedEmail)! }, i: w.i, matchedEmail }];
    });
  }

  /**
   * `first`: true when looking emails up first takes fewer requests than fetching the full card for every email.
   * `direct`: the packing of `work` as it is, which fetchCards reuses when nothing is looked up first.
   */
  private resolveEmailsFirst(work: readonly Work[], plan: FetchPlan): { first: boolean; direct: Packing<Work> } {
    const direct = packByCost(
      work,
      cardPricer(work, (w) => w.t, plan, this.lineItemsFirst),
    );
    if (direct.oversized.length > 0) return { first: true, direct };
    const emails = work.flatMap((w) => emailsOf(w.t));
    const lookup = packByCost(emails, (g) => costOf(CUSTOMER_IDS_BY_EMAIL, { query: '', first: lookupFirst(g.length) }), undefined, 100);
    // Worst case for step 2: every email target matches a customer.
    const asIds = work.map(({ t }, i): CustomerTarget => (t.kind === 'id' ? t : { kind: 'id', customerId: `gid://shopify/Customer/${i}` }));
    const then = packByCost(
      asIds,
      cardPricer(asIds, (t) => t, plan, this.lineItemsFirst),
    );
    return { first: lookup.groups.length + then.groups.length < direct.groups.length, direct };
  }

  private bundle(c: Customer, plan: FetchPlan, truncated: Set<OrderModel>): CustomerBundle {
    const endpoint = this.client.endpoint;
    const orders =
      plan.ordersFirst > 0
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
        groups.map(async ({ items }) => {
          try {
            const { data } = await request(this.client, ORDER_LINE_ITEMS, { ids: items, first });
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

type Packing<T> = ReturnType<typeof packByCost<T>>;

/**
 * The packer's price of a group of targets: PROFILE_CUSTOMERS's requested cost, which depends only on how many distinct
 * ids and emails the group holds (and the plan). Packing a large batch prices hundreds of candidate groups; each is
 * counted in place and each count priced once, instead of building its variables (copied arrays, Sets, a cost key).
 */
function cardPricer<T>(
  items: readonly T[],
  targetOf: (item: T) => CustomerTarget,
  plan: FetchPlan,
  lineItemsFirst: number,
): (group: readonly T[]) => number {
  // Plain counting equals counting distinct values only when no id or email repeats among all the items.
  const distinct = noRepeats(items.map(targetOf));
  const costs = new Map<string, number>();
  return (group) => {
    let ids = 0;
    let emails = 0;
    if (distinct) {
      for (const item of group) {
        const t = targetOf(item);
        if (t.kind === 'id') ids++;
        else emails += t.emails.length;
      }
    } else {
      const [i, e] = splitTargets(group.map(targetOf));
      [ids, emails] = [i.length, e.length];
    }
    const key = `${ids}/${emails}`;
    let cost = costs.get(key);
    if (cost === undefined) {
      const blank = (n: number) => Array.from({ length: n }, () => '');
      cost = costOf(PROFILE_CUSTOMERS, profileVariables(blank(ids), blank(emails), plan, lineItemsFirst, false));
      costs.set(key, cost);
    }
    return cost;
  };
}

/** True when no customer id and no email occurs twice among `targets`. */
function noRepeats(targets: readonly CustomerTarget[]): boolean {
  const ids = new Set<string>();
  const emails = new Set<string>();
  for (const t of targets) {
    if (t.kind === 'id') {
      if (ids.has(t.customerId)) return false;
      ids.add(t.customerId);
    } else {
      for (const e of t.emails) {
        if (emails.has(e)) return false;
        emails.add(e);
      }
    }
  }
  return true;
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
