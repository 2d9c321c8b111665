import { describe, expect, it } from 'vitest';
import { linkingEmail } from '../../src/domain/lookup.js';
import { linkTarget, normalizeEmails } from '../../src/profile/linking-rules.js';
import { toShopifySearch } from '../../src/profile/search.js';
import { emailQuery } from '../../src/shopify/search-syntax.js';

describe('linking rules', () => {
  it('normalizes emails: trimmed, lower case, plausible, unique, in order', () => {
    expect(normalizeEmails(['  Ada@Example.COM ', 'not-an-email', '', null, 'ada@example.com', 'b@x.io', 'a"b@x.io'])).toEqual([
      'ada@example.com',
      'b@x.io',
    ]);
    expect(normalizeEmails(null)).toEqual([]);
  });

  it('a manual link wins; else emails when auto-link is on; else nothing', () => {
    const manual = {
      store: 'default',
      profileId: 'p1',
      customerId: 'gid://shopify/Customer/1',
      method: 'MANUAL' as const,
      linkedBy: 'agent-1',
      linkedAt: new Date(),
    };
    const profile = { id: 'p1', emails: ['A@x.io', 'b@x.io'] };
    expect(linkTarget(profile, manual, true)).toEqual({ kind: 'id', customerId: 'gid://shopify/Customer/1' });
    expect(linkTarget(profile, null, true)).toEqual({ kind: 'emails', emails: ['a@x.io', 'b@x.io'] });
    expect(linkTarget(profile, null, false)).toBeNull();
    expect(linkTarget({ id: 'p2', emails: [] }, null, true)).toBeNull();
  });

  it('looks a profile up by at most its first N distinct plain emails and reports how many it ignored', () => {
    const emails = ['x', ...Array.from({ length: 12 }, (_, i) => `e${i}@x.io`), 'e0@x.io'];
    const ignored: number[] = [];
    expect(linkTarget({ id: 'p', emails }, null, true, { maxEmails: 10, onIgnored: (n) => ignored.push(n) })).toEqual({
      kind: 'emails',
      emails: Array.from({ length: 10 }, (_, i) => `e${i}@x.io`),
    });
    // 14 sent, 10 used: the invalid one, the two beyond the limit and the repeat.
    expect(ignored).toEqual([4]);
  });

  it('builds an OR search of quoted emails', () => {
    expect(emailQuery(['a@x.io', 'b+tag@y.co'])).toBe('email:"a@x.io" OR email:"b+tag@y.co"');
  });
});

describe('customer search input', () => {
  it('recognizes order numbers, emails, phones and names', () => {
    expect(toShopifySearch('#1001')).toEqual({ kind: 'order', query: 'name:"#1001"' });
    expect(toShopifySearch('1001')).toEqual({ kind: 'order', query: 'name:"#1001"' });
    expect(toShopifySearch(' Ada@Example.com ')).toEqual({ kind: 'customers', query: 'email:"ada@example.com"' });
    expect(toShopifySearch('+44 20 7946 0958')).toEqual({ kind: 'customers', query: 'phone:"+442079460958"' });
    expect(toShopifySearch('Ada Lovelace')).toEqual({ kind: 'customers', query: 'Ada Lovelace' });
  });

  it('strips search syntax so typed text cannot change the query', () => {
    expect(toShopifySearch('Ada OR email:* (x)')).toEqual({ kind: 'customers', query: 'Ada email x' });
    expect(() => toShopifySearch('OR AND')).toThrow(/query: must contain a name/);
  });

  it('gives no branch a wildcard, operator, quote or field: a non-plain email is refused', () => {
    for (const q of ['*@*', 'a*@x.io', '"a"@x.io', '(a@x.io)', 'a@x.io OR email:*', 'email:*@x.io', "a@x.io'"]) {
      expect(() => toShopifySearch(q)).toThrow(/^query: an email must be a plain address/);
    }
    expect(toShopifySearch('-a@x.io')).toEqual({ kind: 'customers', query: 'email:"-a@x.io"' });
    expect(toShopifySearch("O'Brien -tag:vip")).toEqual({ kind: 'customers', query: 'O Brien tagvip' });
    for (const q of ['*', "'*'", '"*"', '-*', '(*)', '* OR *']) expect(() => toShopifySearch(q)).toThrow(/query: must contain a name/);
    expect(toShopifySearch('+1 (416) 555-0199 OR *')).toEqual({ kind: 'customers', query: '+1 416 555-0199' });
    expect(toShopifySearch('+1 (416) 555-0199')).toEqual({ kind: 'customers', query: 'phone:"+14165550199"' });
    expect(toShopifySearch('#1001*')).toEqual({ kind: 'customers', query: '#1001' });
  });

  it('links by the first owned email, and decides nothing while an email before the match is unknown', () => {
    const known = (owners: Record<string, string | null>) => (e: string) => (e in owners ? owners[e] : undefined);
    const emails = ['a@x.io', 'b@x.io', 'c@x.io'];
    expect(
      linkingEmail(emails, known({ 'a@x.io': null, 'b@x.io': 'gid://shopify/Customer/2', 'c@x.io': 'gid://shopify/Customer/3' })),
    ).toBe('b@x.io');
    expect(linkingEmail(emails, known({ 'a@x.io': 'gid://shopify/Customer/1' }))).toBe('a@x.io');
    expect(linkingEmail(emails, known({ 'a@x.io': null, 'c@x.io': 'gid://shopify/Customer/3' }))).toBeUndefined();
    expect(linkingEmail(emails, known({ 'a@x.io': null, 'b@x.io': null, 'c@x.io': null }))).toBeNull();
    expect(linkingEmail([], known({}))).toBeNull();
  });

  it('unique: links only when the emails that have a customer all have the same one, and only once every email is known', () => {
    const known = (owners: Record<string, string | null>) => (e: string) => (e in owners ? owners[e] : undefined);
    const emails = ['a@x.io', 'b@x.io', 'c@x.io'];
    const [c1, c2] = ['gid://shopify/Customer/1', 'gid://shopify/Customer/2'];
    // One customer matches, the others have none: linked by that customer's email, wherever it stands.
    expect(linkingEmail(emails, known({ 'a@x.io': null, 'b@x.io': null, 'c@x.io': c2 }), 'unique')).toBe('c@x.io');
    // Two emails of different customers: ambiguous, no link — even while a third is unknown.
    expect(linkingEmail(emails, known({ 'a@x.io': c1, 'b@x.io': null, 'c@x.io': c2 }), 'unique')).toBeNull();
    expect(linkingEmail(emails, known({ 'a@x.io': c1, 'c@x.io': c2 }), 'unique')).toBeNull();
    // `first` would link a@x.io here; `unique` must know b and c first.
    expect(linkingEmail(emails, known({ 'a@x.io': c1 }), 'first')).toBe('a@x.io');
    expect(linkingEmail(emails, known({ 'a@x.io': c1, 'c@x.io': null }), 'unique')).toBeUndefined();
    expect(linkingEmail(emails, known({ 'a@x.io': c1, 'b@x.io': c1, 'c@x.io': null }), 'unique')).toBe('a@x.io');
    expect(linkingEmail(emails, known({ 'a@x.io': null, 'b@x.io': null, 'c@x.io': null }), 'unique')).toBeNull();
  });
});
