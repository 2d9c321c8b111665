/**
 * Deterministic seed: the same seed number always gives the same shop (ids, names, dates, money), because every
 * draw comes from one small PRNG and no date is read from the clock. Refunds and cancellations in the seed go
 * through the same rules as the mutations, so seeded and live state can never disagree. The shop's currency, name, id
 * offset and the customers it shares with another seed's store are options; without them it is the default USD shop.
 */
import { DEFAULT_SHOP_CURRENCY, isCurrency, isoTime, type Currency, type CustomerRec, type EmailMarketingState } from './model.js';
import * as D from './seed-data.js';
import { ascii, DAY, mulberry32, pick, weighted, type Rng } from './seed-draws.js';
import { buildOrder, type OrderPlan } from './seed-orders.js';
import { planSharedCustomers, type SharedCustomersOptions, type SharedPlan } from './seed-shared.js';
import { DEFAULT_SHOP_NAME, Store } from './store.js';

export { mulberry32, type Rng } from './seed-draws.js';
export type { SharedCustomersOptions } from './seed-shared.js';

export interface SeedOptions {
  /** PRNG seed; default 1 */
  seed?: number;
  /** number of customers; default 500 */
  customers?: number;
  /** the shop's own currency (shopMoney, amountSpent); default USD */
  currencyCode?: Currency;
  /** the shop's name; default "Simulator Supply Co." */
  name?: string;
  /** added to every id the store gives out; default 0, or SHARED_ID_OFFSET for a store with sharedCustomers */
  idOffset?: number;
  /** make a share of this store's customers the same people (email, name) as customers of another seed's store */
  sharedCustomers?: SharedCustomersOptions;
}

/**
 * The id offset of a store that shares customers and names none: its GIDs then never equal those of the store it
 * shares with (which has offset 0 unless told otherwise), as ids are unique across shops on Shopify.
 */
export const SHARED_ID_OFFSET = 1_000_000_000;
/** Ids stay safe integers (and ~13 digits, like Shopify's) below this offset. */
const MAX_ID_OFFSET = 1_000_000_000_000;

/** Every problem with the options that shape a shop (all of them, so they are fixed in one go); empty when valid. */
export function seedOptionProblems(options: SeedOptions): string[] {
  const problems: string[] = [];
  if (options.currencyCode !== undefined && !isCurrency(options.currencyCode))
    problems.push(`currencyCode must be one of USD, EUR, GBP, CAD, got ${JSON.stringify(options.currencyCode)}`);
  if (options.name !== undefined && (typeof options.name !== 'string' || !options.name.trim() || options.name.length > 255))
    problems.push(`name must be 1 to 255 characters, got ${JSON.stringify(options.name)}`);
  const offset = options.idOffset;
  if (offset !== undefined && !(Number.isInteger(offset) && offset >= 0 && offset < MAX_ID_OFFSET))
    problems.push(`idOffset must be an integer from 0 to ${MAX_ID_OFFSET - 1}, got ${JSON.stringify(offset)}`);
  const shared = options.sharedCustomers;
  if (shared) {
    if (!Number.isInteger(shared.seed)) problems.push(`sharedCustomers.seed must be an integer, got ${JSON.stringify(shared.seed)}`);
    if (shared.customers !== undefined && !(Number.isInteger(shared.customers) && shared.customers >= 0))
      problems.push(`sharedCustomers.customers must be a non-negative integer, got ${JSON.stringify(shared.customers)}`);
    if (shared.currencyCode !== undefined && !isCurrency(shared.currencyCode))
      problems.push(`sharedCustomers.currencyCode must be one of USD, EUR, GBP, CAD, got ${JSON.stringify(shared.currencyCode)}`);
    if (!(typeof shared.fraction === 'number' && shared.fraction >= 0 && shared.fraction <= 1))
      problems.push(`sharedCustomers.fraction must be a number from 0 to 1, got ${JSON.stringify(shared.fraction)}`);
  }
  return problems;
}

