/**
 * Cursor pagination for every connection and sized list the simulator serves. Shopify requires first or last on a
 * connection and caps pages at 250, so code that forgets either fails here as it would on a real store.
 */
import { GraphQLError } from 'graphql';

export const MAX_PAGE_SIZE = 250;

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Opaque cursor for a position key (the record's id). */
export function cursorFor(key: number | string): string {
  return Buffer.from(JSON.stringify({ last_id: key }), 'utf8').toString('base64url');
}

function keyOf(cursor: string): number | string | undefined {
  try {
    return (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { last_id?: number | string }).last_id;
  } catch {
    return undefined;
  }
}

/** Checks first/last the way Shopify does before any data is read. */
export function checkPageSize(args: PageArgs, required: boolean): void {
  if (required && args.first == null && args.last == null) throw new GraphQLError('you must provide one of first or last');
  for (const name of ['first', 'last'] as const) {
    const v = args[name];
    if (v == null) continue;
    if (v < 0) throw new GraphQLError(`The argument ${name} must be a non-negative number`);
    if (v > MAX_PAGE_SIZE) throw new GraphQLError(`The maximum page size is ${MAX_PAGE_SIZE}: ${name} is ${v}`);
  }
}

/** One page of `items` (already filtered and sorted), as a connection. */
export function paginate<T>(items: readonly T[], args: PageArgs, keyOfItem: (item: T) => number | string): Connection<T> {
  checkPageSize(args, true);
  let list = args.reverse ? [...items].reverse() : items.slice();
  let start = 0;
  let end = list.length;
  if (args.after) {
    const k = keyOf(args.after);
    const i = list.findIndex((x) => keyOfItem(x) === k);
    if (i >= 0) start = i + 1;
  }
  if (args.before) {
    const k = keyOf(args.before);
    const i = list.findIndex((x) => keyOfItem(x) === k);
    if (i >= 0) end = i;
  }
  list = list.slice(start, end);
  let hasNextPage = args.before != null && end < items.length;
  let hasPreviousPage = start > 0;
  if (args.first != null && list.length > args.first) {
    list = list.slice(0, args.first);
    hasNextPage = true;
  }
  if (args.last != null && list.length > args.last) {
    list = list.slice(list.length - args.last);
    hasPreviousPage = true;
  }
  const edges = list.map((node) => ({ cursor: cursorFor(keyOfItem(node)), node }));
  return {
    edges,
    nodes: list,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** A sized plain list (`fulfillments(first:)`): Shopify caps it but needs no cursor. */
export function firstOf<T>(items: readonly T[], first: number | null | undefined): T[] {
  checkPageSize({ first }, false);
  return first == null ? items.slice() : items.slice(0, first);
}

/** What an unsupported connection resolves to: nothing, but a valid shape. */
export function emptyConnection(): Connection<never> {
  return { edges: [], nodes: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
}
