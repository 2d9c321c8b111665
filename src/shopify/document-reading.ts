/**
 * How the cost rules read a document: fields by response key for one concrete type (fragments, inline fragments and
 * @skip/@include honoured, like graphql-js), the types an abstract selection can tell apart, size arguments, and the
 * nodes of a connection. Nothing here prices anything; the rules themselves are in cost.ts.
 */
import {
  getNamedType,
  getOperationAST,
  isAbstractType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLAbstractType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** What reading a selection needs: the schema, the document's fragments and the operation's variables. */
export interface DocumentScope {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

export type Obj = Record<string, unknown> | null | undefined;

/** The operation to price and its scope (variables given, else their defaults); undefined when there is none. */
export function operationScope(
  schema: GraphQLSchema,
  document: DocumentNode,
  options: { variables?: Record<string, unknown> | null; operationName?: string | null },
): { operation: OperationDefinitionNode; scope: DocumentScope } | undefined {
  const operation = getOperationAST(document, options.operationName ?? undefined);
  if (!operation) return undefined;
  const variables: Record<string, unknown> = {};
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const given = options.variables?.[name];
    variables[name] = given !== undefined ? given : def.defaultValue ? valueFromASTUntyped(def.defaultValue) : undefined;
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  return { operation, scope: { schema, fragments, variables } };
}

/** The node type of a connection, from its `nodes` list or its edge's `node`. */
export function unwrapNode(field: GraphQLField<unknown, unknown>): GraphQLObjectType | GraphQLAbstractType | undefined {
  let named = getNamedType(field.type);
  if (field.name === 'edges' && isObjectType(named)) named = getNamedType(named.getFields().node!.type);
  return isObjectType(named) || isAbstractType(named) ? named : undefined;
}

/** One merged object per returned node, so `edges { node { a } } nodes { b }` is priced as one node with a and b. */
export function connectionItems(value: Record<string, unknown>, keys: Array<{ key: string; nodeKey?: string }>): Obj[] {
  const items: Array<Record<string, unknown>> = [];
  for (const { key, nodeKey } of keys) {
    const list = value[key];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      const item = nodeKey ? (entry as Obj)?.[nodeKey] : entry;
      if (item == null || typeof item !== 'object') return;
      items[i] = { ...(items[i] ?? {}), ...(item as Record<string, unknown>) };
    });
  }
  return items.filter(Boolean);
}

/** The possible types a selection can distinguish: those named by type conditions, plus one that none names. */
export function candidateTypes(scope: DocumentScope, type: GraphQLAbstractType, sets: readonly SelectionSetNode[]): GraphQLObjectType[] {
  const possible = scope.schema.getPossibleTypes(type);
  const named = new Set<string>();
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (sel.typeCondition) named.add(sel.typeCondition.name.value);
        visit(sel.selectionSet, seen);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = scope.fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value)) continue;
        named.add(frag.typeCondition.name.value);
        visit(frag.selectionSet, new Set([...seen, frag.name.value]));
      }
    }
  };
  for (const set of sets) visit(set, new Set());
  const out = new Set<GraphQLObjectType>();
  for (const name of named) {
    const t = scope.schema.getType(name);
    if (!t) continue;
    if (isObjectType(t)) {
      if (possible.includes(t)) out.add(t);
    } else if (isAbstractType(t)) {
      for (const p of scope.schema.getPossibleTypes(t)) if (possible.includes(p)) out.add(p);
    }
  }
  const other = possible.find((p) => !out.has(p));
  if (other) out.add(other);
  return [...out];
}

/** Fields by response key for one concrete type, honouring fragments and @skip/@include (like graphql-js). */
export function collectFields(scope: DocumentScope, type: GraphQLObjectType, sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const sel of set.selections) {
      if (!included(scope, sel.directives)) continue;
      if (sel.kind === Kind.FIELD) {
        const key = sel.alias?.value ?? sel.name.value;
        const list = out.get(key);
        if (list) list.push(sel);
        else out.set(key, [sel]);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        if (!sel.typeCondition || applies(scope, sel.typeCondition.name.value, type)) visit(sel.selectionSet, seen);
      } else {
        const frag = scope.fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value) || !applies(scope, frag.typeCondition.name.value, type)) continue;
        visit(frag.selectionSet, new Set([...seen, frag.name.value]));
      }
    }
  };
  for (const set of sets) visit(set, new Set());
  return out;
}

function applies(scope: DocumentScope, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const t = scope.schema.getType(condition);
  return !!t && isAbstractType(t) && scope.schema.isSubType(t, type);
}

function included(scope: DocumentScope, directives: FieldNode['directives']): boolean {
  for (const d of directives ?? []) {
    const name = d.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const arg = d.arguments?.find((a) => a.name.value === 'if');
    const on = arg ? valueOf(scope, arg.value) === true : false;
    if (name === 'skip' && on) return false;
    if (name === 'include' && !on) return false;
  }
  return true;
}

/** first / last, or the number of `ids`; undefined when the field has no size argument. */
export function sizeArgument(scope: DocumentScope, node: FieldNode): number | undefined {
  let size: number | undefined;
  for (const arg of node.arguments ?? []) {
    const name = arg.name.value;
    if (name !== 'first' && name !== 'last' && name !== 'ids') continue;
    const v = valueOf(scope, arg.value);
    const n = name === 'ids' ? (Array.isArray(v) ? v.length : v == null ? undefined : 1) : typeof v === 'number' ? v : undefined;
    if (n !== undefined) size = Math.max(size ?? 0, Math.max(0, Math.floor(n)));
  }
  return size;
}

function valueOf(scope: DocumentScope, value: ValueNode): unknown {
  return valueFromASTUntyped(value, scope.variables);
}
