/**
 * Managed webhook subscriptions (PUBLIC_URL): the subgraph creates the six it needs in the store at start, a restart
 * creates none, a deleted one comes back at the next check, and a store that fails its checks is still served.
 * The simulator is the real Shopify stand-in: webhookSubscriptionCreate / webhookSubscriptions over the pinned schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from 'shopify-admin-simulator';
import { startTestSimulator } from '../actions/helpers.js';
import {
  appSubscriptions,
  control,
  freePort,
  metricsOf,
  SECRET,
  simulatorGraphql,
  startManaged,
  type ManagedStack,
} from '../helpers/managed-webhooks.js';

const TOPICS = ['ORDERS_CREATE', 'ORDERS_UPDATED', 'ORDERS_CANCELLED', 'REFUNDS_CREATE', 'CUSTOMERS_CREATE', 'CUSTOMERS_UPDATE'];

let sim: Simulator;
let port: number;
let stack: ManagedStack | undefined;

beforeAll(async () => {
  sim = await startTestSimulator();
  await control(sim, 'app', { webhookSecret: SECRET });
  port = await freePort();
});
afterAll(async () => {
  await stack?.close();
  await sim?.close();
});

const callback = () => `http://127.0.0.1:${port}/webhooks/shopify`;
const parts = () => stack!.app.stores[0]!.webhooks;

describe('managed webhook subscriptions', () => {
  it('starting the app creates exactly the six subscriptions, JSON, to PUBLIC_URL/webhooks/shopify', async () => {
    stack = await startManaged(sim, { port });
    expect(await parts().firstCheck).toEqual({ outcome: 'created', present: 0, created: 6 });
    const subs = await appSubscriptions(sim);
    expect(subs.map((s) => s.topic).sort()).toEqual([...TOPICS].sort());
    expect(subs.every((s) => s.uri === callback())).toBe(true);
    const listed = await simulatorGraphql(sim, `{ webhookSubscriptions(first: 10) { nodes { topic uri format } } }`);
    expect(listed.data.webhookSubscriptions.nodes).toEqual(TOPICS.map((topic) => ({ topic, uri: callback(), format: 'JSON' })));
    expect(await metricsOf(stack)).toMatch(/^shopify_webhook_subscription_checks_total\{store="default",outcome="created"\} 1$/m);
  });

  it('a restart creates none (idempotent), and Shopify refuses a duplicate anyway', async () => {
    const before = await appSubscriptions(sim);
    await stack!.close();
    stack = await startManaged(sim, { port });
    expect(await parts().firstCheck).toEqual({ outcome: 'ok', present: 6, created: 0 });
    expect(await appSubscriptions(sim)).toEqual(before);

    const duplicate = await simulatorGraphql(
      sim,
      `mutation($uri: String!) { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: { uri: $uri, format: JSON }) { webhookSubscription { id } userErrors { field message } } }`,
      { uri: callback() },
    );
    expect(duplicate.data.webhookSubscriptionCreate).toEqual({
      webhookSubscription: null,
      userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address for this topic has already been taken' }],
    });
  });

  it('a subscription deleted at Shopify is created again at the next check, and only that one', async () => {
    const before = await appSubscriptions(sim);
    const gone = before.find((s) => s.topic === 'CUSTOMERS_CREATE')!;
    const deleted = await simulatorGraphql(
      sim,
      `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }`,
      {
        id: gone.id,
      },
    );
    expect(deleted.data.webhookSubscriptionDelete).toEqual({ deletedWebhookSubscriptionId: gone.id, userErrors: [] });

    expect(await parts().subscriptions!.check()).toEqual({ outcome: 'created', present: 5, created: 1 });
    const after = await appSubscriptions(sim);
    expect(after.filter((s) => s.topic !== 'CUSTOMERS_CREATE')).toEqual(before.filter((s) => s.topic !== 'CUSTOMERS_CREATE'));
    expect(after.filter((s) => s.topic === 'CUSTOMERS_CREATE').map((s) => s.uri)).toEqual([callback()]);
    expect(after.find((s) => s.topic === 'CUSTOMERS_CREATE')!.id).not.toBe(gone.id);
  });

  it('the simulator refuses an address Shopify would refuse, with userErrors', async () => {
    const create = (uri: string) =>
      simulatorGraphql(
        sim,
        `mutation($uri: String!) { webhookSubscriptionCreate(topic: ORDERS_PAID, webhookSubscription: { uri: $uri }) { webhookSubscription { id } userErrors { field message } } }`,
        { uri },
      ).then((r) => r.data.webhookSubscriptionCreate);
    expect(await create('http://hooks.example.com/x')).toEqual({
      webhookSubscription: null,
      userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address protocol http:// is not supported' }],
    });
    expect(await create('not a url')).toEqual({
      webhookSubscription: null,
      userErrors: [{ field: ['webhookSubscription', 'uri'], message: 'Address is invalid' }],
    });
  });

  it('a store failing its checks is still served, and is subscribed once it answers again', async () => {
    await stack!.close();
    stack = undefined;
    // Every subscription gone and Shopify failing: the first check cannot list them.
    for (const s of await appSubscriptions(sim)) {
      await simulatorGraphql(sim, `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { userErrors { message } } }`, { id: s.id });
    }
    await control(sim, 'faults', { failNext: { count: 1000, status: 503 } });
    stack = await startManaged(sim, { port, env: { SHOPIFY_MAX_WAIT_MS: '300', SHOPIFY_BREAKER_THRESHOLD: '1000' } });
    expect(await parts().firstCheck).toEqual({ outcome: 'failed', present: 0, created: 0 });
    expect(await appSubscriptions(sim)).toEqual([]);
    expect(parts().health.verified()).toBe(false);

    await control(sim, 'faults', {});
    const customer = (await control<any[]>(sim, 'customers')).find((c) => c.email)!;
    const body = await stack.profile('shopifyCustomer { id }', [customer.email]);
    expect(body.errors).toBeUndefined();
    expect(body.data._entities[0].shopifyCustomer).toEqual({ id: customer.id });

    expect(await parts().subscriptions!.check()).toEqual({ outcome: 'created', present: 0, created: 6 });
    expect((await appSubscriptions(sim)).length).toBe(6);
    const metrics = await metricsOf(stack);
    expect(metrics).toMatch(/^shopify_webhook_subscription_checks_total\{store="default",outcome="failed"\} 1$/m);
    expect(metrics).toMatch(/^shopify_webhook_subscription_checks_total\{store="default",outcome="created"\} 1$/m);
  });

  it('two replicas starting at once create the six once between them, and both count them present', async () => {
    await stack!.close();
    stack = undefined;
    for (const s of await appSubscriptions(sim)) {
      await simulatorGraphql(sim, `mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { userErrors { message } } }`, { id: s.id });
    }
    // Behind one load balancer: the same PUBLIC_URL, each replica on its own port.
    const env = { PUBLIC_URL: `http://127.0.0.1:${port}` };
    const [a, b] = await Promise.all([startManaged(sim, { port, env }), startManaged(sim, { port: await freePort(), env })]);
    try {
      const checks = await Promise.all([a, b].map((r) => r.app.stores[0]!.webhooks.firstCheck!));
      expect(checks.map((c) => c.outcome).every((o) => o === 'created' || o === 'ok')).toBe(true);
      expect(checks[0]!.created + checks[1]!.created).toBe(6);
      expect((await appSubscriptions(sim)).map((s) => s.topic).sort()).toEqual([...TOPICS].sort());
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
