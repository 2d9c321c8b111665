/**
 * The resolver table and the two hooks graphql-js needs to execute the pinned schema (built from SDL, so it has no
 * resolvers of its own): a field resolver that dispatches to the table, and a type resolver for abstract types.
 */
import {
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLTypeResolver,
} from 'graphql';
import { emptyConnection } from '../paging.js';
import { fulfillmentResolvers, lineItemResolvers, locationResolvers, refundResolvers, transactionResolvers } from './children.js';
import type { ResolverMap, SimContext } from './common.js';
import { customerResolvers } from './customer.js';
import { discountNodeResolvers } from './discount.js';
import { draftLineItemResolvers, draftOrderResolvers } from './draft-order.js';
import { mutationResolvers } from './mutation.js';
import { orderResolvers } from './order.js';
import { queryResolvers } from './query.js';

export type { SimContext } from './common.js';

const TABLE: Record<string, ResolverMap> = {
  QueryRoot: queryResolvers,
  Mutation: mutationResolvers,
  Customer: customerResolvers,
  Order: orderResolvers,
  LineItem: lineItemResolvers,
  Refund: refundResolvers,
  OrderTransaction: transactionResolvers,
  Fulfillment: fulfillmentResolvers,
  Location: locationResolvers,
  DiscountCodeNode: discountNodeResolvers,
  DraftOrder: draftOrderResolvers,
  DraftOrderLineItem: draftLineItemResolvers,
};

/**
 * Types with a table answer only what the table names: their source is a stored record whose own property names
 * must never leak into the API. Other objects are plain views built for the response and are read by property.
 */
export const fieldResolver: GraphQLFieldResolver<unknown, SimContext> = (source, args, ctx, info) => {
  const map = TABLE[info.parentType.name];
  if (map) {
    const resolve = map[info.fieldName];
    if (resolve) return resolve(source, args, ctx, info);
    return nothing(info.returnType);
  }
  if (source && typeof source === 'object' && info.fieldName in source) {
    const v = (source as Record<string, unknown>)[info.fieldName];
    return typeof v === 'function' ? (v as (a: unknown, c: unknown, i: unknown) => unknown)(args, ctx, info) : v;
  }
  return nothing(info.returnType);
};

/** No data: an empty list or connection where the schema promises one, otherwise null. */
function nothing(type: Parameters<GraphQLFieldResolver<unknown, SimContext>>[3]['returnType']): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return isNonNullType(type) ? [] : null;
  const named = getNamedType(type);
  if (isObjectType(named) && named.name.endsWith('Connection')) return emptyConnection();
  return null;
}

/** Records and views carry their GraphQL type name. */
export const typeResolver: GraphQLTypeResolver<unknown, SimContext> = (value) =>
  value && typeof value === 'object' ? ((value as { __typename?: string }).__typename ?? undefined) : undefined;
