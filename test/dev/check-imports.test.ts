/**
 * The import-graph check of `npm run lint` (scripts/check-imports.ts) fails on what issue 11 forbids — a cycle
 * between folders of src/ (type-only imports included) and Admin API types outside src/shopify/ — and passes this
 * repository. Run as a process on small trees built here, exactly as lint runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = join(process.cwd(), 'scripts/check-imports.ts');
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Builds a project from { path: source } and runs the check on it. */
function check(files: Record<string, string> | null): { status: number | null; out: string } {
  const args = [SCRIPT];
  if (files) {
    const root = mkdtempSync(join(tmpdir(), 'check-imports-'));
    roots.push(root);
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), source);
    }
    args.push('--root', root);
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', ...args], { encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('npm run lint: the import-graph check', () => {
  it('passes this repository', () => {
    const { status, out } = check(null);
    expect(out).toMatch(/^Import rules: \d+ folders of src\/, no cycle, Admin types only in src\/shopify\/\n$/);
    expect(status).toBe(0);
  });

  it('fails on a cycle between two folders, even through a type-only import', () => {
    const { status, out } = check({
      'src/profile/resolvers.ts': "import { audit } from '../audit/attempt.js';\nexport const r = audit;\n",
      'src/audit/attempt.ts': "import type { R } from '../profile/types.js';\nexport const audit = (r?: R) => r;\n",
      'src/profile/types.ts': 'export type R = string;\n',
    });
    expect(status).toBe(1);
    expect(out).toBe(
      'Import rules: 1 problem(s)\n' +
        '  - import cycle between audit, profile:\n' +
        '      src/audit/attempt.ts → src/profile/types.ts\n' +
        '      src/profile/resolvers.ts → src/audit/attempt.ts\n',
    );
  });

  it('fails on Admin API types outside src/shopify/, and on src/ importing test code', () => {
    const { status, out } = check({
      'src/shopify/__generated__/admin.ts': 'export type Order = { id: string };\n',
      'src/shopify/orders.ts': "import type { Order } from './__generated__/admin.js';\nexport const id = (o: Order) => o.id;\n",
      'src/actions/refund.ts': "import type { Order } from '../shopify/__generated__/admin.js';\nexport const f = (o: Order) => o;\n",
      'src/app.ts': "import { h } from '../test/helpers.js';\nexport const a = h;\n",
      'test/helpers.ts': 'export const h = 1;\n',
    });
    expect(status).toBe(1);
    expect(out).toBe(
      'Import rules: 2 problem(s)\n' +
        "  - src/actions/refund.ts imports src/shopify/__generated__/admin.ts: only src/shopify/ may use the Admin API's generated types\n" +
        '  - src/app.ts imports test/helpers.ts: the production tree (src/) must not import dev/, test/ or bench/ code\n',
    );
  });
});
