/**
 * Shopify's error shapes. Shopify runs graphql-ruby, so its validation messages and codes differ from graphql-js's;
 * the common ones are translated here (undefinedField, argumentNotAccepted, missingRequiredArguments, ...) with the
 * ruby-style path (["query Name", "customer", "foo"]). Anything unrecognised keeps graphql-js's message.
 */
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { MAX_QUERY_COST } from './cost.js';

export interface ShopifyError {
  message: string;
  locations?: Array<{ line: number; column: number }>;
  path?: Array<string | number>;
  extensions?: Record<string, unknown>;
}

export const UNAUTHORIZED_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
export const THROTTLED_DOCS = 'https://shopify.dev/api/usage/limits#rate-limits';

/** The THROTTLED error (HTTP 200, no data). */
export function throttledError(): ShopifyError {
  return { message: 'Throttled', extensions: { code: 'THROTTLED', documentation: THROTTLED_DOCS } };
}

/** The MAX_COST_EXCEEDED error, with Shopify's message text. */
export function maxCostError(cost: number, maxCost = MAX_QUERY_COST): ShopifyError {
  return {
    message:
      `Query cost is ${cost}, which exceeds the single query max cost limit (${maxCost}).\n\n` +
      'See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n' +
      'cost of a query is calculated.\n\n' +
      'To query larger amounts of data with fewer limits, bulk operations should be used instead.\n' +
      'See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n',
    extensions: { code: 'MAX_COST_EXCEEDED', cost, maxCost },
  };
}

/** A syntax error, located. */
export function parseError(err: GraphQLError): ShopifyError {
  return {
    message: err.message,
    locations: err.locations?.map((l) => ({ line: l.line, column: l.column })),
    extensions: { code: 'parseError' },
  };
}

/** Translates one graphql-js validation error into Shopify's wording and codes. */
export function validationError(err: GraphQLError, document: DocumentNode): ShopifyError {
  const base = {
    locations: err.locations?.map((l) => ({ line: l.line, column: l.column })),
    path: err.nodes?.[0] ? rubyPath(document, err.nodes[0]) : undefined,
  };
  const msg = err.message;
  let m: RegExpExecArray | null;
  if ((m = /^Cannot query field "(.+?)" on type "(.+?)"\./.exec(msg))) {
    return {
      message: `Field '${m[1]}' doesn't exist on type '${m[2]}'`,
      ...base,
      extensions: { code: 'undefinedField', typeName: m[2], fieldName: m[1] },
    };
  }
  if ((m = /^Unknown argument "(.+?)" on field "(.+?)\.(.+?)"\./.exec(msg))) {
    return {
      message: `Field '${m[3]}' doesn't accept argument '${m[1]}'`,
      ...base,
      extensions: { code: 'argumentNotAccepted', name: m[3], typeName: 'Field', argumentName: m[1] },
    };
  }
  if ((m = /^Unknown argument "(.+?)" on directive "@(.+?)"\./.exec(msg))) {
    return {
      message: `Directive '${m[2]}' doesn't accept argument '${m[1]}'`,
      ...base,
      extensions: { code: 'argumentNotAccepted', name: m[2], typeName: 'Directive', argumentName: m[1] },
    };
  }
  if ((m = /^Field "(.+?)" argument "(.+?)" of type "(.+?)" is required, but it was not provided\./.exec(msg))) {
    return {
      message: `Field '${m[1]}' is missing required arguments: ${m[2]}`,
      ...base,
      extensions: { code: 'missingRequiredArguments', className: 'Field', name: m[1], arguments: m[2] },
    };
  }
  if ((m = /^Field "(.+?)" of type "(.+?)" must have a selection of subfields\./.exec(msg))) {
    const type = m[2]!.replace(/[[\]!]/g, '');
    return {
      message: `Field must have selections (field '${m[1]}' returns ${type} but has no selections. Did you mean '${m[1]} { ... }'?)`,
      ...base,
      extensions: { code: 'selectionMismatch', nodeName: `field '${m[1]}'`, typeName: type },
    };
  }
  if ((m = /^Field "(.+?)" must not have a selection since type "(.+?)" has no subfields\./.exec(msg))) {
    return {
      message: `Selections can't be made on scalars (field '${m[1]}' returns ${m[2]} but has selections)`,
      ...base,
      extensions: { code: 'selectionMismatch', nodeName: `field '${m[1]}'`, typeName: m[2] },
    };
  }
  if ((m = /^Unknown type "(.+?)"\./.exec(msg))) {
    return {
      message: `No such type ${m[1]}, so it can't be a fragment condition`,
      ...base,
      extensions: { code: 'undefinedType', typeName: m[1] },
    };
  }
  if ((m = /^Unknown directive "@(.+?)"/.exec(msg))) {
    return { message: `Directive @${m[1]} is not defined`, ...base, extensions: { code: 'undefinedDirective', directiveName: m[1] } };
  }
  if ((m = /^Variable "\$(.+?)" is never used/.exec(msg))) {
    return {
      message: `Variable $${m[1]} is declared by ${operationLabel(document)} but not used`,
      ...base,
      extensions: { code: 'variableNotUsed', variableName: m[1] },
    };
  }
  if ((m = /^Variable "\$(.+?)" is not defined/.exec(msg))) {
    return {
      message: `Variable $${m[1]} is used by ${operationLabel(document)} but not declared`,
      ...base,
      extensions: { code: 'variableNotDefined', variableName: m[1] },
    };
  }
  if ((m = /^(?:Expected value of type "(.+?)", found (.+?)[;.]|(\w+) cannot represent .*?: (.+)$)/.exec(msg))) {
    const arg = base.path?.[base.path.length - 1];
    const field = base.path?.[base.path.length - 2];
    const type = m[1] ?? m[3];
    const value = m[2] ?? m[4];
    return {
      message: `Argument '${arg}' on Field '${field}' has an invalid value (${value}). Expected type '${type}'.`,
      ...base,
      extensions: { code: 'argumentLiteralsIncompatible', typeName: 'Field', argumentName: arg },
    };
  }
  return { message: msg, ...base, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } };
}

function operationLabel(document: DocumentNode): string {
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return 'anonymous query';
  return op.name ? `${op.operation} ${op.name.value}` : `anonymous ${op.operation}`;
}

/** graphql-ruby's error path: the operation or fragment, the fields (by alias), then the argument if any. */
function rubyPath(document: DocumentNode, target: ASTNode): Array<string | number> | undefined {
  const stack: string[] = [];
  let found: string[] | undefined;
  visit(document, {
    enter(node) {
      if (found) return false;
      if (node.kind === Kind.OPERATION_DEFINITION) stack.push(node.name ? `${node.operation} ${node.name.value}` : node.operation);
      else if (node.kind === Kind.FRAGMENT_DEFINITION) stack.push(`fragment ${node.name.value}`);
      else if (node.kind === Kind.FIELD) stack.push(node.alias?.value ?? node.name.value);
      else if (node.kind === Kind.ARGUMENT) stack.push(node.name.value);
      else if (node.kind === Kind.VARIABLE_DEFINITION) stack.push(node.variable.name.value);
      else stack.push('');
      if (node === target) found = stack.filter(Boolean);
      return undefined;
    },
    leave() {
      stack.pop();
    },
  });
  return found;
}
