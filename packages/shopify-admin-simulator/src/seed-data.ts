/** Fixed vocabularies the seed draws from: names, products, shops' retail locations, carriers, channels. */
import type { ChannelRec, Currency } from './model.js';

/** Seeding never reads the clock: every date is before this instant. */
export const REFERENCE_DATE = Date.parse('2026-06-30T12:00:00.000Z');

export const FIRST_NAMES = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Amelia',
  'Oliver',
  'Ava',
  'Elijah',
  'Sophia',
  'Lucas',
  'Mia',
  'Mateo',
  'Isabella',
  'Levi',
  'Charlotte',
  'Leo',
  'Harper',
  'Ezra',
  'Evelyn',
  'Luca',
  'Chloé',
  'Jonas',
  'Léa',
  'Finn',
  'Zoë',
  'Hugo',
  'Aoife',
  'Seán',
  'Priya',
  'Arjun',
  'Mei',
  'Hiroshi',
  'Fatima',
  'Omar',
  'Ingrid',
  'Lars',
  'Sofía',
  'Diego',
  'Anouk',
  'Thijs',
  'Grace',
  'Henry',
  'Ruby',
  'Jack',
  'Freya',
  'Oscar',
  'Nadia',
  'Tomasz',
  'Elena',
  'Marco',
];

export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Martin',
  'Tremblay',
  'Roy',
  'Gagnon',
  'Côté',
  'Bouchard',
  'Müller',
  'Schmidt',
  'Schneider',
  'Fischer',
  'Weber',
  'Dubois',
  'Lefèvre',
  'Moreau',
  "O'Brien",
  'Murphy',
  'Kelly',
  'Patel',
  'Singh',
  'Chen',
  'Wang',
  'Tanaka',
  'Kowalski',
  'Nowak',
  'Rossi',
  'Russo',
  'Silva',
  'Santos',
  'Jansen',
  'de Vries',
  'Andersson',
  'Nilsson',
  'Taylor',
  'Wilson',
  'Evans',
  'Thomas',
  'Walker',
  'Wright',
  'Hughes',
  'Clarke',
  'Lewis',
  'Young',
];

export const EMAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example'];

export interface CountryProfile {
  code: string;
  currency: Currency;
  locale: string;
  phonePrefix: string;
  phoneDigits: number;
}

/** Phone numbers use each country's fictional/drama ranges, so no real subscriber is ever seeded. */
export const COUNTRIES: CountryProfile[] = [
  { code: 'US', currency: 'USD', locale: 'en', phonePrefix: '+1202555', phoneDigits: 4 },
  { code: 'CA', currency: 'CAD', locale: 'en', phonePrefix: '+1416555', phoneDigits: 4 },
  { code: 'GB', currency: 'GBP', locale: 'en', phonePrefix: '+447700900', phoneDigits: 3 },
  { code: 'DE', currency: 'EUR', locale: 'de', phonePrefix: '+4915550', phoneDigits: 6 },
  { code: 'FR', currency: 'EUR', locale: 'fr', phonePrefix: '+33639980', phoneDigits: 4 },
];
/** How often each country is drawn (same order as COUNTRIES) in a USD shop: the default shop's customers. */
export const COUNTRY_WEIGHTS = [45, 20, 15, 12, 8];
/**
 * How often each country is drawn in a shop of each currency: most customers live where the shop sells in its own
 * currency (an EU store's are mostly German and French), as in a brand's regional stores.
 */
export const COUNTRY_WEIGHTS_BY_SHOP_CURRENCY: Record<Currency, number[]> = {
  USD: COUNTRY_WEIGHTS,
  CAD: [25, 55, 8, 7, 5],
  GBP: [12, 6, 58, 14, 10],
  EUR: [10, 4, 12, 44, 30],
};

export interface ProductDef {
  title: string;
  vendor: string;
  /** USD price in cents; other currencies are converted and rounded to .x0 */
  priceUsd: number;
  variants: Array<string | null>;
  /** false = the product has no SKU on purpose (common for custom items) */
  sku: boolean;
  image: boolean;
  giftCard?: boolean;
}

export const PRODUCTS: ProductDef[] = [
  { title: 'Merino Wool Beanie', vendor: 'Northbound', priceUsd: 2900, variants: ['Charcoal', 'Rust', 'Navy'], sku: true, image: true },
  { title: 'Canvas Tote Bag', vendor: 'Northbound', priceUsd: 2400, variants: [null], sku: true, image: true },
  { title: 'Waxed Field Jacket', vendor: 'Northbound', priceUsd: 18900, variants: ['S', 'M', 'L', 'XL'], sku: true, image: true },
  {
    title: 'Organic Cotton Tee',
    vendor: 'Loomwell',
    priceUsd: 3200,
    variants: ['White / S', 'White / M', 'Black / M', 'Black / L'],
    sku: true,
    image: true,
  },
  { title: 'Trail Running Socks (3-pack)', vendor: 'Loomwell', priceUsd: 1800, variants: ['S/M', 'L/XL'], sku: true, image: false },
  { title: 'Ceramic Pour-Over Set', vendor: 'Kiln & Co', priceUsd: 6400, variants: [null], sku: true, image: true },
  { title: 'Single-Origin Coffee, 250 g', vendor: 'Kiln & Co', priceUsd: 1650, variants: ['Whole bean', 'Ground'], sku: true, image: true },
  { title: 'Enamel Camp Mug', vendor: 'Kiln & Co', priceUsd: 1900, variants: ['Cream', 'Forest'], sku: true, image: true },
  { title: 'Leather Card Holder', vendor: 'Atelier Brun', priceUsd: 4500, variants: ['Tan', 'Black'], sku: true, image: true },
  { title: 'Hand-Thrown Bowl (seconds)', vendor: 'Kiln & Co', priceUsd: 2200, variants: [null], sku: false, image: false },
  { title: 'Linen Apron', vendor: 'Loomwell', priceUsd: 3800, variants: ['Oat', 'Slate'], sku: true, image: true },
  { title: 'Beeswax Candle', vendor: 'Hive Goods', priceUsd: 1400, variants: ['Small', 'Large'], sku: true, image: false },
  { title: 'Custom Engraving', vendor: 'Atelier Brun', priceUsd: 1000, variants: [null], sku: false, image: false },
  { title: 'Insulated Bottle 750 ml', vendor: 'Northbound', priceUsd: 3400, variants: ['Matte Black', 'Glacier'], sku: true, image: true },
  { title: 'Wool Throw Blanket', vendor: 'Loomwell', priceUsd: 12900, variants: ['Heather Grey', 'Mustard'], sku: true, image: true },
  {
    title: 'Gift Card',
    vendor: 'Northbound Supply',
    priceUsd: 5000,
    variants: ['$25', '$50', '$100'],
    sku: false,
    image: true,
    giftCard: true,
  },
];

