/**
 * Validation rules that refuse abusive documents before any resolver (or Shopify point) is spent on them.
 *
 * Limits (GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_ALIASES): the deepest query a router sends for the full profile card,
 * `_entities { ... on CustomerProfile { orders { products { unitPrice { amount } } } } }`, is depth 5, and the
 * query planner adds aliases only when one field is asked with different arguments; depth 12 and 30 aliases leave
 * that plenty of room while a depth or alias bomb is cut off at the first level that exceeds it. Introspection
 * (`__schema`, `__type`) is not counted: it is deep by design and switched off in production anyway.
 */
import {
  GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext, type ValidationRule,
} from 'graphql';
import { LIMIT_DEFAULTS } from './config.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
}

/** The default limits (see the module comment for why these numbers); the same defaults config.ts applies. */
export const DEFAULT_LIMITS: QueryLimits = { maxDepth: LIMIT_DEFAULTS.maxDepth, maxAliases: LIMIT_DEFAULTS.maxAliases };

interface Measure {
  depth: number;
  aliases: number;
}

/** Depth and alias count of a selection set, fragments expanded (a cycle counts once; NoFragmentCycles reports it). */
function measure(set: SelectionSetNode | undefined, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>, stop: QueryLimits): Measure {
  let depth = 0;
  let aliases = 0;
  for (const sel of set?.selections ?? []) {
    let inner: Measure;
    if (sel.kind === Kind.FIELD) {
      inner = measure(sel.selectionSet, fragments, seen, stop);
      // Introspection is deep by design, so it adds no depth; but an alias costs the same work wherever it is.
      const depth = sel.name.value.startsWith('__') ? 0 : inner.depth + 1;
      inner = { depth, aliases: inner.aliases + (sel.alias ? 1 : 0) };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(sel.selectionSet, fragments, seen, stop);
    } else {
      const name = sel.name.value;
      if (seen.has(name)) continue;
      seen.add(name);
      inner = measure(fragments.get(name)?.selectionSet, fragments, seen, stop);
      seen.delete(name);
    }
    depth = Math.max(depth, inner.depth);
    aliases += inner.aliases;
    // Past a limit the answer is known: stop expanding (an alias bomb through fragments is exponential).
    if (depth > stop.maxDepth || aliases > stop.maxAliases) break;
  }
  return { depth, aliases };
}

/** The rule enforcing `limits` on every operation of a document. */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    return {
      OperationDefinition(node) {
        const { depth, aliases } = measure(node.selectionSet, fragments, new Set(), limits);
        if (depth > limits.maxDepth) {
          context.reportError(new GraphQLError(`The query is nested more than ${limits.maxDepth} levels deep`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        }
        if (aliases > limits.maxAliases) {
          context.reportError(new GraphQLError(`The query uses more than ${limits.maxAliases} aliases`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        }
      },
    };
  };
}