const THREE_YEARS = 3 * 365 * DAY;
const STATES: EmailMarketingState[] = ['SUBSCRIBED', 'NOT_SUBSCRIBED', 'PENDING', 'UNSUBSCRIBED', 'REDACTED', 'INVALID'];

/** Emails and phone numbers already given out: both are unique in a shop. */
interface Taken {
  emails: Set<string>;
  phones: Set<string>;
}

/**
 * Builds a fresh store from a seed. Customers (and the plans of their orders) draw from the seed's PRNG in
 * sequence; each order is then built from its own PRNG, in time order, so order numbers follow time.
 */
export function seedStore(options: SeedOptions = {}): Store {
  const problems = seedOptionProblems(options);
  if (problems.length) throw new Error(`invalid simulator store options: ${problems.join('; ')}`);
  const seed = options.seed ?? 1;
  const count = Math.max(0, Math.floor(options.customers ?? 500));
  const currency = options.currencyCode ?? DEFAULT_SHOP_CURRENCY;
  const rng = mulberry32(seed);
  const store = new Store({
    name: options.name ?? DEFAULT_SHOP_NAME,
    currency,
    idOffset: options.idOffset ?? (options.sharedCustomers ? SHARED_ID_OFFSET : 0),
  });
  const weights = D.COUNTRY_WEIGHTS_BY_SHOP_CURRENCY[currency];
  seedLocations(store);
  const shared = options.sharedCustomers ? sharedPlan(options.sharedCustomers, seed, count) : null;
  // a sharing store's own customers never get an email of the other store: only the chosen ones are shared
  const taken: Taken = { emails: new Set(shared?.otherEmails), phones: new Set() };
  const plans: OrderPlan[] = [];
  for (let i = 0; i < count; i++) {
    const { customer, country, createdMs } = seedCustomer(store, rng, i, taken, weights, shared?.donors.get(i));
    const orders = i % 7 === 3 ? 0 : Math.min(40, Math.floor(41 * rng() ** 2.5));
    for (let k = 0; k < orders; k++) {
      const at = createdMs + Math.floor(rng() * (D.REFERENCE_DATE - DAY / 24 - createdMs));
      plans.push({ customer, country, at, seed: Math.floor(rng() * 2 ** 32) });
    }
  }
  // a few guest checkouts and walk-in POS sales have no customer at all
  const guests = Math.round(plans.length * 0.03);
  for (let g = 0; g < guests; g++) {
    plans.push({
      customer: null,
      country: weighted(rng, D.COUNTRIES, weights),
      at: D.REFERENCE_DATE - Math.floor(rng() * THREE_YEARS),
      seed: Math.floor(rng() * 2 ** 32),
    });
  }
  // order numbers follow time, as on a real shop
  plans.sort((a, b) => a.at - b.at || a.seed - b.seed);
  for (const plan of plans) buildOrder(store, plan);
  for (const c of store.customers.values()) {
    const last = store.ordersOf(c).reduce((m, o) => (o.updatedAt > m ? o.updatedAt : m), c.createdAt);
    c.updatedAt = last;
  }
  return store;
}

/** The other store is seeded as it would be on its own (its ids do not matter here, only its customers). */
function sharedPlan(options: SharedCustomersOptions, seed: number, count: number): SharedPlan {
  const other = seedStore({ seed: options.seed, customers: options.customers ?? 500, currencyCode: options.currencyCode });
  return planSharedCustomers(options, seed, count, [...other.customers.values()]);
}

function seedLocations(store: Store): void {
  for (const l of D.LOCATIONS) {
    const { name, ...address } = l;
    store.locations.set(store.nextId('location'), { __typename: 'Location', id: 0, name, address });
  }
  for (const [id, loc] of store.locations) loc.id = id;
}

