/**
 * `npm run schema:check`: composition with the demo profiles subgraph and breaking changes against a base schema.
 * Every change is made to a copy of schema.graphql (through its AST), never to the file itself.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kind, parse, print, visit, type ASTVisitor, type DocumentNode } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { readShopifySdl, SHOPIFY_SCHEMA_PATH } from '../../dev/compose.js';
import { checkSchema, PROJECT_ROOT, resolveBase } from '../../dev/schema-check.js';

const SDL = readShopifySdl();
const tmp = mkdtempSync(join(tmpdir(), 'schema-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** schema.graphql with one edit applied to its AST. */
function edit(visitor: ASTVisitor): string {
  return print(visit(parse(SDL), visitor) as DocumentNode);
}

const onType = (type: string, fieldVisitor: (node: any) => any) => ({
  ObjectTypeDefinition: (node: any) =>
    node.name.value === type ? { ...node, fields: node.fields.map(fieldVisitor).filter(Boolean) } : undefined,
  InputObjectTypeDefinition: (node: any) =>
    node.name.value === type ? { ...node, fields: node.fields.map(fieldVisitor).filter(Boolean) } : undefined,
});

describe('checkSchema', () => {
  it('the committed schema composes and has no changes against itself', async () => {
    const result = await checkSchema({ schemaSdl: SDL, baseSdl: SDL });
    expect(result).toEqual({ ok: true, notCompared: null, compositionErrors: [], breaking: [], dangerous: [], safe: [] });
  });

  it('flags a removed field, with its path', async () => {
    const removed = edit(onType('CustomerProfile', (f) => (f.name.value === 'products' ? null : f)));
    const result = await checkSchema({ schemaSdl: removed, baseSdl: SDL });
    expect(result.ok).toBe(false);
    expect(result.compositionErrors).toEqual([]);
    expect(result.breaking).toEqual([
      {
        level: 'BREAKING',
        type: 'FIELD_REMOVED',
        path: 'CustomerProfile.products',
        message: "Field 'products' was removed from object type 'CustomerProfile'",
      },
    ]);
  });

  it('flags a retyped field', async () => {
    const retyped = edit(
      onType('ShopifyOrder', (f) =>
        f.name.value === 'orderNumber' ? { ...f, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'Int' } } } : f,
      ),
    );
    const result = await checkSchema({ schemaSdl: retyped, baseSdl: SDL });
    expect(result.breaking.map((c) => [c.type, c.path])).toEqual([['FIELD_TYPE_CHANGED', 'ShopifyOrder.orderNumber']]);
  });

  it('flags an argument made required, by type or by dropping its default', async () => {
    const dropDefault = edit(
      onType('ShopifyOrder', (f) =>
        f.name.value === 'agentActions' ? { ...f, arguments: f.arguments.map((a: any) => ({ ...a, defaultValue: undefined })) } : f,
      ),
    );
    const byDefault = await checkSchema({ schemaSdl: dropDefault, baseSdl: SDL });
    expect(byDefault.breaking.map((c) => [c.type, c.path])).toEqual([
      ['FIELD_ARGUMENT_DEFAULT_CHANGED', 'ShopifyOrder.agentActions.limit'],
    ]);
    expect(byDefault.breaking[0]!.message).toContain("'ShopifyOrder.agentActions.limit' is now required");

    const nonNull = edit(
      onType('ShopifyRefundOrderInput', (f) => (f.name.value === 'note' ? { ...f, type: { kind: Kind.NON_NULL_TYPE, type: f.type } } : f)),
    );
    const byType = await checkSchema({ schemaSdl: nonNull, baseSdl: SDL });
    expect(byType.breaking.map((c) => [c.type, c.path])).toEqual([['INPUT_FIELD_TYPE_CHANGED', 'ShopifyRefundOrderInput.note']]);
  });

  it('flags a removed enum value', async () => {
    const removed = edit({
      EnumTypeDefinition: (node: any) =>
        node.name.value === 'ShopifyCancelReason'
          ? { ...node, values: node.values.filter((v: any) => v.name.value !== 'FRAUD') }
          : undefined,
    });
    const result = await checkSchema({ schemaSdl: removed, baseSdl: SDL });
    expect(result.breaking.map((c) => [c.type, c.path])).toEqual([['ENUM_VALUE_REMOVED', 'ShopifyCancelReason.FRAUD']]);
  });

  it('passes an added optional field, and reports it as safe', async () => {
    const added = SDL.replace('type ShopifyMoney {', 'type ShopifyMoney {\n  "Formatted for display."\n  formatted: String\n');
    const result = await checkSchema({ schemaSdl: added, baseSdl: SDL });
    expect(result.ok).toBe(true);
    expect(result.safe.map((c) => [c.type, c.path])).toEqual([
      ['FIELD_ADDED', 'ShopifyMoney.formatted'],
      ['FIELD_DESCRIPTION_ADDED', 'ShopifyMoney.formatted'],
    ]);
  });

  it('fails when the schema no longer composes with the profiles subgraph (emails no longer @external)', async () => {
    const notExternal = edit({
      FieldDefinition: (node: any) =>
        node.name.value === 'emails' ? { ...node, directives: node.directives.filter((d: any) => d.name.value !== 'external') } : undefined,
    });
    const result = await checkSchema({ schemaSdl: notExternal, baseSdl: SDL });
    expect(result.ok).toBe(false);
    expect(result.compositionErrors.length).toBeGreaterThan(0);
    expect(result.compositionErrors.join('\n')).toContain('CustomerProfile.emails');
  });
});

