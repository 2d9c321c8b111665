/**
 * A codegen plugin: the pinned Admin schema cut down to what our own Shopify documents touch, emitted as SDL for
 * src/shopify/schema.ts to build at run time.
 *
 * Why: the subgraph reads the Admin schema only to estimate request costs, and building all ~3,500 types of it costs
 * ~38 MB of heap and ~250 ms at boot. Our documents touch a few dozen types. The cost rules (src/shopify/cost.ts)
 * read, for a selected field, its type and whether it is a list or a connection, the possible types of abstract
 * types, and argument values (never argument types). So the cut keeps:
 * - every field the documents select, on the type it is selected on; fields selected on an interface are kept on
 *   every implementation (the rules price the implementation);
 * - every type a kept field returns, every type named by a type condition, and all possible types of a kept
 *   interface or union (the rules price the most expensive one), in the full schema's order so the "other
 *   possible type" the rules pick is the same one;
 * - `nodes`, `edges` and `edges.node` of every kept connection, and the arguments of kept fields with the input
 *   types, enums and scalars they name (so the SDL builds).
 * test/shopify/cost-schema.test.ts proves every document costs the same against both schemas.
 */
import type { PluginFunction } from '@graphql-codegen/plugin-helpers';
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  Kind,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type InputValueDefinitionNode,
  type TypeNode,
} from 'graphql';

/** Field names kept per type name. */
type Kept = Map<string, Set<string>>;

/** The SDL of `schema` cut down to what `documents` need for cost estimation. */
export function costSchemaSdl(schema: GraphQLSchema, documents: readonly DocumentNode[]): string {
  const kept: Kept = new Map();
  const keepType = (name: string) => {
    if (!kept.has(name)) kept.set(name, new Set());
    return kept.get(name)!;
  };
  const definitions = documents.flatMap((d) => d.definitions);
  const typeInfo = new TypeInfo(schema);
  visit(
    { kind: Kind.DOCUMENT, definitions } as DocumentNode,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        keepType(parent.name).add(node.name.value);
        keepType(getNamedType(field.type).name);
      },
      InlineFragment(node) {
        if (node.typeCondition) keepType(node.typeCondition.name.value);
      },
      FragmentDefinition(node) {
        keepType(node.typeCondition.name.value);
      },
    }),
  );
  for (const root of [schema.getQueryType(), schema.getMutationType()]) if (root) keepType(root.name);
  closeOver(schema, kept, keepType);
  return printKept(schema, kept);
}

/** Adds what the kept fields and types imply until nothing changes. */
function closeOver(schema: GraphQLSchema, kept: Kept, keepType: (name: string) => Set<string>): void {
  let size = -1;
  while (size !== countKept(kept)) {
    size = countKept(kept);
    for (const name of [...kept.keys()]) {
      const type = schema.getType(name);
      if (!type) continue;
      if (isAbstractType(type)) for (const possible of schema.getPossibleTypes(type)) keepType(possible.name);
      if (isObjectType(type)) {
        const own = kept.get(name)!;
        for (const iface of type.getInterfaces()) {
          if (kept.has(iface.name)) for (const field of kept.get(iface.name)!) own.add(field);
        }
        if (name.endsWith('Connection')) {
          const fields = type.getFields();
          for (const f of ['nodes', 'edges'] as const) {
            if (fields[f]) {
              own.add(f);
              keepType(getNamedType(fields[f].type).name);
            }
          }
        }
        if (name.endsWith('Edge') && type.getFields().node) own.add('node');
      }
      if (isObjectType(type) || isInterfaceType(type)) {
        const fields = type.getFields();
        for (const fieldName of kept.get(name)!) {
          const field = fields[fieldName];
          if (!field) continue;
          keepType(getNamedType(field.type).name);
          for (const arg of field.args) keepType(getNamedType(arg.type).name);
        }
      }
      if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) keepType(getNamedType(field.type).name);
    }
  }
}

function countKept(kept: Kept): number {
  let n = kept.size;
  for (const fields of kept.values()) n += fields.size;
  return n;
}

/** Prints the kept types in the full schema's order, without descriptions or directives. */
function printKept(schema: GraphQLSchema, kept: Kept): string {
  const out: DefinitionNode[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!kept.has(type.name) || type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    const node = definitionOf(type, kept);
    if (node) out.push(node);
  }
  const roots = [`query: ${schema.getQueryType()!.name}`];
  const mutation = schema.getMutationType();
  if (mutation) roots.push(`mutation: ${mutation.name}`);
  return `schema {\n  ${roots.join('\n  ')}\n}\n\n${out.map((d) => print(d)).join('\n\n')}\n`;
}

function definitionOf(type: GraphQLNamedType, kept: Kept): DefinitionNode | undefined {
  const ast = type.astNode;
  if (!ast) return undefined;
  const bare = { description: undefined, directives: [] };
  if (ast.kind === Kind.OBJECT_TYPE_DEFINITION || ast.kind === Kind.INTERFACE_TYPE_DEFINITION) {
    const names = kept.get(type.name)!;
    return {
      ...ast,
      ...bare,
      interfaces: (ast.interfaces ?? []).filter((i) => kept.has(i.name.value)),
      fields: (ast.fields ?? []).filter((f) => names.has(f.name.value)).map(bareField),
    };
  }
  if (isScalarType(type) || isEnumType(type) || isInputObjectType(type) || ast.kind === Kind.UNION_TYPE_DEFINITION) {
    if (ast.kind === Kind.ENUM_TYPE_DEFINITION) return { ...ast, ...bare, values: (ast.values ?? []).map((v) => ({ ...v, ...bare })) };
    if (ast.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) return { ...ast, ...bare, fields: (ast.fields ?? []).map(bareInput) };
    return { ...ast, ...bare };
  }
  return undefined;
}

function bareField(field: FieldDefinitionNode): FieldDefinitionNode {
  return { ...field, description: undefined, directives: [], arguments: (field.arguments ?? []).map(bareInput) };
}

function bareInput(input: InputValueDefinitionNode): InputValueDefinitionNode {
  return { ...input, description: undefined, directives: [], type: input.type satisfies TypeNode };
}

/** The codegen entry point: writes the cut SDL as a TypeScript module exporting `ADMIN_COST_SDL`. */
export const plugin: PluginFunction = (schema, documents) => {
  const sdl = costSchemaSdl(
    schema,
    documents.flatMap((d) => (d.document ? [d.document] : [])),
  );
  return [
    '/** The pinned Admin schema cut down to what our documents need for cost estimation (scripts/codegen/admin-cost-schema.ts). */',
    `export const ADMIN_COST_SDL = ${JSON.stringify(sdl)};`,
    '',
  ].join('\n');
};
