/**
 * Part of `npm run lint`: the layering rules ESLint cannot express per file (issue 11).
 *   1. No cycle between folders of src/ (each top-level file of src/ counts as a folder of its own): a folder may
 *      import another only if that one, through any chain, never imports it back. Type-only imports count too: a
 *      type import is still a dependency a reader must follow.
 *   2. Only src/shopify/ imports the generated Admin API types (src/shopify/__generated__/): Shopify's shapes stop at
 *      its gateways and mappers.
 *   3. Nothing in src/ (the production tree) imports anything outside src/ (dev/, test/, bench/), and bench/ does not
 *      import test/.
 * Prints every violation with the import that causes it and exits 1, or prints a one-line summary and exits 0.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** The project checked: this repository, or `--root DIR` (the script's own test runs it on small trees it builds). */
const rootArg = process.argv.indexOf('--root');
const ROOT = rootArg > 0 ? resolve(process.argv[rootArg + 1]!) : resolve(dirname(new URL(import.meta.url).pathname), '..');
const SRC = join(ROOT, 'src');

/** Every .ts file below `dir`, generated code included (it is imported, so rule 2 must see who imports it). */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : tsFiles(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}

/** Relative module specifiers a file imports (static, type-only, re-exports and dynamic import()). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

/** The file a relative specifier names (`./x.js` is written for `./x.ts`). */
function target(from: string, specifier: string): string {
  return resolve(dirname(from), specifier.replace(/\.js$/, '.ts'));
}

/** The folder of src/ a file belongs to, for rule 1: `shopify`, `profile`, …, or the file's name at the top. */
function folderOf(file: string): string {
  const [first, ...rest] = relative(SRC, file).split(sep);
  return rest.length === 0 ? first!.replace(/\.ts$/, '.ts') : first!;
}

interface Edge {
  from: string;
  to: string;
  via: string;
}

/** Strongly connected components of the folder graph with more than one folder (Tarjan). */
function cycles(nodes: Set<string>, edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return found;
}

function main(): number {
  const problems: string[] = [];
  const rel = (f: string) => relative(ROOT, f);
  const folderEdges = new Map<string, Set<string>>();
  const examples = new Map<string, Edge>();
  const folders = new Set<string>();
  for (const file of tsFiles(SRC)) {
    const from = folderOf(file);
    folders.add(from);
    for (const spec of importsOf(file)) {
      const to = target(file, spec);
      if (!to.startsWith(SRC + sep)) {
        problems.push(`${rel(file)} imports ${rel(to)}: the production tree (src/) must not import dev/, test/ or bench/ code`);
        continue;
      }
      if (relative(SRC, to).startsWith(`shopify${sep}__generated__`) && from !== 'shopify') {
        problems.push(`${rel(file)} imports ${rel(to)}: only src/shopify/ may use the Admin API's generated types`);
      }
      const toFolder = folderOf(to);
      if (toFolder === from) continue;
      if (!folderEdges.has(from)) folderEdges.set(from, new Set());
      folderEdges.get(from)!.add(toFolder);
      const key = `${from}->${toFolder}`;
      if (!examples.has(key)) examples.set(key, { from: rel(file), to: rel(to), via: spec });
    }
  }
  for (const scc of cycles(folders, folderEdges)) {
    const inside = new Set(scc);
    const links = [...examples.entries()]
      .filter(([key]) => {
        const [a, b] = key.split('->');
        return inside.has(a!) && inside.has(b!);
      })
      .map(([, e]) => `      ${e.from} → ${e.to}`);
    problems.push(`import cycle between ${scc.join(', ')}:\n${links.join('\n')}`);
  }
  const benchDir = join(ROOT, 'bench');
  for (const file of existsSync(benchDir) ? tsFiles(benchDir) : []) {
    for (const spec of importsOf(file)) {
      const to = target(file, spec);
      if (to.startsWith(join(ROOT, 'test') + sep)) problems.push(`${rel(file)} imports ${rel(to)}: bench/ must not import test/ code`);
    }
  }
  if (problems.length > 0) {
    process.stderr.write(`Import rules: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`Import rules: ${folders.size} folders of src/, no cycle, Admin types only in src/shopify/\n`);
  return 0;
}

process.exit(main());
