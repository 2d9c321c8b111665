/**
 * The schema check for teams composing this subgraph: does schema.graphql still compose with a profiles subgraph
 * that owns CustomerProfile, and which changes against the main branch's schema would break clients
 * (@graphql-inspector/core's diff, plus "argument made required by dropping its default", which it calls dangerous).
 */
import { buildSubgraphSchema } from '@apollo/subgraph';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse, type DocumentNode, type GraphQLSchema, type TypeNode } from 'graphql';
import { compose, localSubgraphs } from './compose.js';

/** The project root (where schema.graphql and .git are). */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** One schema change, with the schema path it is at (`Type.field.argument`). */
export interface SchemaChange {
  level: 'BREAKING' | 'DANGEROUS' | 'NON_BREAKING';
  type: string;
  path: string;
  message: string;
}

/** The check's outcome; `ok` is false on a composition error or any breaking change. */
export interface SchemaCheckResult {
  ok: boolean;
  /** why changes were not checked (no base schema, or the schema does not build); null when they were */
  notCompared: string | null;
  compositionErrors: string[];
  breaking: SchemaChange[];
  dangerous: SchemaChange[];
  safe: SchemaChange[];
}

/**
 * Composes `schemaSdl` with the profiles subgraph and diffs it against `baseSdl` (null: composition only).
 * Throws only when the base itself is not a valid subgraph schema.
 */
export async function checkSchema(opts: { schemaSdl: string; baseSdl: string | null; profilesSdl?: string }): Promise<SchemaCheckResult> {
  const subgraphs = localSubgraphs({ profiles: 'http://profiles', shopify: 'http://shopify' }, opts.schemaSdl);
  if (opts.profilesSdl !== undefined) subgraphs[0]!.sdl = opts.profilesSdl;
  const composition = compose(subgraphs);
  const compositionErrors = composition.ok ? [] : composition.errors;

  let changes: SchemaChange[] = [];
  let notCompared: string | null = 'there is no base schema';
  if (opts.baseSdl !== null) {
    const base = buildOrExplain(opts.baseSdl, 'the base schema');
    // A schema that does not even build has already failed composition; there is nothing to diff.
    const current = tryBuild(opts.schemaSdl);
    if (current) {
      changes = (await diff(base.schema, current.schema)).map((c) => classify(c, current.ast));
      notCompared = null;
    } else {
      notCompared = 'the schema does not build';
    }
  }
  const breaking = changes.filter((c) => c.level === 'BREAKING');
  return {
    ok: compositionErrors.length === 0 && breaking.length === 0,
    notCompared,
    compositionErrors,
    breaking,
    dangerous: changes.filter((c) => c.level === 'DANGEROUS'),
    safe: changes.filter((c) => c.level === 'NON_BREAKING'),
  };
}

interface Built {
  ast: DocumentNode;
  schema: GraphQLSchema;
}

/**
 * The subgraph schema for the diff, and its AST for look-ups. The schema is built and diffed by packages that load
 * graphql's CommonJS build; this module may get the ESM build (under vitest), so it reads only the plain AST and
 * never passes its own graphql objects to them.
 */
function build(sdl: string): Built {
  const ast = parse(sdl);
  return { ast, schema: buildSubgraphSchema(ast) };
}

function buildOrExplain(sdl: string, what: string): Built {
  try {
    return build(sdl);
  } catch (error) {
    throw new Error(`${what} is not a valid subgraph schema: ${(error as Error).message}`);
  }
}

function tryBuild(sdl: string): Built | null {
  try {
    return build(sdl);
  } catch {
    return null;
  }
}

/**
 * Inspector's verdict, except that dropping the default of a non-null argument or input field is breaking:
 * every operation that left it out stops validating, exactly as if a required argument had been added.
 */
function classify(change: Change, current: DocumentNode): SchemaChange {
  const path = change.path ?? '';
  const out: SchemaChange = { level: change.criticality.level as SchemaChange['level'], type: change.type, path, message: change.message };
  if (change.type === 'FIELD_ARGUMENT_DEFAULT_CHANGED' || change.type === 'INPUT_FIELD_DEFAULT_VALUE_CHANGED') {
    const target = lookUp(current, path);
    if (target && target.type.kind === Kind.NON_NULL_TYPE && target.defaultValue === undefined) {
      return {
        ...out,
        level: CriticalityLevel.Breaking,
        message: `'${path}' is now required: its default value was removed and it is non-null, so operations that leave it out stop validating`,
      };
    }
  }
  return out;
}

