/**
 * The first half of the simulator's cost rules (see cost.ts): a document, its variables and the schema turned into a
 * plan that says, per response key, how it is priced (free, object, list or connection) and under which concrete types.
 * @skip/@include, fragments and aliases are resolved here, so pricing only walks the plan.
 */
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isListType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from 'graphql';

/** Which operation and variables to price. */
export interface PriceOptions {
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Response keys of one selection on one concrete type, each with how it is priced. */
export type Selection = Array<{ key: string; plan: FieldPlan }>;

/** How one response key is priced. */
export type FieldPlan =
  | { kind: 'free' }
  | { kind: 'object'; own: number; target: Target }
  | { kind: 'list'; own: number; size: number | undefined; target: Target }
  | { kind: 'connection'; size: number; nodes: NodeAccess[]; target: Target | undefined };

/** Where a connection's nodes appear in the response: `nodes[i]` or `edges[i][nodeKey]`. */
export interface NodeAccess {
  key: string;
  nodeKey?: string;
}

/** The selection under an object-typed field, resolved lazily per concrete type (interfaces and unions). */
export interface Target {
  /** concrete types whose selections can differ; the dearest of them is the requested price */
  candidates: string[];
  forType(typeName: string): Selection;
}

interface Planner {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/** The plan of the operation to price, or undefined when the document names no such operation. */
export function planOperation(schema: GraphQLSchema, document: DocumentNode, options: PriceOptions): Selection | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = options.operationName
    ? operations.find((o) => o.name?.value === options.operationName)
    : operations.length === 1
      ? operations[0]
      : undefined;
  if (!operation) return undefined;
  const root = schema.getRootType(operation.operation);
  if (!root) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const variables: Record<string, unknown> = {};
  for (const v of operation.variableDefinitions ?? []) {
    const name = v.variable.name.value;
    const given = options.variables?.[name];
    if (given !== undefined) variables[name] = given;
    else if (v.defaultValue) variables[name] = valueFromASTUntyped(v.defaultValue);
  }
  const planner: Planner = { schema, fragments, variables };
  return planSelection(planner, root, operation.selectionSet.selections, operation.operation === 'mutation' ? 10 : 1);
}

/** Groups the selected fields of a concrete type by response key, then plans each key once. */
function planSelection(planner: Planner, type: GraphQLObjectType, selections: readonly SelectionNode[], ownCost = 1): Selection {
  const byKey = new Map<string, FieldNode[]>();
  gatherFields(planner, type, selections, byKey, new Set());
  const out: Selection = [];
  for (const [key, nodes] of byKey) {
    // __typename (and any field the type lacks, which validation already refused) is not priced or reported
    if (!type.getFields()[nodes[0]!.name.value]) continue;
    out.push({ key, plan: planField(planner, type, nodes, ownCost) });
  }
  return out;
}

function gatherFields(
  planner: Planner,
  type: GraphQLObjectType,
  selections: readonly SelectionNode[],
  into: Map<string, FieldNode[]>,
  spread: Set<string>,
): void {
  for (const s of selections) {
    if (!isIncluded(planner, s)) continue;
    if (s.kind === Kind.FIELD) {
      const key = (s.alias ?? s.name).value;
      into.set(key, [...(into.get(key) ?? []), s]);
    } else if (s.kind === Kind.INLINE_FRAGMENT) {
      if (!s.typeCondition || conditionHolds(planner, s.typeCondition.name.value, type))
        gatherFields(planner, type, s.selectionSet.selections, into, spread);
    } else {
      const fragment = planner.fragments.get(s.name.value);
      // a fragment spread twice at one level adds nothing; a cycle would be invalid GraphQL anyway
      if (!fragment || spread.has(s.name.value) || !conditionHolds(planner, fragment.typeCondition.name.value, type)) continue;
      gatherFields(planner, type, fragment.selectionSet.selections, into, new Set(spread).add(s.name.value));
    }
  }
}

function conditionHolds(planner: Planner, condition: string, type: GraphQLObjectType): boolean {
  if (condition === type.name) return true;
  const named = planner.schema.getType(condition);
  return named !== undefined && isAbstractType(named) && planner.schema.isSubType(named, type);
}

function isIncluded(planner: Planner, selection: SelectionNode): boolean {
  for (const directive of selection.directives ?? []) {
    const which = directive.name.value;
    if (which !== 'skip' && which !== 'include') continue;
    const arg = directive.arguments?.find((a) => a.name.value === 'if');
    const condition = arg ? valueFromASTUntyped(arg.value, planner.variables) === true : false;
    if (which === 'skip' ? condition : !condition) return false;
  }
  return true;
}

function planField(planner: Planner, parent: GraphQLObjectType, nodes: FieldNode[], ownCost: number): FieldPlan {
  const first = nodes[0]!;
  const definition = parent.getFields()[first.name.value]!;
  const named = getNamedType(definition.type);
  if (!isObjectType(named) && !isAbstractType(named)) return { kind: 'free' };
  const inner = nodes.flatMap((n) => n.selectionSet?.selections ?? []);
  if (isObjectType(named) && isConnection(named)) return planConnection(planner, named, first, inner);
  const target = makeTarget(planner, named, inner);
  if (isListType(getNullableType(definition.type))) return { kind: 'list', own: ownCost, size: sizeOf(planner, first), target };
  return { kind: 'object', own: ownCost, target };
}

/** A Relay connection is recognised by its shape (pageInfo plus edges or nodes), not by its name. */
function isConnection(type: GraphQLObjectType): boolean {
  const fields = type.getFields();
  return 'pageInfo' in fields && ('edges' in fields || 'nodes' in fields);
}

function planConnection(planner: Planner, type: GraphQLObjectType, field: FieldNode, inner: SelectionNode[]): FieldPlan {
  const byKey = new Map<string, FieldNode[]>();
  gatherFields(planner, type, inner, byKey, new Set());
  const nodes: NodeAccess[] = [];
  const nodeSelections: SelectionNode[] = [];
  let nodeType: GraphQLNamedType | undefined;
  for (const [key, group] of byKey) {
    const name = group[0]!.name.value;
    if (name === 'nodes') {
      nodeType = getNamedType(type.getFields().nodes!.type);
      nodes.push({ key });
      nodeSelections.push(...group.flatMap((g) => g.selectionSet?.selections ?? []));
    } else if (name === 'edges') {
      const edge = getNamedType(type.getFields().edges!.type) as GraphQLObjectType;
      const edgeKeys = new Map<string, FieldNode[]>();
      gatherFields(
        planner,
        edge,
        group.flatMap((g) => g.selectionSet?.selections ?? []),
        edgeKeys,
        new Set(),
      );
      for (const [nodeKey, nodeGroup] of edgeKeys) {
        if (nodeGroup[0]!.name.value !== 'node') continue;
        nodeType = getNamedType(edge.getFields().node!.type);
        nodes.push({ key, nodeKey });
        nodeSelections.push(...nodeGroup.flatMap((g) => g.selectionSet?.selections ?? []));
      }
    }
  }
  const target =
    nodeType && (isObjectType(nodeType) || isAbstractType(nodeType)) && nodes.length
      ? makeTarget(planner, nodeType, nodeSelections)
      : undefined;
  return { kind: 'connection', size: sizeOf(planner, field) ?? 0, nodes, target };
}

/**
 * For an object type, the one selection; for an interface or union, a selection per concrete type, built on demand.
 * Only types some fragment names can select more than the shared fields, so those plus one unnamed type are enough
 * to find the dearest.
 */
function makeTarget(planner: Planner, type: GraphQLNamedType, selections: SelectionNode[]): Target {
  const memo = new Map<string, Selection>();
  const forType = (typeName: string): Selection => {
    let plan = memo.get(typeName);
    if (!plan) {
      const concrete = planner.schema.getType(typeName);
      plan = concrete && isObjectType(concrete) ? planSelection(planner, concrete, selections) : [];
      memo.set(typeName, plan);
    }
    return plan;
  };
  if (isObjectType(type)) return { candidates: [type.name], forType };
  if (!isAbstractType(type)) return { candidates: [], forType };
  const possible = planner.schema.getPossibleTypes(type).map((t) => t.name);
  const mentioned = new Set<string>();
  for (const condition of typeConditions(planner, selections, new Set())) {
    const named = planner.schema.getType(condition);
    if (!named) continue;
    const covers = isAbstractType(named) ? planner.schema.getPossibleTypes(named).map((t) => t.name) : [named.name];
    for (const name of covers) if (possible.includes(name)) mentioned.add(name);
  }
  const unnamed = possible.find((name) => !mentioned.has(name));
  return { candidates: unnamed ? [...mentioned, unnamed] : [...mentioned], forType };
}

function typeConditions(planner: Planner, selections: readonly SelectionNode[], spread: Set<string>): string[] {
  const out: string[] = [];
  for (const s of selections) {
    if (s.kind === Kind.INLINE_FRAGMENT) {
      if (s.typeCondition) out.push(s.typeCondition.name.value);
      out.push(...typeConditions(planner, s.selectionSet.selections, spread));
    } else if (s.kind === Kind.FRAGMENT_SPREAD && !spread.has(s.name.value)) {
      const fragment = planner.fragments.get(s.name.value);
      if (!fragment) continue;
      out.push(
        fragment.typeCondition.name.value,
        ...typeConditions(planner, fragment.selectionSet.selections, new Set(spread).add(s.name.value)),
      );
    }
  }
  return out;
}

/** The size a field asks for: the largest of first, last and the number of ids; undefined when it names none. */
function sizeOf(planner: Planner, field: FieldNode): number | undefined {
  const sizes: number[] = [];
  for (const arg of field.arguments ?? []) {
    const value = valueFromASTUntyped(arg.value, planner.variables);
    if ((arg.name.value === 'first' || arg.name.value === 'last') && typeof value === 'number') sizes.push(Math.max(0, Math.floor(value)));
    if (arg.name.value === 'ids' && value != null) sizes.push(Array.isArray(value) ? value.length : 1);
  }
  return sizes.length ? Math.max(...sizes) : undefined;
}
