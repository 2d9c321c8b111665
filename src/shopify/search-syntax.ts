/**
 * Values that go into a Shopify search query (`customers(query:)`, `orders(query:)`). Shopify's search syntax gives
 * meaning to whitespace, `OR`/`AND`/`NOT`, a leading `-`, parentheses, `field:`, quotes, `\` and `*` (a wildcard, and
 * Shopify does not say a quoted `*` is literal). Anything a caller supplies must reach a query as one literal value:
 * a plain email address (which can hold none of those) inside double quotes, or digits.
 */

/** RFC 5321's limit on an address. */
const MAX_EMAIL_LENGTH = 254;
/** RFC 5322 dot-atoms on both sides, domain labels of letters, digits and inner hyphens: no search-syntax character. */
const ATOM = "[a-z0-9!#$%&'+/=?^_`{|}~-]+";
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const PLAIN_EMAIL = new RegExp(`^${ATOM}(?:\\.${ATOM})*@${LABEL}(?:\\.${LABEL})+$`);

/** True for a lower-case plain address: safe as a quoted search value, and the only kind a search may hold. */
export function isPlainEmail(email: string): boolean {
  return email.length <= MAX_EMAIL_LENGTH && PLAIN_EMAIL.test(email);
}

/** `field:"value"` for a plain email; throws for anything else, which must be looked up another way (or refused). */
export function emailTerm(email: string): string {
  if (!isPlainEmail(email)) throw new TypeError('not a plain email address: it cannot go into a Shopify search query');
  return `email:"${email}"`;
}

/**
 * Shopify search syntax for "any of these emails"; values quoted so dots and plus signs stay literal. Throws for an
 * email that is not a plain address: nothing a caller sends may act as a wildcard or an operator.
 */
export function emailQuery(emails: readonly string[]): string {
  return emails.map(emailTerm).join(' OR ');
}
