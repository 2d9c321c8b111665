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
import { toCustomer, toOrder } from './mappers.js';
import type { CustomerBundle, OrderModel } from '../domain/model.js';
import { CUSTOMER_ONLY, linkingEmail, type CustomerHit, type CustomerTarget, type FetchPlan } from '../domain/lookup.js';
import { ShopifyUnavailableError } from '../errors.js';
import type { ProfileCustomersQuery, ProfileCustomersQueryVariables } from './__generated__/admin.js';
import type { ShopifyClient } from './client.js';
import { limitedClient, type Limiter } from './request-scope.js';
import { customerIdsByEmail, lookupFirst, normalEmail } from './email-owners.js';
import { completeLineItems, LINE_ITEMS_FIRST } from './line-items.js';
import { orderCountsOf } from './order-counts.js';
import { CUSTOMER_IDS_BY_EMAIL, PROFILE_CUSTOMERS } from './operations.js';
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

export { LINE_ITEMS_FIRST, LINE_ITEMS_FOLLOW_UPS } from './line-items.js';

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
      productIds: !!a.productIds || !!b.productIds,
      tracking: a.tracking || b.tracking,
      location: a.location || b.location,
      shippingAddress: !!a.shippingAddress || !!b.shippingAddress,
    }),
    CUSTOMER_ONLY,
  );
}

const emailsOf = (t: CustomerTarget) => (t.kind === 'emails' ? t.emails : []);
const policyOf = (t: CustomerTarget) => (t.kind === 'emails' ? t.policy : undefined);

/**
 * Variables of PROFILE_CUSTOMERS; without the query string when only pricing (cost does not depend on it).
 * `ordersFirst`: the group's sized page of orders (see sizedFirst), at most the plan's.
 */
function profileVariables(
  ids: readonly string[],
  emails: readonly string[],
  plan: FetchPlan,
  lineItemsFirst = LINE_ITEMS_FIRST,
  withQuery = true,
  ordersFirst = plan.ordersFirst,
): ProfileCustomersQueryVariables {
  return {
    ids: [...ids],
    byId: ids.length > 0,
    emailQuery: withQuery ? emailQuery(emails) : '',
    emailCount: Math.max(1, emails.length),
    byEmail: emails.length > 0,
    withOrders: plan.ordersFirst > 0,
    ordersFirst: Math.max(1, ordersFirst),
    withLineItems: plan.lineItems && plan.ordersFirst > 0,
    lineItemsFirst,
    withProductIds: !!plan.productIds && plan.lineItems && plan.ordersFirst > 0,
    withTracking: plan.tracking,
    withLocation: plan.location,
    withShippingAddress: !!plan.shippingAddress && plan.ordersFirst > 0,
  };
}

/**
 * The orders to ask with a customer's card: the plan's, or fewer when the customer's `numberOfOrders` is known (the
 * email lookup reads it for free). A customer with 3 orders asked for 10 requests ~230 points it cannot use, which a
 * busy bucket must hold while the request runs. At least 1, so an order placed since the count is still seen (the
 * page's `hasNextPage` then says the count was stale, and the card is asked again in full).
 */
function sizedFirst(w: Work, plan: FetchPlan): number {
  return w.orders === undefined ? plan.ordersFirst : Math.max(1, Math.min(plan.ordersFirst, w.orders));
}

type Customer = NonNullable<ProfileCustomersQuery['matched']>['nodes'][number];
/**
 * One target of this load: its index in the answer, the email that led to it when looked up first, and then also
 * the customer's number of orders.
 */