/** The argument (`Type.field.arg`) or input field (`Input.field`) at a path, as written in the SDL. */
function lookUp(doc: DocumentNode, path: string): { type: TypeNode; defaultValue?: unknown } | undefined {
  const [typeName, fieldName, argName] = path.split('.');
  for (const def of doc.definitions) {
    if (!('name' in def) || def.name?.value !== typeName || !('fields' in def) || !def.fields) continue;
    for (const field of def.fields) {
      if (field.name.value !== fieldName) continue;
      if (field.kind === Kind.INPUT_VALUE_DEFINITION && !argName) return field;
      if (field.kind === Kind.FIELD_DEFINITION && argName) {
        const arg = field.arguments?.find((a) => a.name.value === argName);
        if (arg) return arg;
      }
    }
  }
  return undefined;
}

/** Where the base schema came from, and its SDL (null: there is no base to compare with). */
export interface BaseSchema {
  label: string;
  sdl: string | null;
}

/** Refs tried in order when no --base is given: the main branch as the remote has it, as it is here, then HEAD. */
export const DEFAULT_BASE_REFS = ['origin/main', 'main', 'HEAD'] as const;

/**
 * Finds the base schema: `spec` as a file, else as a git ref (`<ref>:schema.graphql`); without `spec`, the first of
 * DEFAULT_BASE_REFS that exists. Throws when an explicit `spec` is neither.
 */
export function resolveBase(spec: string | undefined, root: string = PROJECT_ROOT): BaseSchema {
  if (spec !== undefined) {
    if (existsSync(spec) && statSync(spec).isFile()) return { label: spec, sdl: readFileSync(spec, 'utf8') };
    if (!refExists(spec, root)) throw new Error(`--base ${spec}: not a file, and not a git ref in ${root}`);
    return { label: `${spec}:schema.graphql`, sdl: showSchema(spec, root) };
  }
  for (const ref of DEFAULT_BASE_REFS) {
    if (refExists(ref, root)) return { label: `${ref}:schema.graphql`, sdl: showSchema(ref, root) };
  }
  return { label: 'no git history (composition only)', sdl: null };
}

function git(args: string[], root: string): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

function refExists(ref: string, root: string): boolean {
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root);
    return true;
  } catch {
    return false;
  }
}

/** The committed schema.graphql at `ref`; null when that commit has none (the schema is new, so nothing can break). */
function showSchema(ref: string, root: string): string | null {
  try {
    // `./` makes the path relative to the project root even when the project is a folder of a larger repository.
    return git(['show', `${ref}:./schema.graphql`], root);
  } catch {
    return null;
  }
}

/** The report as printed by `npm run schema:check`. */
export function formatReport(result: SchemaCheckResult, labels: { schema: string; base: string }): string {
  const lines = [`Schema check: ${labels.schema} against ${labels.base}`];
  if (result.compositionErrors.length > 0) {
    lines.push(`✗ does not compose with the demo profiles subgraph (dev/profiles.graphql):`);
    for (const e of result.compositionErrors) lines.push(`    ${e}`);
  } else {
    lines.push('✓ composes with the demo profiles subgraph (dev/profiles.graphql)');
  }
  const section = (mark: string, title: string, changes: SchemaChange[]) => {
    if (changes.length === 0) return;
    lines.push(`${mark} ${changes.length} ${title}:`);
    for (const c of changes) lines.push(`    ${c.path || '(schema)'} — ${c.message} [${c.type}]`);
  };
  section('✗', result.breaking.length === 1 ? 'breaking change' : 'breaking changes', result.breaking);
  section('!', result.dangerous.length === 1 ? 'dangerous change (not failing)' : 'dangerous changes (not failing)', result.dangerous);
  if (result.safe.length > 0) lines.push(`  ${result.safe.length} safe change(s)`);
  if (result.notCompared) lines.push(`  changes not checked: ${result.notCompared}`);
  else if (result.breaking.length === 0 && result.dangerous.length === 0 && result.safe.length === 0)
    lines.push('✓ no changes to the schema');
  else if (result.breaking.length === 0) lines.push('✓ no breaking changes');
  lines.push(result.ok ? 'OK' : 'FAILED');
  return `${lines.join('\n')}\n`;
}
