/**
 * Deterministic seed: the same seed number always gives the same shop (ids, names, dates, money), because every
 * draw comes from one small PRNG and no date is read from the clock. Refunds and cancellations in the seed go
 * through the same rules as the mutations, so seeded and live state can never disagree.
 */
import { isoTime, type CustomerRec, type EmailMarketingState } from './model.js';
import * as D from './seed-data.js';
import { ascii, DAY, mulberry32, pick, weighted, type Rng } from './seed-draws.js';
import { buildOrder, type OrderPlan } from './seed-orders.js';
import { Store } from './store.js';

export { mulberry32, type Rng } from './seed-draws.js';

export interface SeedOptions {
  /** PRNG seed; default 1 */
  seed?: number;
  /** number of customers; default 500 */
  customers?: number;
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
  const seed = options.seed ?? 1;
  const count = Math.max(0, Math.floor(options.customers ?? 500));
  const rng = mulberry32(seed);
  const store = new Store();
  seedLocations(store);
  const taken: Taken = { emails: new Set(), phones: new Set() };
  const plans: OrderPlan[] = [];
  for (let i = 0; i < count; i++) {
    const { customer, country, createdMs } = seedCustomer(store, rng, i, taken);
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
      country: weighted(rng, D.COUNTRIES, D.COUNTRY_WEIGHTS),
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

function seedLocations(store: Store): void {
  for (const l of D.LOCATIONS) {
    const { name, ...address } = l;
    store.locations.set(store.nextId('location'), { __typename: 'Location', id: 0, name, address });
  }
  for (const [id, loc] of store.locations) loc.id = id;
}

/** The i-th customer: country, name (3% anonymous), consent state, contact, creation date, note and tags. */
function seedCustomer(
  store: Store,
  rng: Rng,
  i: number,
  taken: Taken,
): { customer: CustomerRec; country: D.CountryProfile; createdMs: number } {
  const country = weighted(rng, D.COUNTRIES, D.COUNTRY_WEIGHTS);
  const anonymous = rng() < 0.03;
  const firstName = anonymous ? null : pick(rng, D.FIRST_NAMES);
  const lastName = anonymous ? null : pick(rng, D.LAST_NAMES);
  // the first six customers cover every consent state, so even a tiny seed has them all
  const state: EmailMarketingState =
    i < STATES.length
      ? STATES[i]!
      : rng() < 0.02
        ? 'REDACTED'
        : weighted(rng, ['SUBSCRIBED', 'NOT_SUBSCRIBED', 'PENDING', 'UNSUBSCRIBED', 'INVALID'] as const, [35, 35, 8, 14, 8]);
  const { email, phone } = seedContact(rng, i, country, firstName && lastName ? { firstName, lastName } : null, state, taken);
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

/** A unique email (none when redacted and for some others) and, often, a unique phone number in the country's format. */
function seedContact(
  rng: Rng,
  i: number,
  country: D.CountryProfile,
  name: { firstName: string; lastName: string } | null,
  state: EmailMarketingState,
  taken: Taken,
): { email: string | null; phone: string | null } {
  const noEmail = state === 'REDACTED' || (i >= STATES.length && (i % 25 === 7 || rng() < 0.04));
  let email: string | null = null;
  if (!noEmail) {
    const local = name ? `${ascii(name.firstName)}.${ascii(name.lastName)}` : `customer${i + 1}`;
    const domain = pick(rng, D.EMAIL_DOMAINS);
    email = `${local}@${domain}`;
    if (taken.emails.has(email)) email = `${local}${i + 1}@${domain}`;
    taken.emails.add(email);
  }
  let phone: string | null = null;
  if (rng() < (email ? 0.55 : 0.8)) {
    const n = String(Math.floor(rng() * 10 ** country.phoneDigits)).padStart(country.phoneDigits, '0');
    if (!taken.phones.has(country.phonePrefix + n)) taken.phones.add((phone = country.phonePrefix + n));
  }
  return { email, phone };
}