/**
 * The i-th customer: country, name (3% anonymous), consent state, contact, creation date, note and tags. A shared
 * customer is the donor (the other store's customer) as far as a person goes: name and email; all else is drawn here.
 */
function seedCustomer(
  store: Store,
  rng: Rng,
  i: number,
  taken: Taken,
  weights: readonly number[],
  donor?: CustomerRec,
): { customer: CustomerRec; country: D.CountryProfile; createdMs: number } {
  const country = weighted(rng, D.COUNTRIES, weights);
  const anonymous = rng() < 0.03;
  const drawnFirst = anonymous ? null : pick(rng, D.FIRST_NAMES);
  const drawnLast = anonymous ? null : pick(rng, D.LAST_NAMES);
  const firstName = donor ? donor.firstName : drawnFirst;
  const lastName = donor ? donor.lastName : drawnLast;
  // the first six customers cover every consent state, so even a tiny seed has them all
  const drawnState: EmailMarketingState =
    i < STATES.length
      ? STATES[i]!
      : rng() < 0.02
        ? 'REDACTED'
        : weighted(rng, ['SUBSCRIBED', 'NOT_SUBSCRIBED', 'PENDING', 'UNSUBSCRIBED', 'INVALID'] as const, [35, 35, 8, 14, 8]);
  // a redacted customer has no email left, and a shared customer has one by definition
  const state: EmailMarketingState = donor && drawnState === 'REDACTED' ? 'NOT_SUBSCRIBED' : drawnState;
  const name = firstName && lastName ? { firstName, lastName } : null;
  const { email, phone } = seedContact(rng, i, country, name, state, taken, donor?.email ?? null);
  const createdMs = D.REFERENCE_DATE - Math.floor(rng() * THREE_YEARS);
  const customer: CustomerRec = {
    __typename: 'Customer',
    id: store.nextId('customer'),
    firstName,
    lastName,
    email,
    phone,
    emailMarketing: email || state === 'REDACTED' ? state : null,
    note: rng() < 0.15 ? pick(rng, D.CUSTOMER_NOTES) : null,
    tags: [...new Set(Array.from({ length: Math.floor(rng() * 2.6) }, () => pick(rng, D.CUSTOMER_TAGS)))].sort(),
    locale: country.locale,
    countryCode: country.code,
    createdAt: isoTime(createdMs),
    updatedAt: isoTime(createdMs),
    orderIds: [],
  };
  store.addCustomer(customer);
  return { customer, country, createdMs };
}

/**
 * A unique email (none when redacted and for some others; the shared one when given) and, often, a unique phone
 * number in the country's format.
 */
function seedContact(
  rng: Rng,
  i: number,
  country: D.CountryProfile,
  name: { firstName: string; lastName: string } | null,
  state: EmailMarketingState,
  taken: Taken,
  sharedEmail: string | null,
): { email: string | null; phone: string | null } {
  let email: string | null = sharedEmail;
  if (!email && !(state === 'REDACTED' || (i >= STATES.length && (i % 25 === 7 || rng() < 0.04)))) {
    const local = name ? `${ascii(name.firstName)}.${ascii(name.lastName)}` : `customer${i + 1}`;
    const domain = pick(rng, D.EMAIL_DOMAINS);
    email = `${local}@${domain}`;
    if (taken.emails.has(email)) email = `${local}${i + 1}@${domain}`;
    // only a store sharing customers gets here (its own emails avoid every email of the other store)
    for (let n = 2; taken.emails.has(email); n++) email = `${local}${i + 1}.${n}@${domain}`;
    taken.emails.add(email);
  }
  let phone: string | null = null;
  if (rng() < (email ? 0.55 : 0.8)) {
    const n = String(Math.floor(rng() * 10 ** country.phoneDigits)).padStart(country.phoneDigits, '0');
    if (!taken.phones.has(country.phonePrefix + n)) taken.phones.add((phone = country.phonePrefix + n));
  }
  return { email, phone };
}
