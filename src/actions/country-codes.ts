/**
 * The country codes an address may name: the pinned Admin schema's (2026-07) CountryCode enum, copied here so the
 * running subgraph never loads the 3,500-type schema to check two letters. test/actions/address-input.test.ts compares
 * this list with the schema file, so a new pin that adds or drops a code fails that test until the list follows.
 *
 * ZZ ("unknown region" in Shopify's enum) is left out on purpose: nothing can be shipped to an unknown region.
 */

/** Every CountryCode of the pinned schema but ZZ, as one space-separated string (kept compact on purpose). */
export const SHIPPABLE_COUNTRY_CODES =
  'AC AD AE AF AG AI AL AM AN AO AR AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MK ML MM MN MO MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PS PT PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TA TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VN VU WF WS XK YE YT ZA ZM ZW';

const CODES = new Set(SHIPPABLE_COUNTRY_CODES.split(' '));

/** True when `code` is a CountryCode of the pinned schema that names a real place (not ZZ). */
export function isShippableCountryCode(code: string): boolean {
  return CODES.has(code);
}