describe('resolveBase', () => {
  it('reads a file, or schema.graphql at a git ref', () => {
    const file = join(tmp, 'base.graphql');
    writeFileSync(file, SDL);
    expect(resolveBase(file)).toEqual({ label: file, sdl: SDL });
    expect(resolveBase('HEAD')).toMatchObject({ label: 'HEAD:schema.graphql' });
    expect(() => resolveBase('no-such-ref-or-file')).toThrow('--base no-such-ref-or-file: not a file, and not a git ref');
  });

  it('in a fresh clone (only main, HEAD == main) compares with main, then with HEAD when there is no main', () => {
    const repo = join(tmp, 'clone');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(join(repo, 'schema.graphql'), SDL);
    git('add', 'schema.graphql');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', 'schema');
    expect(resolveBase(undefined, repo)).toEqual({ label: 'main:schema.graphql', sdl: SDL });
    git('branch', '-m', 'main', 'trunk');
    expect(resolveBase(undefined, repo)).toEqual({ label: 'HEAD:schema.graphql', sdl: SDL });
  });

  it('without git history, there is no base (composition only)', () => {
    const plain = mkdtempSync(join(tmp, 'plain-'));
    expect(resolveBase(undefined, plain)).toEqual({ label: 'no git history (composition only)', sdl: null });
  });
});

describe('npm run schema:check', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'scripts/schema-check.ts'), ...args], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });

  it('exits 1 and prints each breaking change with its path', () => {
    const modified = join(tmp, 'modified.graphql');
    writeFileSync(modified, edit(onType('ShopifyCustomer', (f) => (f.name.value === 'tags' ? null : f))));
    const base = join(tmp, 'base-cli.graphql');
    writeFileSync(base, readFileSync(fileURLToPath(SHOPIFY_SCHEMA_PATH), 'utf8'));
    const run = cli('--schema', modified, '--base', base);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('✗ 1 breaking change:');
    expect(run.stdout).toContain("ShopifyCustomer.tags — Field 'tags' was removed from object type 'ShopifyCustomer' [FIELD_REMOVED]");
    expect(run.stdout.trim().endsWith('FAILED')).toBe(true);
  });

  it('exits 0 for the committed schema against itself, and 2 for a bad base', () => {
    const ok = cli('--base', fileURLToPath(SHOPIFY_SCHEMA_PATH));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('✓ composes with the demo profiles subgraph');
    expect(ok.stdout.trim().endsWith('OK')).toBe(true);
    const bad = cli('--base', 'no-such-ref-or-file');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--base no-such-ref-or-file');
  });
});
