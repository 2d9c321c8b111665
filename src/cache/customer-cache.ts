/**
 * A CustomerSource in front of Shopify's: a repeat view inside the TTL costs no Shopify points.
 *
 * Lookups go email → GID (e:), then GID → entry (c:); an entry answers any plan it covers. Misses go to the inner
 * source in one batch, and a miss whose GID the email index already knows is asked by id, which is much cheaper
 * than an email search. Identical misses of concurrent requests in this process share one Shopify request.
 *
 * Never stale after our own action or a webhook: invalidate() drops the entries and leaves a tombstone, and a load
 * that was already in flight when the tombstone was set does not store its (possibly old) answer.
 */
import type { Logger } from '../logger.js';
import type { Limiter } from '../shopify/request-scope.js';
import type { CustomerHit, CustomerTarget, FetchPlan } from '../domain/lookup.js';
import { targetKey, type CustomerSource } from '../shopify/customers.js';
import {
  covers,
  customerKey,
  emailKey,
  fresh,
  NO_CUSTOMER,
  orderKey,
  parseEntry,
  planCovers,
  resolveTarget,
  shapeFor,
  tombstoneKey,
  writtenKey,
  type CustomerEntry,
} from './entries.js';
import type { CacheKv } from './kv.js';

export interface CustomerCacheOptions {
  kv: CacheKv;
  /**
   * How long entries live: a number, or the store's TTL of the moment (long while its webhooks are verified). Reads
   * apply the TTL of the moment to the entry's age, so a drop holds for entries written before it too.
   */
  ttlMs: number | (() => number);
  logger: Logger;
  /** counts lookups: hit (stored), coalesced (joined a load in flight), miss (went to Shopify) */
  onLookup?: (result: 'hit' | 'miss' | 'coalesced', count: number) => void;
  now?: () => number;
}

/** What to drop: customers, orders (their customer is found through o:), and emails (a customer's new address). */
export interface Invalidation {
  customerIds?: readonly string[];
  orderIds?: readonly string[];
  emails?: readonly string[];
}

type Answer = CustomerHit | null | Error;
/** A target as sent to the inner source, and what we know about it already. */
interface Miss {
  index: number;
  target: CustomerTarget;
  original: CustomerTarget;
  /** for email targets resolved by the index: the email that matched */
  matchedEmail: string | null;
}
interface InFlight {
  plan: FetchPlan;
  epoch: number;
  answer: Promise<Answer>;
}

/** Tombstones outlive any load that could have started before them (max wait + timeout are far below this). */
const TOMBSTONE_TTL_MS = 5 * 60_000;

const WARN_EVERY_MS = 10_000;
/** Replicas' clocks differ a little: a load starting this soon after a tombstone is not stored either. */
const CLOCK_SKEW_MS = 1_000;

const unique = <T>(xs: Iterable<T>) => [...new Set(xs)];

/** The caching CustomerSource. */
export class CachedCustomerSource implements CustomerSource {
  private epoch = 0;
  private warnedAt = -Infinity;
  private readonly inflight = new Map<string, InFlight>();
  private readonly now: () => number;