type Work = { t: CustomerTarget; i: number; matchedEmail: string | null; orders?: number };

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
    const again = await this.fetchCards(work, plan, results, truncated, packed);
    // A full search page left these unknown: their emails are looked up to the end, then their cards fetched by id;
    // a card sized by an order count that was already stale is asked again in full.
    const undecided = again.filter((w) => w.t.kind === 'emails');
    const resized = again.filter((w) => w.t.kind === 'id');
    const retry = [...resized, ...(undecided.length > 0 ? await this.resolveToIds(undecided, results) : [])];
    if (retry.length > 0) {
      const left = await this.fetchCards(retry, plan, results, truncated);
      for (const w of left) results[w.i] = new ShopifyUnavailableError("the customer's orders changed while they were read; try again");
    }

    await this.failIncomplete(results, truncated, plan);
    return results;
  }

  /**
   * Fetches the cards of `work` in cost-packed requests and fills `results`. Returns what is not decided yet: the email
   * targets a full search page left undecided (an earlier email of theirs may belong to a customer the page did not
   * hold), and, as id targets without an order count, customers whose sized page of orders turned out too short.
   * A request Shopify refused as too dear (MAX_COST_EXCEEDED: the store charges more than estimated) is packed again,
   * once, by the estimate its refusal just taught (`repack`).
   */
  private async fetchCards(
    work: readonly Work[],
    plan: FetchPlan,
    results: Array<CustomerHit | null | Error>,
    truncated: Set<OrderModel>,
    packed: Packing<Work> = packByCost(
      work,
      cardPricer(
        this.client,
        work,
        (w) => w.t,
        plan,
        this.lineItemsFirst,
        (w) => sizedFirst(w, plan),
      ),
    ),
    repack = true,
  ): Promise<Work[]> {
    const undecided: Work[] = [];
    const refused: Work[] = [];
    const { groups, oversized } = packed;
    for (const w of oversized) {
      results[w.i] = new ShopifyUnavailableError("this profile has too many emails to look up within Shopify's 1000-point query limit");
    }

    await Promise.all(
      groups.map(async ({ items }) => {
        const [ids, emails] = splitTargets(items.map((w) => w.t));
        const ordersFirst = Math.max(...items.map((w) => sizedFirst(w, plan)));
        try {
          const { data } = await request(
            this.client,
            PROFILE_CUSTOMERS,
            profileVariables(ids, emails, plan, this.lineItemsFirst, true, ordersFirst),
          );
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
              if (c && ordersCutShort(c, plan)) undecided.push({ t: w.t, i: w.i, matchedEmail: w.matchedEmail });
              else results[w.i] = c ? { bundle: this.bundle(c, plan, truncated), matchedEmail: w.matchedEmail } : null;
              continue;
            }
            // An email missing from a page that was cut short is unknown, not unowned.
            const matchedEmail = linkingEmail(w.t.emails, (e) => byEmail.get(e)?.id ?? (complete ? null : undefined), w.t.policy);
            if (matchedEmail === undefined) undecided.push(w);
            else results[w.i] = matchedEmail ? { bundle: this.bundle(byEmail.get(matchedEmail)!, plan, truncated), matchedEmail } : null;
          }
        } catch (error) {
          if (repack && isCostRefusal(error)) refused.push(...items);
          else for (const w of items) results[w.i] = error as Error;
        }
      }),
    );
    if (refused.length > 0) undecided.push(...(await this.fetchCards(refused, plan, results, truncated, undefined, false)));
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
      const matchedEmail = linkingEmail(emailsOf(w.t), (e) => owners.get(e)?.id ?? null, policyOf(w.t));
      if (!matchedEmail) return [];
      const owner = owners.get(matchedEmail)!;
      return [{ t: { kind: 'id', customerId: owner.id }, i: w.i, matchedEmail, orders: owner.numberOfOrders }];
    });
  }

  /**
   * `first`: true when looking emails up first pays for its extra round trip. Either it takes fewer requests in all —
   * even if every customer had a full page of orders, or at most half as many when this store's customers typically
   * have few orders (order-counts.ts; the lookup reads each one's count, which sizes its card: see sizedFirst); or
   * orders are asked and the bucket cannot hold the batch now, when the sized cards hold fewer points and start sooner.
   * `direct`: the packing of `work` as it is, which fetchCards reuses when nothing is looked up first.
   */
  private resolveEmailsFirst(work: readonly Work[], plan: FetchPlan): { first: boolean; direct: Packing<Work> } {
    const direct = packByCost(
      work,
      cardPricer(this.client, work, (w) => w.t, plan, this.lineItemsFirst),
    );
    if (direct.oversized.length > 0) return { first: true, direct };
    const emails = work.flatMap((w) => emailsOf(w.t));
    const lookup = packByCost(
      emails,
      (g) => this.client.estimate(CUSTOMER_IDS_BY_EMAIL, { query: '', first: lookupFirst(g.length), after: null }),
      undefined,
      100,
    );
    // Step 2 if every email target matches a customer, each asking the orders this store's customers typically have
    // (all the plan's until the store has shown its mix).
    const typical = orderCountsOf(this.client.endpoint).typical(plan.ordersFirst) ?? plan.ordersFirst;
    const asIds = work.map(({ t }, i): Work => ({
      t: t.kind === 'id' ? t : { kind: 'id', customerId: `gid://shopify/Customer/${i}` },
      i,
      matchedEmail: null,
      orders: t.kind === 'id' ? undefined : typical,
    }));
    const then = packByCost(
      asIds,
      cardPricer(
        this.client,
        asIds,
        (w) => w.t,
        plan,
        this.lineItemsFirst,
        (w) => sizedFirst(w, plan),
      ),
    );
    const twoSteps = lookup.groups.length + then.groups.length;
    // Sure to take fewer requests when priced at full pages; when priced at a typical count (a guess), the extra round
    // trip must at least halve them.
    if (typical === plan.ordersFirst ? twoSteps < direct.groups.length : twoSteps <= direct.groups.length / 2)
      return { first: true, direct };
    return { first: plan.ordersFirst > 1 && this.bucketShort(direct), direct };
  }

  /** True when the store's bucket, as last seen, holds less than the requested cost of these requests together. */
  private bucketShort(packing: Packing<Work>): boolean {
    const level = this.client.budget.snapshot()?.currentlyAvailable;
    return level !== undefined && level < packing.groups.reduce((sum, g) => sum + g.cost, 0);
  }

  private bundle(c: Customer, plan: FetchPlan, truncated: Set<OrderModel>): CustomerBundle {
    const endpoint = this.client.endpoint;
    orderCountsOf(endpoint).add(Number.parseInt(c.numberOfOrders, 10));
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
   * Completes the line items of orders that had more than the first page (./line-items.ts). If that fails, the
   * customers concerned become errors: a silently truncated product list would be wrong data.
   */
  private async failIncomplete(results: Array<CustomerHit | null | Error>, truncated: Set<OrderModel>, plan: FetchPlan): Promise<void> {
    if (truncated.size === 0) return;
    const failed = await completeLineItems(this.client, truncated, !!plan.productIds);
    if (failed.size === 0) return;
    results.forEach((r, i) => {
      if (!r || r instanceof Error) return;
      const order = r.bundle.orders?.find((o) => failed.has(o));
      if (order) results[i] = failed.get(order)!;
    });
  }
}

