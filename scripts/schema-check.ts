/**
 * `npm run schema:check [-- --base <file-or-ref>] [--schema <file>]`: composes schema.graphql with the demo profiles
 * subgraph and lists breaking changes against the main branch's schema. Exit 0 when it composes and nothing breaks,
 * 1 on a composition error or a breaking change, 2 when the arguments or the base are unusable.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHOPIFY_SCHEMA_PATH } from '../dev/compose.js';
import { checkSchema, formatReport, PROJECT_ROOT, resolveBase } from '../dev/schema-check.js';

const USAGE = `Usage: npm run schema:check [-- --base <file-or-git-ref>] [--schema <file>]
  --base    the schema to compare with: a file, or a git ref whose schema.graphql is used
            (default: origin/main, else main, else HEAD)
  --schema  the schema to check (default: schema.graphql in the working tree)`;

function usage(problem: string): never {
  process.stderr.write(`${problem}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let base: string | undefined;
  let schemaFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag !== '--base' && flag !== '--schema') usage(`Unknown argument: ${arg}`);
    const value = inline ?? args[++i];
    if (!value) usage(`${flag} needs a value`);
    if (flag === '--base') base = value;
    else schemaFile = value;
  }

  const schemaPath = schemaFile ?? fileURLToPath(SHOPIFY_SCHEMA_PATH);
  let schemaSdl: string;
  let resolved;
  try {
    schemaSdl = readFileSync(schemaPath, 'utf8');
    resolved = resolveBase(base);
  } catch (error) {
    return usage((error as Error).message);
  }
  let result;
  try {
    result = await checkSchema({ schemaSdl, baseSdl: resolved.sdl });
  } catch (error) {
    return usage((error as Error).message);
  }
  const label = schemaFile ?? relative(PROJECT_ROOT, schemaPath);
  process.stdout.write(formatReport(result, { schema: label, base: resolved.label }));
  process.exitCode = result.ok ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`schema:check failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
