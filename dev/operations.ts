/**
 * The example operations in docs/operations: `<name>.graphql` with `<name>.variables.json`, whose string values
 * may be `<placeholder>`s for ids that only exist in a running store (filled by the test and by `npm run dev`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Where the example operations live. */
export const OPERATIONS_DIR = new URL('../docs/operations/', import.meta.url);

/** One example operation. */
export interface ExampleOperation {
  /** the file name without `.graphql`, for example `profile-card` */
  name: string;
  document: string;
  /** as written, placeholders included */
  variables: Record<string, unknown>;
}

const PLACEHOLDER = /^<([A-Za-z][A-Za-z0-9]*)>$/;

/** Every example operation, by file name. */
export function loadExampleOperations(dir: URL = OPERATIONS_DIR): ExampleOperation[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((file) => loadExampleOperation(file.slice(0, -'.graphql'.length), dir));
}

/** One example operation by name (`profile-card`). */
export function loadExampleOperation(name: string, dir: URL = OPERATIONS_DIR): ExampleOperation {
  const document = readFileSync(new URL(`${name}.graphql`, dir), 'utf8');
  const variablesFile = new URL(`${name}.variables.json`, dir);
  const variables = existsSync(variablesFile) ? (JSON.parse(readFileSync(variablesFile, 'utf8')) as Record<string, unknown>) : {};
  return { name, document, variables };
}

/** The placeholder names used in a variables value, in order of appearance, each once. */
export function placeholdersIn(value: unknown): string[] {
  const found = new Set<string>();
  walk(value, (s) => {
    const m = PLACEHOLDER.exec(s);
    if (m) found.add(m[1]!);
    return s;
  });
  return [...found];
}

/** Replaces every `<name>` string with `values[name]`; throws naming any placeholder without a value. */
export function fillPlaceholders<T>(value: T, values: Record<string, unknown>): T {
  const missing = placeholdersIn(value).filter((p) => values[p] === undefined);
  if (missing.length > 0) throw new Error(`No value for placeholder(s): ${missing.map((m) => `<${m}>`).join(', ')}`);
  return walk(value, (s) => {
    const m = PLACEHOLDER.exec(s);
    return m ? values[m[1]!] : s;
  }) as T;
}

function walk(value: unknown, onString: (s: string) => unknown): unknown {
  if (typeof value === 'string') return onString(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, onString));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, onString)]));
  }
  return value;
}
