/**
 * Mailing addresses: the record an order or draft order keeps, the MailingAddress object built from it, and
 * MailingAddressInput read as Shopify reads it. `countryCode` is the CountryCode enum (GraphQL has checked it);
 * the deprecated `country` and `province` names are still accepted. A province code is checked against the country
 * where the simulator knows the country's provinces (US, CA, AU), as Shopify checks it against its zones; elsewhere it
 * is kept as given. Shopify's exact wording for a bad province is not documented: the message here is not confirmed.
 */
import { gid } from './model.js';
import type { FieldError } from './refunds.js';

export interface MailingAddressRec {
  id: number;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  /** the province's name, derived from the code where the country's provinces are known */
  province: string | null;
  provinceCode: string | null;
  zip: string | null;
  /** the country's English name, as MailingAddress.country gives it */
  country: string | null;
  countryCode: string | null;
  phone: string | null;
}

/** An address as read from input, before the store gives it an id. */
export type AddressFields = Omit<MailingAddressRec, 'id'>;

// prettier-ignore
const US: Record<string, string> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado', CT: 'Connecticut',
  DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho', IL: 'Illinois',
  IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana', ME: 'Maine', MD: 'Maryland',
  MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota', MS: 'Mississippi', MO: 'Missouri', MT: 'Montana', NE: 'Nebraska',
  NV: 'Nevada', NH: 'New Hampshire', NJ: 'New Jersey', NM: 'New Mexico', NY: 'New York', NC: 'North Carolina',
  ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon', PA: 'Pennsylvania', RI: 'Rhode Island',
  SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas', UT: 'Utah', VT: 'Vermont', VA: 'Virginia',
  WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming', PR: 'Puerto Rico', GU: 'Guam',
  VI: 'U.S. Virgin Islands', AS: 'American Samoa', MP: 'Northern Mariana Islands', UM: 'United States Minor Outlying Islands',
  AA: 'Armed Forces Americas', AE: 'Armed Forces Europe', AP: 'Armed Forces Pacific',
};
// prettier-ignore
const CA: Record<string, string> = {
  AB: 'Alberta', BC: 'British Columbia', MB: 'Manitoba', NB: 'New Brunswick', NL: 'Newfoundland and Labrador',
  NT: 'Northwest Territories', NS: 'Nova Scotia', NU: 'Nunavut', ON: 'Ontario', PE: 'Prince Edward Island',
  QC: 'Quebec', SK: 'Saskatchewan', YT: 'Yukon',
};
// prettier-ignore
const AU: Record<string, string> = {
  ACT: 'Australian Capital Territory', NSW: 'New South Wales', NT: 'Northern Territory', QLD: 'Queensland',
  SA: 'South Australia', TAS: 'Tasmania', VIC: 'Victoria', WA: 'Western Australia',
};
/** Countries whose provinces (Shopify's zones) the simulator knows; a province code there must be one of them. */
export const PROVINCES: Readonly<Record<string, Readonly<Record<string, string>>>> = { US, CA, AU };

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** The English name of an ISO 3166-1 alpha-2 code ("US" → "United States"); the code itself when unknown. */
export function countryName(code: string): string {
  try {
    return regionNames.of(code) ?? code;
  } catch {
    return code;
  }
}

let byName: Map<string, string> | undefined;
/** The code of a country given by its English name (the deprecated `country` input), or a two-letter code as given. */
function countryCodeOf(name: string): string | null {
  const s = name.trim();
  if (/^[A-Za-z]{2}$/.test(s)) return s.toUpperCase();
  if (!byName) {
    byName = new Map();
    for (let a = 65; a <= 90; a++)
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const n = countryName(code);
        if (n !== code && n !== 'Unknown Region') byName.set(n.toLowerCase(), code);
      }
  }
  return byName.get(s.toLowerCase()) ?? null;
}

const text = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s ? s : null;
};

/** The province code of a code or name within a known country, or null when it is not one of its provinces. */
function provinceCodeIn(zones: Readonly<Record<string, string>>, value: string): string | null {
  const v = value.trim();
  const upper = v.toUpperCase();
  if (zones[upper]) return upper;
  const match = Object.entries(zones).find(([, name]) => name.toLowerCase() === v.toLowerCase());
  return match ? match[0] : null;
}

