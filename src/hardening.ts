/**
 * Validation rules that refuse abusive documents before any resolver (or Shopify point) is spent on them.
 *
 * Limits (GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_ALIASES): the deepest query a router sends for the full profile card,
 * `_entities { ... on CustomerProfile { orders { products { unitPrice { amount } } } } }`, is depth 5, and the
 * query planner adds aliases only when one field is asked with different arguments; depth 12 and 30 aliases leave
 * that plenty of room while a depth or alias bomb is cut off at the first level that exceeds it. Every alias counts,
 * of `__typename` and introspection fields too; introspection (`__schema`, `__type`) adds no depth (it is deep by
 * design, and off in production). A field selected again under the same response name in one selection set counts
 * against the alias limit as a repeat: graphql-js compares such fields pairwise.
 *
 * GRAPHQL_MAX_TOKENS (server.ts passes it to graphql-js `parse`) bounds everything else: the router's full-card
 * `_entities` query is about 110 lexical tokens (representations travel as variables and are not tokens), the
 * example operations in docs/operations at most 118; 2000 is 18 times that, and refusing a 2000-token document costs
 * a few milliseconds (test/resilience/hardening.test.ts prints the figures). Beyond about 8000 tokens graphql-js's
 * recursive parser can overflow the stack on deeply nested lists, hence the 5000 ceiling in config.ts.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { createRequire } from 'node:module';
import { LIMIT_DEFAULTS } from './config.js';

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
}

/**
 * graphql-js 16's "stop validating, keep what was reported" signal (internal: no public export), from the CommonJS
 * build that Apollo Server's `validate` runs (an ESM import could load the other build, whose signal validate() would
 * not recognise). Checked once at load: if a graphql upgrade moves or changes it, null, and the rule only reports.
 */
const VALIDATION_ABORTED: unknown = (() => {
  try {
    const cjs = createRequire(import.meta.url);
    const aborted: unknown = cjs('graphql/validation/validationAbortedError.js').validationAbortedError;
    const graphql = cjs('graphql') as typeof import('graphql');
    const schema = graphql.buildSchema('type Query { a: Int }');
    const stop: ValidationRule = () => ({
      Document() {
        throw aborted;
      },
    });
    const errors = graphql.validate(schema, graphql.parse('{ a }'), [stop]);
    return errors.length === 1 && errors[0] === aborted ? aborted : null;
  } catch {
    return null;
  }
})();

/** The default limits (see the module comment for why these numbers); the same defaults config.ts applies. */
export const DEFAULT_LIMITS: QueryLimits = { maxDepth: LIMIT_DEFAULTS.maxDepth, maxAliases: LIMIT_DEFAULTS.maxAliases };

interface Measure {
  depth: number;
  aliases: number;
  /** fields selected again under a response name already selected in the same selection set */
  repeats: number;
}

type Fragments = Map<string, FragmentDefinitionNode>;

/**
 * Depth, aliases and repeated fields of a selection set, fragments expanded (a cycle counts once; NoFragmentCycles
 * reports it). `names` are the response names already selected at this level: fragments share their parent's.
 */
function measure(
  set: SelectionSetNode | undefined,
  fragments: Fragments,
  seen: Set<string>,
  stop: QueryLimits,
  names = new Set<string>(),
): Measure {
  let depth = 0;
  let aliases = 0;
  let repeats = 0;
  for (const sel of set?.selections ?? []) {
    let inner: Measure;
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      const repeated = names.has(key) ? 1 : 0;
      names.add(key);
      inner = measure(sel.selectionSet, fragments, seen, stop);
      // Introspection is deep by design, so it adds no depth; but an alias costs the same work wherever it is.
      const fieldDepth = sel.name.value.startsWith('__') ? 0 : inner.depth + 1;
      inner = { depth: fieldDepth, aliases: inner.aliases + (sel.alias ? 1 : 0), repeats: inner.repeats + repeated };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      inner = measure(sel.selectionSet, fragments, seen, stop, names);
    } else {
      const name = sel.name.value;
      if (seen.has(name)) continue;
      seen.add(name);
      inner = measure(fragments.get(name)?.selectionSet, fragments, seen, stop, names);
      seen.delete(name);
    }
    depth = Math.max(depth, inner.depth);
    aliases += inner.aliases;
    repeats += inner.repeats;
    // Past a limit the answer is known: stop expanding (an alias bomb through fragments is exponential).
    if (depth > stop.maxDepth || aliases > stop.maxAliases || repeats > stop.maxAliases) break;
  }
  return { depth, aliases, repeats };
}

/** What is wrong with a document under `limits`, for every operation in it (empty when nothing is). */
export function limitErrors(document: DocumentNode, limits: QueryLimits = DEFAULT_LIMITS): GraphQLError[] {
  const fragments: Fragments = new Map();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const errors: GraphQLError[] = [];
  const error = (message: string, node: OperationDefinitionNode) =>
    errors.push(new GraphQLError(message, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
  for (const node of document.definitions) {
    if (node.kind !== Kind.OPERATION_DEFINITION) continue;
    const { depth, aliases, repeats } = measure(node.selectionSet, fragments, new Set(), limits);
    if (depth > limits.maxDepth) error(`The query is nested more than ${limits.maxDepth} levels deep`, node);
    if (aliases > limits.maxAliases) error(`The query uses more than ${limits.maxAliases} aliases`, node);
    if (repeats > limits.maxAliases) error(`The query repeats fields more than ${limits.maxAliases} times`, node);
  }
  return errors;
}

/**
 * The rule enforcing `limits` on every operation of a document. graphql-js runs every rule in one walk, so reporting
 * alone would still let its other rules walk an abusive document (OverlappingFieldsCanBeMerged is quadratic in
 * repeated fields, up to its own budget of about 50 ms); after reporting, this rule stops the walk with graphql-js's
 * own abort when `stopValidation` (the error it throws when OverlappingFieldsCanBeMerged runs out of budget, which adds
 * "Validation aborted." to the errors). Apollo puts custom rules after the specified ones, but the Document node is
 * entered before any selection set, so nothing else has walked the document yet.
 */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_LIMITS, opts: { stopValidation?: boolean } = {}): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document(node) {
      const errors = limitErrors(node, limits);
      for (const error of errors) context.reportError(error);
      if (errors.length > 0 && opts.stopValidation && VALIDATION_ABORTED) throw VALIDATION_ABORTED;
    },
  });
}
