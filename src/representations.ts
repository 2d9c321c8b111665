/**
 * `_entities` representations are checked once per request, after the operation is resolved and before anything
 * executes. @apollo/subgraph reports a missing or unknown `__typename` (and our resolvers a malformed `emails` or
 * `id`) as INTERNAL_SERVER_ERROR, one representation at a time and only after the others already cost Shopify
 * requests; here a malformed representation, or more than GRAPHQL_MAX_REPRESENTATIONS of them, refuses the whole
 * request with BAD_USER_INPUT naming the representation and field. The answer is HTTP 400, as Apollo answers
 * variables it cannot coerce: the router sent something the contract does not allow.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, valueFromASTUntyped, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { MAX_PROFILE_ID_LENGTH } from './domain/ids.js';
import { BadInputError } from './errors.js';

/** The only entity this subgraph resolves. */
const ENTITY_TYPENAME = 'CustomerProfile';

/** Throws BadInputError for the first problem in one `_entities` call's representations. */
export function checkRepresentations(representations: readonly unknown[]): void {
  representations.forEach((r, i) => {
    const at = `representations[${i}]`;
    if (r === null || typeof r !== 'object' || Array.isArray(r))
      throw new BadInputError(at, 'must be an object with __typename, id and emails');
    const { __typename, id, emails } = r as Record<string, unknown>;
    if (__typename !== ENTITY_TYPENAME) throw new BadInputError(`${at}.__typename`, `must be "${ENTITY_TYPENAME}"`);
    if (typeof id !== 'string' || id === '' || id.length > MAX_PROFILE_ID_LENGTH) {
      throw new BadInputError(`${at}.id`, `must be a non-empty string of at most ${MAX_PROFILE_ID_LENGTH} characters`);
    }
    // Null or absent is a profile without emails; the schema says [String!], so no null inside.
    if (emails != null && !(Array.isArray(emails) && emails.every((e) => typeof e === 'string'))) {
      throw new BadInputError(`${at}.emails`, 'must be a list of strings');
    }
  });
}

/** The `representations` argument of every `_entities` field at the operation's root, as the request gave them. */
export function entitiesRepresentations(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
): unknown[][] {
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? ([[d.name.value, d]] as const) : [])),
  );
  const found: unknown[][] = [];
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
      else if (s.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(s.name.value);
        if (fragment && !seen.has(s.name.value)) {
          seen.add(s.name.value);
          visit(fragment.selectionSet);
        }
      } else if (s.name.value === '_entities') {
        const arg = s.arguments?.find((a) => a.name.value === 'representations');
        if (arg) found.push(asList(valueOf(arg.value, variables)));
      }
    }
  };
  visit(operation.selectionSet);
  return found;
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  return node.kind === Kind.VARIABLE ? variables[node.name.value] : valueFromASTUntyped(node, variables);
}

/** GraphQL coerces a single value given for a list argument into a list of one. */
function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value == null ? [] : [value];
}

/** The Apollo plugin that checks representations before execution (limits.maxRepresentations per request). */
export function representationsPlugin<T extends BaseContext>(limits: { maxRepresentations: number }): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, response }) {
          if (operation?.operation !== 'query') return;
          const lists = entitiesRepresentations(document, operation, request.variables ?? {});
          if (lists.length === 0) return;
          try {
            const total = lists.reduce((n, l) => n + l.length, 0);
            if (total > limits.maxRepresentations) {
              throw new BadInputError(
                'representations',
                `at most ${limits.maxRepresentations} representations are accepted in one request, got ${total}`,
              );
            }
            for (const list of lists) checkRepresentations(list);
          } catch (error) {
            response.http.status = 400;
            throw error;
          }
        },
      };
    },
  };
}
