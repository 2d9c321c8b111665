/** The real @shopify/admin-api-client against the simulator: seeded data, Shopify's error shapes, auth, versions. */
import { createAdminApiClient } from '@shopify/admin-api-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointFetch, parseStoreDomain } from '../../src/shopify/transport.js';
import type { Simulator } from 'shopify-admin-simulator';
import { control, gql, simulator } from 'shopify-admin-simulator/testing';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator();
});
afterAll(() => sim.close());

function client(accessToken = sim.token) {
  const endpoint = parseStoreDomain(sim.storeDomain);
  return createAdminApiClient({
    storeDomain: endpoint.storeDomain,
    apiVersion: '2026-07',
    accessToken,
    customFetchApi: endpointFetch(endpoint),
  });
}

const PROFILE = `#graphql
  query CustomerProfile($email: String!) {
    customerByIdentifier(identifier: { emailAddress: $email }) {
      id
      displayName
      defaultEmailAddress { emailAddress }
      defaultPhoneNumber { phoneNumber }
      numberOfOrders
      amountSpent { amount currencyCode }
      orders(first: 50) { nodes { id } }
    }
  }`;

describe('@shopify/admin-api-client against the simulator', () => {
  it('returns the seeded customer that /__simulator/customers lists', async () => {
    const customers = await control<any[]>(sim, 'customers');
    expect(customers).toHaveLength(500);
    const seeded = customers.find((c) => c.email && c.phone && c.numberOfOrders >= 3)!;
    const { data, errors, extensions } = await client().request(PROFILE, { variables: { email: seeded.email } });
    expect(errors).toBeUndefined();
    expect(data.customerByIdentifier).toEqual({
      id: seeded.id,
      displayName: seeded.displayName,
      defaultEmailAddress: { emailAddress: seeded.email },
      defaultPhoneNumber: { phoneNumber: seeded.phone },
      numberOfOrders: String(seeded.numberOfOrders),
      amountSpent: { amount: seeded.amountSpent, currencyCode: 'USD' },
      orders: { nodes: seeded.orderIds.map((id: string) => ({ id })) },
    });
    expect(extensions?.cost).toMatchObject({ throttleStatus: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 } });
    const stats = await control(sim, 'stats');
    expect(stats.byOperation.CustomerProfile).toBe(1);
  });

  it('answers null for an unknown email, with no error', async () => {
    const { data, errors } = await client().request(PROFILE, { variables: { email: 'nobody@nowhere.example' } });
    expect(errors).toBeUndefined();
    expect(data.customerByIdentifier).toBeNull();
  });

  it('rejects an unknown field with Shopify’s validation error shape (HTTP 200)', async () => {
    const res = await gql(sim, 'query Broken { customer(id: "gid://shopify/Customer/1000001") { id favouriteColour } }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      errors: [
        {
          message: "Field 'favouriteColour' doesn't exist on type 'Customer'",
          locations: [{ line: 1, column: 68 }],
          path: ['query Broken', 'customer', 'favouriteColour'],
          extensions: { code: 'undefinedField', typeName: 'Customer', fieldName: 'favouriteColour' },
        },
      ],
    });
  });

  it('rejects a bad argument and a missing required argument', async () => {
    const res = await gql(sim, '{ customers(frist: 5) { nodes { id } } customer { id } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors.map((e: any) => [e.message, e.extensions.code])).toEqual([
      ["Field 'customers' doesn't accept argument 'frist'", 'argumentNotAccepted'],
      ["Field 'customer' is missing required arguments: id", 'missingRequiredArguments'],
    ]);
  });

  it('the client surfaces GraphQL errors without throwing', async () => {
    const { data, errors } = await client().request('{ shop { nope } }');
    expect(data).toBeUndefined();
    expect(errors?.graphQLErrors?.[0]).toMatchObject({
      message: "Field 'nope' doesn't exist on type 'Shop'",
      extensions: { code: 'undefinedField' },
    });
  });

  it('a wrong or missing token gets HTTP 401 with Shopify’s body', async () => {
    const wrong = await gql(sim, '{ shop { id } }', {}, { 'X-Shopify-Access-Token': 'shpat_wrong' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    const res = await fetch(sim.graphqlUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"query":"{ shop { id } }"}',
    });
    expect(res.status).toBe(401);
    const { errors } = await client('shpat_wrong').request('{ shop { id } }');
    expect(errors?.networkStatusCode).toBe(401);
  });

  it('an unknown API version is a 404', async () => {
    const res = await fetch(`${sim.url}/admin/api/2019-01/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': sim.token },
      body: '{"query":"{ shop { id } }"}',
    });
    expect(res.status).toBe(404);
  });

  it('a non-null field the store has no data for is a GraphQL error, not a crash', async () => {
    const res = await gql(sim, '{ customer(id: "gid://shopify/Customer/1000001") { id statistics { predictedSpendTier } } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ customer: null });
    expect(res.body.errors[0].message).toBe('Cannot return null for non-nullable field Customer.statistics.');
    const after = await gql(sim, '{ customer(id: "gid://shopify/Customer/1000001") { id } }');
    expect(after.body.data.customer.id).toBe('gid://shopify/Customer/1000001');
  });
});
