/**
 * Regenerates packages/shopify-admin-schema/admin-2026-07.graphql from Shopify's published Admin API introspection.
 *
 * Source: dist/data/admin_2026-07.json.gz inside the npm package @shopify/dev-mcp@1.16.0 (ISC licence).
 * We take the tarball with `npm pack` instead of depending on the package, because it pulls in Shopify's CLI.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildClientSchema, parse, print, printSchema, visit, type IntrospectionQuery } from 'graphql';

const PACKAGE = '@shopify/dev-mcp@1.16.0';
const VERSION = '2026-07';
const OUT = new URL(`../packages/shopify-admin-schema/admin-${VERSION}.graphql`, import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'shopify-schema-'));
try {
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim();
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir, `package/dist/data/admin_${VERSION}.json.gz`]);
  const json = JSON.parse(gunzipSync(readFileSync(join(dir, `package/dist/data/admin_${VERSION}.json.gz`))).toString('utf8'));
  const introspection: IntrospectionQuery = json.data ?? json;
  const schema = buildClientSchema(introspection);
  // Descriptions are ~60% of the SDL and nothing here reads them; stripping keeps the file reviewable.
  const stripped = visit(parse(printSchema(schema)), {
    enter(node) {
      if ('description' in node && node.description) return { ...node, description: undefined };
      return undefined;
    },
  });
  const header = `# Shopify Admin GraphQL API ${VERSION}, from ${PACKAGE} dist/data/admin_${VERSION}.json.gz (ISC licence); descriptions stripped. Regenerate: npm run shopify:schema\n`;
  writeFileSync(OUT, header + print(stripped) + '\n');
  console.log(`wrote ${OUT.pathname} (${schema.toConfig().types.length} types)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
