/**
 * Seeded shipping addresses: where an order that ships goes, in its customer's country, to the customer's name (now
 * and then to someone else: a gift). Every draw comes from a PRNG of the address's own, seeded from the order's plan,
 * so adding addresses changed none of the seed's other values. Streets are fictional; phone numbers are the
 * customer's own (already from fictional ranges) or none.
 */
import { countryName, PROVINCES, type MailingAddressRec } from './addresses.js';
import type { CustomerRec } from './model.js';
import * as D from './seed-data.js';
import { mulberry32, pick, type Rng } from './seed-draws.js';
import type { Store } from './store.js';

interface Area {
  city: string;
  provinceCode: string | null;
  zip: string;
}

const AREAS: Record<string, Area[]> = {
  US: [
    { city: 'Brooklyn', provinceCode: 'NY', zip: '11201' },
    { city: 'Portland', provinceCode: 'OR', zip: '97205' },
    { city: 'Austin', provinceCode: 'TX', zip: '78704' },
    { city: 'Chicago', provinceCode: 'IL', zip: '60614' },
    { city: 'Denver', provinceCode: 'CO', zip: '80205' },
    { city: 'Seattle', provinceCode: 'WA', zip: '98103' },
    { city: 'Somerville', provinceCode: 'MA', zip: '02143' },
  ],
  CA: [
    { city: 'Toronto', provinceCode: 'ON', zip: 'M6J 1E9' },
    { city: 'Vancouver', provinceCode: 'BC', zip: 'V5T 1R6' },
    { city: 'Montréal', provinceCode: 'QC', zip: 'H2T 1S6' },
    { city: 'Calgary', provinceCode: 'AB', zip: 'T2S 0K1' },
    { city: 'Halifax', provinceCode: 'NS', zip: 'B3K 4A8' },
  ],
  GB: [
    { city: 'London', provinceCode: null, zip: 'N1 7GU' },
    { city: 'Manchester', provinceCode: null, zip: 'M4 1HN' },
    { city: 'Bristol', provinceCode: null, zip: 'BS1 5TR' },
    { city: 'Leeds', provinceCode: null, zip: 'LS6 1AN' },
  ],
  DE: [
    { city: 'Berlin', provinceCode: null, zip: '10437' },
    { city: 'Hamburg', provinceCode: null, zip: '22767' },
    { city: 'München', provinceCode: null, zip: '80469' },
    { city: 'Köln', provinceCode: null, zip: '50672' },
  ],
  FR: [
    { city: 'Paris', provinceCode: null, zip: '75011' },
    { city: 'Lyon', provinceCode: null, zip: '69007' },
    { city: 'Bordeaux', provinceCode: null, zip: '33000' },
    { city: 'Lille', provinceCode: null, zip: '59800' },
  ],
};

const STREETS: Record<string, string[]> = {
  US: ['Maple Avenue', 'Cedar Street', 'Harbor Lane', 'Willow Road', 'Orchard Way'],
  CA: ['Birch Crescent', 'Lakeshore Road', 'Pine Avenue', 'Rue des Érables'],
  GB: ['Fern Road', 'Mill Lane', 'Station Street', 'Elm Grove'],
  DE: ['Lindenweg', 'Ahornstraße', 'Birkenallee', 'Gartenstraße'],
  FR: ['Rue des Lilas', 'Avenue des Tilleuls', 'Rue du Moulin', 'Allée des Peupliers'],
};

const UNITS: Record<string, string> = { US: 'Apt', CA: 'Unit', GB: 'Flat', DE: 'Wohnung', FR: 'Appartement' };
const COMPANIES = ['Fernhill Studio', 'Blue Heron Design', 'Oakwood Partners', 'Lantern & Co.'];

/** Streets write the number after the name in Germany, before it elsewhere. */
function street(rng: Rng, countryCode: string): string {
  const name = pick(rng, STREETS[countryCode]!);
  const n = 1 + Math.floor(rng() * 240);
  return countryCode === 'DE' ? `${name} ${n}` : `${n} ${name}`;
}

/** Who the parcel is for: the customer, or (one in ten, and always for a guest or a nameless customer) another name. */
function recipient(rng: Rng, customer: CustomerRec | null): { firstName: string; lastName: string } {
  const gift = rng() < 0.1;
  if (customer?.firstName && customer.lastName && !gift) return { firstName: customer.firstName, lastName: customer.lastName };
  return { firstName: pick(rng, D.FIRST_NAMES), lastName: pick(rng, D.LAST_NAMES) };
}

/** A deterministic shipping address in the country of the order's plan, drawn from the address's own PRNG. */
export function seededShippingAddress(
  store: Store,
  plan: { seed: number; customer: CustomerRec | null; country: D.CountryProfile },
): MailingAddressRec {
  // a stream apart from the order's own, so the order's draws stay exactly what they were before addresses existed
  const rng = mulberry32((plan.seed ^ 0x5bd1e995) >>> 0);
  const code = AREAS[plan.country.code] ? plan.country.code : 'US';
  const area = pick(rng, AREAS[code]!);
  const { firstName, lastName } = recipient(rng, plan.customer);
  return {
    id: store.nextId('mailingAddress'),
    firstName,
    lastName,
    company: rng() < 0.08 ? pick(rng, COMPANIES) : null,
    address1: street(rng, code),
    address2: rng() < 0.25 ? `${UNITS[code]} ${1 + Math.floor(rng() * 40)}` : null,
    city: area.city,
    province: area.provinceCode ? (PROVINCES[code]?.[area.provinceCode] ?? null) : null,
    provinceCode: area.provinceCode,
    zip: area.zip,
    country: countryName(code),
    countryCode: code,
    phone: plan.customer?.phone ?? null,
  };
}