/** True for Shopify's refusal of a request whose requested cost is over its per-query limit. */
function isCostRefusal(error: unknown): boolean {
  return error instanceof ShopifyUnavailableError && error.extensions.shopifyCode === 'MAX_COST_EXCEEDED';
}

/**
 * True when a card's page of orders was sized by a count that is already stale: Shopify has more orders than the
 * page held, and the plan wanted more than it held.
 */
function ordersCutShort(c: Customer, plan: FetchPlan): boolean {
  return !!c.orders?.pageInfo.hasNextPage && c.orders.nodes.length < plan.ordersFirst;
}

type Packing<T> = ReturnType<typeof packByCost<T>>;

/**
 * The packer's price of a group of targets: PROFILE_CUSTOMERS's requested cost, which depends only on how many distinct
 * ids and emails the group holds, the largest page of orders among them (`ordersOf`; the plan's when not given) and the
 * plan. Packing a large batch prices hundreds of candidate groups; each is counted in place and each count priced
 * once, instead of building its variables (copied arrays, Sets, a cost key).
 */
function cardPricer<T>(
  client: ShopifyClient,
  items: readonly T[],
  targetOf: (item: T) => CustomerTarget,
  plan: FetchPlan,
  lineItemsFirst: number,
  ordersOf?: (item: T) => number,
): (group: readonly T[]) => number {
  // Plain counting equals counting distinct values only when no id or email repeats among all the items.
  const distinct = noRepeats(items.map(targetOf));
  const costs = new Map<number, number>();
  return (group) => {
    let ids = 0;
    let emails = 0;
    let ordersFirst = ordersOf ? 0 : plan.ordersFirst;
    if (ordersOf) for (const item of group) ordersFirst = Math.max(ordersFirst, ordersOf(item));
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
    // One number for the three counts (each < 2^16 here: groups hold at most 250 targets of ≤ 250 emails… capped).
    const key = (ids * 65_536 + Math.min(emails, 65_535)) * 16 + ordersFirst;
    let cost = costs.get(key);
    if (cost === undefined) {
      const blank = (n: number) => Array.from({ length: n }, () => '');
      cost = client.estimate(PROFILE_CUSTOMERS, profileVariables(blank(ids), blank(emails), plan, lineItemsFirst, false, ordersFirst));
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
