/**
 * The one way this subgraph sends a document to Shopify: `request(client, DOCUMENT, variables)`. The document carries
 * its codegen result and variable types, its operation name is read from its own source, and its cost is the store's
 * learned estimate (client.estimate, ./cost-learning.ts) — so no call site repeats a name, a type or a cost.
 */
import { Kind, parse, type DefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { ShopifyClient, ShopifyResponse } from './client.js';

declare const types: unique symbol;

/**
 * One of our Shopify documents, typed by codegen's `*Query`/`*Mutation` and `*Variables` types. Still its GraphQL
 * source at runtime, so codegen, the documents test and the cost estimate read it as the text it is.
 */
export type TypedDocument<Result, Variables> = string & { readonly [types]: { result: Result; variables: Variables } };

/** Operation name of every document declared through typedDocument, by source. */
const operationNames = new Map<string, string>();

/**
 * Declares a Shopify document with its generated types. Wrap a `/* GraphQL *\/` template literal so codegen still
 * plucks it; throws at import when the document has no named query or mutation (logs and metrics need the name).
 */
export function typedDocument<Result, Variables>(source: string): TypedDocument<Result, Variables> {
  // Parsed once, at import: a regex over the source could be fooled by a fragment or an argument named `query`.
  const operations = parse(source).definitions.filter(
    (d: DefinitionNode): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const name = operations.length === 1 ? operations[0]!.name?.value : undefined;
  if (!name) throw new Error(`a Shopify document must hold exactly one named query or mutation; got: ${source.slice(0, 80)}`);
  operationNames.set(source, name);
  return source as TypedDocument<Result, Variables>;
}

/** The operation name of a document declared through typedDocument. */
export function operationNameOf(document: TypedDocument<unknown, unknown>): string {
  const name = operationNames.get(document);
  if (name === undefined) throw new Error('not a document declared through typedDocument');
  return name;
}

/** Every document declared through typedDocument so far (the documents test checks none escapes validation). */
export function declaredDocuments(): ReadonlyMap<string, string> {
  return operationNames;
}

/** Options a call site may still need: mutations say whether a resend is safe (see RequestOptions.mutation). */
export interface TypedRequestOptions {
  mutation?: { replaySafe: boolean };
}

/** Sends `document` with `variables` through `client`, named by the document and priced by what the store charges. */
export function request<Result, Variables extends Record<string, unknown>>(
  client: ShopifyClient,
  document: TypedDocument<Result, Variables>,
  variables: NoInfer<Variables>,
  options: TypedRequestOptions = {},
): Promise<ShopifyResponse<Result>> {
  return client.request<Result, Variables>(document, variables, {
    operationName: operationNameOf(document),
    estimatedCost: client.estimate(document, variables),
    ...options,
  });
}
