/**
 * The supergraph the action tests go through (apart from ./helpers.ts, so the files that do not use a gateway do not
 * load one).
 */
import { startSupergraph, type SupergraphHarness } from '../../dev/supergraph-harness.js';
import { JWT_ENV } from './helpers.js';

/** A supergraph for the action tests, and which profile each customer's email matched. */
export interface ActionsSupergraph {
  h: SupergraphHarness;
  /** customer GID → the profile matched to it by email, for customers with at most `maxOrders` orders */
  profileOf: Map<string, string>;
}

/**
 * A real @apollo/gateway supergraph (dev/supergraph-harness.ts) over a never-throttling simulator, checking agent
 * tokens: one profile per customer with an email, matched by that email. `maxOrders` keeps in `profileOf` only the
 * customers whose orders (plus any an action adds) all fit in orders(limit: 10).
 */
export async function startActionsSupergraph(opts: { maxOrders?: number; env?: Record<string, string> } = {}): Promise<ActionsSupergraph> {
  const maxOrders = opts.maxOrders ?? 10;
  const profileOf = new Map<string, string>();
  const h = await startSupergraph({
    simulator: { customers: 80, maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    env: { ...JWT_ENV, ROUTER_SECRET: 'router-secret-for-gateway-tests', ...opts.env },
    profiles: (customers) => {
      const withEmail = customers.filter((c) => c.email);
      withEmail.forEach((c, i) => c.numberOfOrders <= maxOrders && profileOf.set(c.id, `p${i}`));
      return withEmail.map((c, i) => ({ id: `p${i}`, name: `Profile ${i}`, emails: [c.email!] }));
    },
  });
  return { h, profileOf };
}
