/**
 * The store changing under section 7b's desk (bench/desk.ts): every few seconds one change to a customer of the
 * desk's pool, made in the simulator the way it happens in a shop — a new order (control API POST /orders, which
 * emits orders/create and customers/update), an order cancelled by staff (the Admin API's orderCancel, which goes
 * through the store's bucket like any app's mutation and emits orders/cancelled and orders/updated), or a customer
 * created for a pool email that had none (control API POST /customers, which emits customers/create). Each change
 * comes with the test that tells whether a card shows it.
 */
import { control, sleep } from './budget-use-setup.js';

export type ChangeKind = 'new-order' | 'cancel-order' | 'new-customer';
export const CHANGE_KINDS: readonly ChangeKind[] = ['new-order', 'cancel-order', 'new-customer'];

/** A desk profile: the pool's customers, and pool emails no customer had when the run started. */
export interface DeskProfile {
  id: string;
  name: string;
  emails: string[];
  /** the customer's GID; null for an email without a customer (yet) */
  customerId: string | null;
}

/** A change made, and how to see it on the card (`data.profile` of bench/load.ts's CARD_QUERY). */
export interface MadeChange {
  kind: ChangeKind;
  profile: DeskProfile;
  /** performance.now() when the simulator confirmed it */
  at: number;
  shows(card: any): boolean;
}

interface OrderInfo {
  id: string;
  createdAt: string;
  cancellable: boolean;
}

const CANCEL = /* GraphQL */ `
  mutation BenchCancel($id: ID!) {
    orderCancel(orderId: $id, reason: CUSTOMER, restock: true, refund: false, notifyCustomer: false) {
      job {
        id
      }
      orderCancelUserErrors {
        code
        message
      }
    }
  }
`;

/** Makes the desk's changes, in a fixed rotation of kinds, to customers drawn with `random`. */
export class ChangeMaker {
  private readonly orders = new Map<string, OrderInfo[]>();
  private turn = 0;
  /** cancels the store refused (userErrors) and mutations that stayed THROTTLED: not counted as changes */
  failures = 0;

  constructor(
    private readonly sim: { url: string; token: string; graphqlUrl: string },
    private readonly pool: readonly DeskProfile[],
    private readonly random: () => number,
    orders: ReadonlyArray<{ id: string; customerId: string | null; createdAt: string; cancelled: boolean; fulfillments: number }>,
  ) {
    for (const o of orders) {
      if (!o.customerId) continue;
      const list = this.orders.get(o.customerId) ?? [];
      list.push({ id: o.id, createdAt: o.createdAt, cancellable: !o.cancelled && o.fulfillments === 0 });
      this.orders.set(o.customerId, list);
    }
  }

  /**
   * The next change in the rotation (a kind with nothing left to change is skipped); null when none can be made.
   * `before` runs once the customer is chosen and before the store changes: the desk opens the card there, so the
   * subgraph's cache holds what the change makes stale.
   */
  async next(before: (profile: DeskProfile) => Promise<void>): Promise<MadeChange | null> {
    this.before = before;
    for (let tries = 0; tries < CHANGE_KINDS.length; tries++) {
      const kind = CHANGE_KINDS[this.turn++ % CHANGE_KINDS.length]!;
      const made =
        kind === 'new-order' ? await this.newOrder() : kind === 'cancel-order' ? await this.cancelOrder() : await this.newCustomer();
      if (made) return made;
    }
    return null;
  }

  private before: (profile: DeskProfile) => Promise<void> = async () => undefined;

  private pick<T>(list: readonly T[]): T | undefined {
    return list.length ? list[Math.floor(this.random() * list.length)] : undefined;
  }

  private async newOrder(): Promise<MadeChange | null> {
    const profile = this.pick(this.pool.filter((p) => p.customerId));
    if (!profile) return null;
    await this.before(profile);
    const order = (await control(this.sim.url, 'orders', {
      customerId: profile.customerId,
      lineItems: [{ title: 'Desk bench item', quantity: 1, price: 19.5 }],
    })) as { id: string; createdAt: string };
    const at = performance.now();
    this.orders.set(profile.customerId!, [
      ...(this.orders.get(profile.customerId!) ?? []),
      { id: order.id, createdAt: order.createdAt, cancellable: false },
    ]);
    return { kind: 'new-order', profile, at, shows: (card) => Boolean(card?.orders?.some((o: any) => o.id === order.id)) };
  }

  /** Cancels one of the five newest orders (those the card lists) of a pool customer, when one can be cancelled. */
  private async cancelOrder(): Promise<MadeChange | null> {
    const candidates = this.pool.flatMap((p) => {
      const newest = [...(this.orders.get(p.customerId ?? '') ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 5);
      return newest.filter((o) => o.cancellable).map((o) => ({ p, o }));
    });
    const chosen = this.pick(candidates);
    if (!chosen) return null;
    chosen.o.cancellable = false;
    await this.before(chosen.p);
    for (let attempt = 0; attempt < 30; attempt++) {
      const res = await fetch(this.sim.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-shopify-access-token': this.sim.token },
        body: JSON.stringify({ query: CANCEL, variables: { id: chosen.o.id } }),
      });
      const body = (await res.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
      if (body.errors?.some((e) => e.extensions?.code === 'THROTTLED')) {
        // The store's bucket is the desk's too: a staff member's cancel waits like any app's request.
        await sleep(1000);
        continue;
      }
      if (!body.data?.orderCancel?.job || body.data.orderCancel.orderCancelUserErrors.length > 0) break;
      const at = performance.now();
      const id = chosen.o.id;
      return {
        kind: 'cancel-order',
        profile: chosen.p,
        at,
        shows: (card) => Boolean(card?.orders?.some((o: any) => o.id === id && o.status === 'Cancelled')),
      };
    }
    this.failures++;
    return null;
  }

  private async newCustomer(): Promise<MadeChange | null> {
    const profile = this.pool.find((p) => !p.customerId);
    if (!profile) return null;
    await this.before(profile);
    const created = (await control(this.sim.url, 'customers', { email: profile.emails[0], firstName: 'Desk', lastName: 'Newcomer' })) as {
      id: string;
    };
    const at = performance.now();
    profile.customerId = created.id;
    return { kind: 'new-customer', profile, at, shows: (card) => card?.shopifyCustomer?.id === created.id };
  }
}
