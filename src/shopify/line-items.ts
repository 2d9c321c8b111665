/**
 * The rest of the line items of orders read with only their first page: the profile's batched reads and the order
 * in an action's payload both read a small first page (a line item requests ~5 points per order in the document, so a
 * large first page is paid for every order whether it has the lines or not) and complete here the few orders that
 * have more.
 */
import type { OrderModel } from '../domain/model.js';
import type { ShopifyClient } from './client.js';
import { toLineItem } from './mappers.js';
import { ORDER_LINE_ITEMS } from './operations.js';
import { packByCost } from './pack.js';
import { request } from './typed-request.js';

/**
 * Line items fetched with each order. Each costs 5 points per order in the batch, so this is a trade: 5 covers
 * most orders (stores average 2–3 lines) while letting two full cards share one 1000-point request.
 */
export const LINE_ITEMS_FIRST = 5;
/**
 * Page sizes of the follow-up for orders with more lines: 20 first (nine orders per request), then what still
 * fits one request alone (a line item costs 5 points, so 190 lines plus the order stay under 1000).
 */
export const LINE_ITEMS_FOLLOW_UPS = [20, 190] as const;

/**
 * Fetches every line item of `orders` (each read with a first page that said there were more), in rounds of growing
 * page size, and sets each order's `products`. Returns the orders whose lines could not be completed, with the
 * error: a silently truncated product list would be wrong data, so callers fail what holds them.
 */
export async function completeLineItems(
  client: ShopifyClient,
  orders: Iterable<OrderModel>,
  withProductIds: boolean,
): Promise<Map<OrderModel, Error>> {
  const failed = new Map<OrderModel, Error>();
  let pending = [...orders];
  for (const first of LINE_ITEMS_FOLLOW_UPS) {
    if (pending.length === 0) break;
    const byId = new Map<string, OrderModel[]>();
    for (const o of pending) byId.set(o.id, [...(byId.get(o.id) ?? []), o]);
    const stillMore: OrderModel[] = [];
    const { groups } = packByCost([...byId.keys()], (g) => client.estimate(ORDER_LINE_ITEMS, { ids: g, first, withProductIds }));
    await Promise.all(
      groups.map(async ({ items }) => {
        try {
          const { data } = await request(client, ORDER_LINE_ITEMS, { ids: items, first, withProductIds });
          for (const node of data.nodes) {
            if (!node || !('lineItems' in node)) continue;
            const products = node.lineItems.nodes.map((li) => toLineItem(li, node.id));
            for (const order of byId.get(node.id) ?? []) {
              order.products = products;
              if (node.lineItems.pageInfo.hasNextPage) stillMore.push(order);
            }
          }
        } catch (error) {
          for (const id of items) for (const order of byId.get(id) ?? []) failed.set(order, error as Error);
        }
      }),
    );
    pending = stillMore;
  }
  return failed;
}