  constructor(
    private readonly inner: CustomerSource,
    private readonly opts: CustomerCacheOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** `limiter` is the calling request's: a miss it sends to Shopify waits under it (a load others join included). */
  async load(targets: readonly CustomerTarget[], plan: FetchPlan, limiter?: Limiter): Promise<Answer[]> {
    const started = this.now();
    const results: Answer[] = targets.map(() => null);
    let misses: Miss[];
    try {
      misses = await this.fromCache(targets, plan, results);
    } catch (error) {
      this.warn(error, 'customer cache unreadable: asking Shopify');
      misses = targets.map((t, index) => ({ index, target: t, original: t, matchedEmail: null }));
    }
    this.opts.onLookup?.('hit', targets.length - misses.length);
    if (misses.length === 0) return results;

    const { joined, fetched } = await this.fetch(misses, plan, limiter);
    this.opts.onLookup?.('coalesced', joined);
    this.opts.onLookup?.('miss', misses.length - joined);
    for (const m of misses) results[m.index] = answerFor(m, fetched.get(targetKey(m.target))!, plan);
    if (fetched.size > 0) {
      await this.store(
        misses.filter((m) => fetched.get(targetKey(m.target))?.own),
        plan,
        started,
        fetched,
      ).catch((error) => this.warn(error, 'customer cache not written'));
    }
    return results;
  }

  /** Drops what the ids name, everywhere (all replicas when the store is Redis). */
  async invalidate(what: Invalidation): Promise<void> {
    this.epoch++;
    const orderIds = unique(what.orderIds ?? []);
    const owners = await this.opts.kv.mget(orderIds.map(orderKey));
    const customerIds = unique([...(what.customerIds ?? []), ...owners.filter((o): o is string => !!o)]);
    const entries = (await this.opts.kv.mget(customerIds.map(customerKey))).map(parseEntry);
    const emails = unique([...(what.emails ?? []).map((e) => e.trim().toLowerCase()), ...entries.flatMap((e) => e?.emails ?? [])]);
    const keys = [...customerIds.map(customerKey), ...orderIds.map(orderKey), ...emails.map(emailKey)];
    if (keys.length === 0) return;
    // Tombstones first: a load finishing between the two steps must already see them.
    const at = String(this.now());
    await this.opts.kv.mset(
      keys.map((k) => [tombstoneKey(k), at] as const),
      TOMBSTONE_TTL_MS,
    );
    await this.opts.kv.del([...keys, ...emails.map((e) => writtenKey(emailKey(e)))]);
  }

  /** The store's TTL of the moment. */
  private ttl(): number {
    const ttl = this.opts.ttlMs;
    return typeof ttl === 'function' ? ttl() : ttl;
  }

  /** While the store is down every request would say so: one line per WARN_EVERY_MS is enough. */
  private warn(error: unknown, message: string): void {
    const now = this.now();
    if (now - this.warnedAt < WARN_EVERY_MS) return;
    this.warnedAt = now;
    this.opts.logger.warn({ err: { message: (error as Error).message } }, message);
  }

  /** Fills results from the cache; returns what it could not answer. */
  private async fromCache(targets: readonly CustomerTarget[], plan: FetchPlan, results: Answer[]): Promise<Miss[]> {
    const [ttl, now] = [this.ttl(), this.now()];
    const emails = unique(targets.flatMap((t) => (t.kind === 'emails' ? t.emails : [])));
    const owners = new Map(emails.map((e) => [e, null as string | null]));
    if (emails.length > 0) {
      const keys = emails.map(emailKey);
      const values = await this.opts.kv.mget([...keys, ...keys.map(writtenKey)]);
      emails.forEach((e, i) => {
        const at = values[keys.length + i];
        owners.set(e, fresh(at ? Number(at) : undefined, ttl, now) ? values[i]! : null);
      });
    }

    const resolved = targets.map((t) => resolveTarget(t, owners));
    const gids = unique(resolved.flatMap((r) => (r ? [r.gid] : [])));
    const entries = new Map<string, CustomerEntry | null>();
    if (gids.length > 0) {
      (await this.opts.kv.mget(gids.map(customerKey))).forEach((v, i) => {
        const entry = parseEntry(v);
        entries.set(gids[i]!, entry && fresh(entry.at, ttl, now) ? entry : null);
      });
    }

    const misses: Miss[] = [];
    targets.forEach((t, index) => {
      const r = resolved[index];
      if (r === null) return; // every email is known to have no customer
      const entry = r ? entries.get(r.gid) : null;
      if (r && entry && covers(entry, plan)) {
        results[index] = { bundle: shapeFor(entry.bundle, plan), matchedEmail: r.matchedEmail };
        return;
      }
      misses.push({ index, original: t, target: r ? { kind: 'id', customerId: r.gid } : t, matchedEmail: r?.matchedEmail ?? null });
    });
    return misses;
  }

  /** Asks the inner source for the misses, joining loads in flight that will answer them. */
  private async fetch(misses: Miss[], plan: FetchPlan, limiter: Limiter | undefined) {
    const fetched = new Map<string, { answer: Answer; own: boolean }>();
    const joins = new Map<string, Promise<Answer>>();
    const toLoad = new Map<string, CustomerTarget>();
    for (const m of misses) {
      const key = targetKey(m.target);
      if (joins.has(key) || toLoad.has(key)) continue;
      const running = this.inflight.get(key);
      // Joining a load that started before an invalidation would hand out what was just invalidated.
      if (running && running.epoch === this.epoch && planCovers(running.plan, plan)) joins.set(key, running.answer);
      else toLoad.set(key, m.target);
    }
    const targets = [...toLoad.values()];
    const batch =
      targets.length > 0
        ? this.inner.load(targets, plan, limiter).catch((error: unknown) => targets.map(() => error as Error))
        : Promise.resolve([] as Answer[]);
    targets.forEach((t, i) => {
      const key = targetKey(t);
      const flight: InFlight = { plan, epoch: this.epoch, answer: batch.then((answers) => answers[i] ?? null) };
      this.inflight.set(key, flight);
      void flight.answer.finally(() => {
        if (this.inflight.get(key) === flight) this.inflight.delete(key);
      });
    });
    const answers = await batch;
    targets.forEach((t, i) => fetched.set(targetKey(t), { answer: answers[i] ?? null, own: true }));
    for (const [key, answer] of joins) fetched.set(key, { answer: await answer, own: false });
    const joined = misses.filter((m) => joins.has(targetKey(m.target))).length;
    return { joined, fetched };
  }

  /** Stores what this call fetched, unless an invalidation since `started` says it may be old. */
  private async store(misses: Miss[], plan: FetchPlan, started: number, fetched: Map<string, { answer: Answer }>): Promise<void> {
    const writes: Array<{ pairs: Array<readonly [string, string]>; drops: string[] }> = [];
    const previous = await this.previousEntries(misses, fetched);
    for (const m of misses) {
      const answer = fetched.get(targetKey(m.target))!.answer;
      if (answer instanceof Error) continue;
      if (answer === null) {
        // No customer: for an email search, none of the emails has one; for an id the index pointed at, it is gone.
        // A source answers null only when Shopify answered completely (a cut-short page is an Error or is completed
        // first: see CustomerSource), so this is a fact worth a TTL, never a guess.
        // Under `unique`, null may also mean two of the emails belong to different customers: nothing is known of any
        // single email then, so nothing is written (such a profile is asked again; its emails' owners are not cached).
        if (m.target.kind === 'emails' && m.target.policy !== 'unique') {
          writes.push({ pairs: m.target.emails.map((e) => [emailKey(e), NO_CUSTOMER] as const), drops: [] });
        } else if (m.matchedEmail) writes.push({ pairs: [], drops: [emailKey(m.matchedEmail)] });
        continue;
      }
      const gid = answer.bundle.customer.id;
      const matched = m.matchedEmail ?? answer.matchedEmail;
      const ownEmail = answer.bundle.customer.email?.trim().toLowerCase();
      const emails = unique([ownEmail, matched, ...(previous.get(gid)?.emails ?? [])].filter((e): e is string => !!e));
      // Dated by when the load started: what Shopify answered is at least that fresh.
      const entry: CustomerEntry = { bundle: answer.bundle, plan, emails, at: started };
      const pairs: Array<readonly [string, string]> = [[customerKey(gid), JSON.stringify(entry)]];
      for (const o of answer.bundle.orders ?? []) pairs.push([orderKey(o.id), gid]);
      if (matched) pairs.push([emailKey(matched), gid]);
      if (m.original.kind === 'emails' && matched) {
        // `first`: the emails before the match are known to have no customer. `unique`: all the others are (a customer
        // has one email, and another's would have made the link ambiguous).
        const unowned =
          m.original.policy === 'unique'
            ? m.original.emails.filter((e) => e !== matched)
            : m.original.emails.slice(0, m.original.emails.indexOf(matched));
        for (const e of unowned) pairs.push([emailKey(e), NO_CUSTOMER]);
      }
      writes.push({ pairs, drops: [] });
    }
    const current = await this.notInvalidatedSince(writes, started);
    const pairs = current.flatMap((w) => w.pairs);
    // Each e: entry's write time beside it (entries.ts): a TTL that drops later applies to it too.
    const dated = pairs.filter(([k]) => k.startsWith(emailKey(''))).map(([k]) => [writtenKey(k), String(started)] as const);
    await this.opts.kv.del(current.flatMap((w) => w.drops));
    await this.opts.kv.mset([...pairs, ...dated], this.ttl());
    // An invalidation may have landed between the check and the write: check again and undo those.
    const still = new Set(await this.notInvalidatedSince(current, started));
    const late = current.filter((w) => !still.has(w)).flatMap((w) => w.pairs.map(([k]) => k));
    if (late.length > 0) await this.opts.kv.del(late);
  }

  private async previousEntries(misses: Miss[], fetched: Map<string, { answer: Answer }>): Promise<Map<string, CustomerEntry>> {
    const gids = unique(
      misses.flatMap((m) => {
        const a = fetched.get(targetKey(m.target))!.answer;
        return a && !(a instanceof Error) ? [a.bundle.customer.id] : [];
      }),
    );
    const out = new Map<string, CustomerEntry>();
    if (gids.length === 0) return out;
    (await this.opts.kv.mget(gids.map(customerKey))).forEach((raw, i) => {
      const entry = parseEntry(raw);
      if (entry) out.set(gids[i]!, entry);
    });
    return out;
  }

  private async notInvalidatedSince<W extends { pairs: ReadonlyArray<readonly [string, string]>; drops: string[] }>(
    writes: W[],
    started: number,
  ): Promise<W[]> {
    const keys = unique(writes.flatMap((w) => w.pairs.map(([k]) => tombstoneKey(k))));
    if (keys.length === 0) return writes;
    const stamps = new Map<string, number>();
    (await this.opts.kv.mget(keys)).forEach((v, i) => v && stamps.set(keys[i]!, Number(v)));
    return writes.filter((w) => w.pairs.every(([k]) => (stamps.get(tombstoneKey(k)) ?? -Infinity) + CLOCK_SKEW_MS < started));
  }
}

/** The answer for one miss, shaped for this request's plan and carrying the email that linked it. */
function answerFor(m: Miss, fetched: { answer: Answer }, plan: FetchPlan): Answer {
  const a = fetched.answer;
  if (a === null || a instanceof Error) return a;
  return { bundle: shapeFor(a.bundle, plan), matchedEmail: m.original.kind === 'emails' ? (m.matchedEmail ?? a.matchedEmail) : null };
}
