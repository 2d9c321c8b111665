/** Manual linking through the supergraph, on SQLite and on PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases } from '../helpers/databases.js';
import { startSupergraph, type SimCustomer, type SupergraphHarness } from '../../dev/supergraph-harness.js';

const VIEW = `query($ids: [ID!]!) { profiles(ids: $ids) { id shopifyCustomer { id } shopifyLink { customerId method matchedEmail linkedBy } } }`;
const LINK = `mutation($p: ID!, $c: ID!) { linkShopifyCustomer(profileId: $p, customerId: $c) { profileId link { customerId method linkedBy linkedAt } customer { id } } }`;
const UNLINK = `mutation($p: ID!) { unlinkShopifyCustomer(profileId: $p) { profileId link { customerId } customer { id } } }`;

describe.each(databases)('manual links on $name', (db) => {
  let h: SupergraphHarness;
  let byEmail: SimCustomer;
  let other: SimCustomer;
  const options = db.freshOptions();

  beforeAll(async () => {
    h = await startSupergraph({
      build: { storeOptions: options },
      profiles: (all) => {
        [byEmail, other] = all.filter((c) => c.email) as [SimCustomer, SimCustomer];
        return [{ id: 'p1', name: 'Ada', emails: [byEmail!.email!] }];
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await db.drop(options);
  });

  it('auto-links by email, a manual link beats it, unlinking falls back to email', async () => {
    const view = async () => (await h.query(VIEW, { ids: ['p1'] })).body.data.profiles[0];
    expect(await view()).toEqual({
      id: 'p1',
      shopifyCustomer: { id: byEmail.id },
      shopifyLink: { customerId: byEmail.id, method: 'AUTO_EMAIL', matchedEmail: byEmail.email, linkedBy: null },
    });

    const linked = await h.query(LINK, { p: 'p1', c: other.id });
    expect(linked.body.errors).toBeUndefined();
    expect(linked.body.data.linkShopifyCustomer).toMatchObject({
      profileId: 'p1',
      link: { customerId: other.id, method: 'MANUAL', linkedBy: 'anonymous' },
      customer: { id: other.id },
    });
    expect(Date.parse(linked.body.data.linkShopifyCustomer.link.linkedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await view()).toEqual({
      id: 'p1',
      shopifyCustomer: { id: other.id },
      shopifyLink: { customerId: other.id, method: 'MANUAL', matchedEmail: null, linkedBy: 'anonymous' },
    });
    // One store configured: the link is stored under its handle.
    const stored = await h.app.deps.store.links.getManyAllStores(['p1']);
    expect(stored.get('p1')?.map((l) => [l.store, l.customerId])).toEqual([['default', other.id]]);

    const unlinked = await h.query(UNLINK, { p: 'p1' });
    expect(unlinked.body.data.unlinkShopifyCustomer).toEqual({ profileId: 'p1', link: null, customer: null });
    expect((await view()).shopifyCustomer).toEqual({ id: byEmail.id });

    const audit = await h.app.deps.store.audit.list({ limit: 10 });
    expect(audit.map((a) => [a.store, a.action, a.outcome, a.profileId])).toEqual([
      ['default', 'unlinkShopifyCustomer', 'succeeded', 'p1'],
      ['default', 'linkShopifyCustomer', 'succeeded', 'p1'],
    ]);
    expect(await h.app.deps.store.links.getManyAllStores(['p1'])).toEqual(new Map());
  });

  it('refuses a malformed or unknown customer id with BAD_USER_INPUT naming customerId, storing nothing', async () => {
    const malformed = await h.query(LINK, { p: 'p1', c: 'customer-42' });
    expect(malformed.body.errors[0]).toMatchObject({
      message: 'customerId: must be a Shopify Customer GID like gid://shopify/Customer/123',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const unknown = await h.query(LINK, { p: 'p1', c: 'gid://shopify/Customer/999999999' });
    expect(unknown.body.errors[0]).toMatchObject({
      message: 'customerId: no Shopify customer has this id',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await h.app.deps.store.links.getMany('default', ['p1'])).toEqual(new Map());
  });
});
