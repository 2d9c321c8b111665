/**
 * Supergraph composition for the local supergraph, the end-to-end tests and the schema check: one place that
 * turns subgraph SDLs into a supergraph SDL and composition errors into readable lines.
 */
import { composeServices } from '@apollo/composition';
import { readFileSync } from 'node:fs';
import { buildASTSchema, parse, type GraphQLSchema } from 'graphql';
import { PROFILES_SDL } from './profiles-subgraph.js';

/** This subgraph's contract. Read by path (not through src/server.ts) so the schema check loads no server code. */
export const SHOPIFY_SCHEMA_PATH = new URL('../schema.graphql', import.meta.url);

/** Subgraph names as the supergraph (and supergraph.yaml) know them. */
export const SUBGRAPH_NAMES = { profiles: 'profiles', shopify: 'shopify' } as const;

/** One subgraph to compose: its name, where the router sends its requests, and its SDL. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** The outcome of composing: the supergraph SDL, or every composition error as `CODE: message`. */
export type Composition =
  | { ok: true; supergraphSdl: string; hints: string[]; /** the schema clients of the router see */ apiSchema(): GraphQLSchema }
  | { ok: false; errors: string[] };

/** Composes subgraphs with @apollo/composition; never throws for composition or SDL syntax errors. */
export function compose(subgraphs: readonly SubgraphSource[]): Composition {
  const services = [];
  const syntax: string[] = [];
  for (const s of subgraphs) {
    try {
      services.push({ name: s.name, url: s.url, typeDefs: parse(s.sdl) });
    } catch (error) {
      syntax.push(`[${s.name}] ${(error as Error).message}`);
    }
  }
  if (syntax.length > 0) return { ok: false, errors: syntax };
  const result = composeServices(services);
  if (result.errors) {
    return {
      ok: false,
      errors: result.errors.map((e) => `${(e.extensions?.code as string | undefined) ?? 'COMPOSITION_ERROR'}: ${e.message}`),
    };
  }
  const { schema } = result;
  return {
    ok: true,
    supergraphSdl: result.supergraphSdl,
    hints: result.hints.map((h) => h.toString()),
    // Through the AST: composition loads graphql as CJS, whose schema objects this (ESM) copy of graphql rejects.
    apiSchema: () => buildASTSchema(schema.toAPISchema().toAST()),
  };
}

/** Thrown when subgraphs do not compose; the message lists every error. */
export class CompositionError extends Error {
  constructor(readonly errors: string[]) {
    super(`The supergraph does not compose:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    this.name = 'CompositionError';
  }
}

/** Composes or throws CompositionError. */
export function composeOrThrow(subgraphs: readonly SubgraphSource[]): string {
  const result = compose(subgraphs);
  if (!result.ok) throw new CompositionError(result.errors);
  return result.supergraphSdl;
}

/** This subgraph's SDL as it is in the working tree. */
export function readShopifySdl(): string {
  return readFileSync(SHOPIFY_SCHEMA_PATH, 'utf8');
}

/** The two subgraphs from their files: the demo profiles subgraph and this one (optionally with another SDL). */
export function localSubgraphs(urls: { profiles: string; shopify: string }, shopifySdl = readShopifySdl()): SubgraphSource[] {
  return [
    { name: SUBGRAPH_NAMES.profiles, url: urls.profiles, sdl: PROFILES_SDL },
    { name: SUBGRAPH_NAMES.shopify, url: urls.shopify, sdl: shopifySdl },
  ];
}

/**
 * Asks a running subgraph for its SDL (`_service { sdl }`), as a router does, so the supergraph is composed from
 * what is actually serving. `headers` carries the router secret when the subgraph wants one.
 */
export async function fetchSubgraphSdl(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: 'query SubgraphSdl { _service { sdl } }' }),
  });
  const body = (await res.json().catch(() => null)) as {
    data?: { _service?: { sdl?: string } };
    errors?: Array<{ message: string }>;
  } | null;
  const sdl = body?.data?._service?.sdl;
  if (!res.ok || !sdl) {
    const why = body?.errors?.map((e) => e.message).join('; ') ?? `HTTP ${res.status}`;
    throw new Error(`Could not read the SDL of the subgraph at ${url}: ${why}`);
  }
  return sdl;
}