/**
 * A MailingAddressInput (already coerced by GraphQL) as the fields to store, or the user errors under `at` (e.g.
 * ["shippingAddress"]). Blank texts are stored as null.
 */
export function readAddressInput(input: Record<string, unknown>, at: string[]): { address?: AddressFields; errors: FieldError[] } {
  const errors: FieldError[] = [];
  let countryCode = text(input.countryCode);
  if (!countryCode && text(input.country)) {
    countryCode = countryCodeOf(text(input.country)!);
    if (!countryCode) errors.push({ field: [...at, 'country'], message: 'Country is not a valid country' });
  }
  const provinceField = input.provinceCode != null ? 'provinceCode' : 'province';
  const rawProvince = text(input.provinceCode) ?? text(input.province);
  let provinceCode = rawProvince;
  let province: string | null = null;
  const zones = countryCode ? PROVINCES[countryCode] : undefined;
  if (zones && rawProvince) {
    provinceCode = provinceCodeIn(zones, rawProvince);
    if (!provinceCode)
      errors.push({ field: [...at, provinceField], message: `Province is not a valid province for ${countryName(countryCode!)}` });
    else province = zones[provinceCode]!;
  } else if (rawProvince) {
    // a country whose provinces the simulator does not know: kept as given (not confirmed that Shopify keeps it)
    province = text(input.province) ?? rawProvince;
  }
  if (errors.length) return { errors };
  return {
    errors,
    address: {
      firstName: text(input.firstName),
      lastName: text(input.lastName),
      company: text(input.company),
      address1: text(input.address1),
      address2: text(input.address2),
      city: text(input.city),
      province,
      provinceCode,
      zip: text(input.zip),
      country: countryCode ? countryName(countryCode) : null,
      countryCode,
      phone: text(input.phone),
    },
  };
}

/** The address's lines as MailingAddress.formatted gives them: name and company on request, street, area, country. */
function formatted(a: MailingAddressRec, withCompany: boolean, withName: boolean): string[] {
  const name = [a.firstName, a.lastName].filter(Boolean).join(' ');
  // North American and Australian addresses put the province code between city and zip; most of Europe puts the zip first
  const area = PROVINCES[a.countryCode ?? '']
    ? [a.city, a.provinceCode, a.zip]
    : a.countryCode === 'GB'
      ? [a.city, a.zip]
      : [a.zip, a.city];
  return [withName ? name : null, withCompany ? a.company : null, a.address1, a.address2, area.filter(Boolean).join(' '), a.country].filter(
    (l): l is string => Boolean(l),
  );
}

/** The MailingAddress object of a stored address (a plain view: the default resolver reads its properties). */
export function addressView(a: MailingAddressRec) {
  return {
    __typename: 'MailingAddress',
    id: `${gid('MailingAddress', a.id)}?model_name=Address`,
    firstName: a.firstName,
    lastName: a.lastName,
    name: [a.firstName, a.lastName].filter(Boolean).join(' ') || null,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    provinceCode: a.provinceCode,
    zip: a.zip,
    country: a.country,
    countryCode: a.countryCode,
    countryCodeV2: a.countryCode,
    phone: a.phone,
    coordinatesValidated: false,
    latitude: null,
    longitude: null,
    timeZone: null,
    formattedArea: [a.city, a.provinceCode, a.country].filter(Boolean).join(', ') || null,
    formatted: (args: { withCompany?: boolean | null; withName?: boolean | null }) =>
      formatted(a, args.withCompany ?? true, args.withName ?? false),
  };
}

/** The REST shape of an address (webhook payloads). */
export function addressPayload(a: MailingAddressRec | null) {
  if (!a) return null;
  return {
    first_name: a.firstName,
    last_name: a.lastName,
    name: [a.firstName, a.lastName].filter(Boolean).join(' ') || null,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    province: a.province,
    province_code: a.provinceCode,
    zip: a.zip,
    country: a.country,
    country_code: a.countryCode,
    phone: a.phone,
  };
}