export interface LocationDef {
  name: string;
  address1: string;
  city: string;
  province: string | null;
  zip: string;
  country: string;
  countryCode: string;
}

/** Retail (POS) locations, one or two per country the shop sells in. */
export const LOCATIONS: LocationDef[] = [
  {
    name: 'SoHo Flagship',
    address1: '120 Prince St',
    city: 'New York',
    province: 'New York',
    zip: '10012',
    country: 'United States',
    countryCode: 'US',
  },
  {
    name: 'Pearl District',
    address1: '1005 NW Everett St',
    city: 'Portland',
    province: 'Oregon',
    zip: '97209',
    country: 'United States',
    countryCode: 'US',
  },
  {
    name: 'Queen West',
    address1: '742 Queen St W',
    city: 'Toronto',
    province: 'Ontario',
    zip: 'M6J 1E9',
    country: 'Canada',
    countryCode: 'CA',
  },
  {
    name: 'Covent Garden',
    address1: '14 Floral St',
    city: 'London',
    province: null,
    zip: 'WC2E 9DH',
    country: 'United Kingdom',
    countryCode: 'GB',
  },
  {
    name: 'Berlin Mitte',
    address1: 'Alte Schönhauser Str. 10',
    city: 'Berlin',
    province: null,
    zip: '10119',
    country: 'Germany',
    countryCode: 'DE',
  },
  {
    name: 'Le Marais',
    address1: '21 Rue Vieille du Temple',
    city: 'Paris',
    province: null,
    zip: '75004',
    country: 'France',
    countryCode: 'FR',
  },
];

export const CARRIERS: Array<{ company: string; url: (n: string) => string; number: (digits: string) => string }> = [
  { company: 'UPS', url: (n) => `https://www.ups.com/track?tracknum=${n}`, number: (d) => `1Z999AA1${d.slice(0, 10)}` },
  {
    company: 'USPS',
    url: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
    number: (d) => `9400111${d.padEnd(15, '0')}`,
  },
  {
    company: 'Canada Post',
    url: (n) => `https://www.canadapost-postescanada.ca/track-reperage/en#/details/${n}`,
    number: (d) => d.padEnd(16, '7'),
  },
  {
    company: 'Royal Mail',
    url: (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`,
    number: (d) => `RM${d.slice(0, 9)}GB`,
  },
  { company: 'DHL Express', url: (n) => `https://www.dhl.com/en/express/tracking.html?AWB=${n}`, number: (d) => d.slice(0, 10) },
];

/** Sales channels: sourceName plus the channel definition Shopify attaches (none for draft orders). */
export const CHANNELS: Array<{ sourceName: string; channel: ChannelRec | null; weight: number }> = [
  { sourceName: 'web', channel: { handle: 'online_store', name: 'Online Store' }, weight: 52 },
  { sourceName: 'pos', channel: { handle: 'pos', name: 'Point of Sale' }, weight: 20 },
  { sourceName: 'shop', channel: { handle: 'shop', name: 'Shop' }, weight: 10 },
  { sourceName: 'facebook', channel: { handle: 'facebook', name: 'Facebook & Instagram' }, weight: 6 },
  { sourceName: 'shopify_draft_order', channel: null, weight: 12 },
];

export const CUSTOMER_TAGS = ['VIP', 'wholesale', 'newsletter', 'returning', 'local', 'b2b', 'influencer'];
export const ORDER_TAGS = ['gift', 'priority', 'fragile', 'repeat', 'review-requested'];
export const CUSTOMER_NOTES = [
  'Prefers email over phone.',
  'Allergic to wool — suggest cotton alternatives.',
  'Asked to be told when the waxed jacket restocks in XL.',
  'Corporate account; invoices go to accounts payable.',
  'Had a damaged parcel in the past; double-box shipments.',
];
export const ORDER_NOTES = [
  'Please leave at the back door.',
  'Gift — no prices on the packing slip.',
  'Call on arrival.',
  'Deliver after 5pm.',
];
export const DISCOUNT_CODES = [
  { code: 'WELCOME10', percent: 10 },
  { code: 'SPRING15', percent: 15 },
  { code: 'LOYAL20', percent: 20 },
];
