// `npm start` runs compiled JavaScript (dist/). This script keeps that true on a developer's checkout without a
// separate build step, and stays out of the way in a production install:
//   node scripts/build-stamp.mjs write   (postbuild) records that dist/ was built from the current sources
//   node scripts/build-stamp.mjs ensure  (prestart)  builds first when a source is newer than the last build
// It is plain JavaScript because it runs before anything is compiled, and in images without TypeScript tooling.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const ENTRY = join(ROOT, 'dist', 'main.js');
/** What the build reads; generated code is left out (codegen rewrites it on every run). */
const INPUTS = [
  'src',
  'packages/shopify-admin-schema/src',
  'packages/shopify-admin-simulator/src',
  'packages/shopify-admin-schema/admin-2026-07.graphql',
  'scripts/codegen',
  'schema.graphql',
  'codegen.ts',
  'tsconfig.json',
  'tsconfig.build.json',
  'packages/shopify-admin-schema/tsconfig.build.json',
  'packages/shopify-admin-simulator/tsconfig.build.json',
  'package-lock.json',
];

/** Newest modification time (ms) under a file or folder, skipping generated code; 0 when absent. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = 0;
  for (const entry of readdirSync(path)) {
    if (entry === '__generated__' || entry === 'node_modules') continue;
    max = Math.max(max, newest(join(path, entry)));
  }
  return max;
}

const sourcesChanged = () => INPUTS.reduce((max, p) => Math.max(max, newest(join(ROOT, p))), 0);

function hasBuildTools() {
  try {
    createRequire(join(ROOT, 'package.json')).resolve('typescript/package.json');
    return true;
  } catch {
    return false;
  }
}

const mode = process.argv[2];
if (mode === 'write') {
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
} else if (mode === 'ensure') {
  const built = existsSync(STAMP) && existsSync(ENTRY) ? statSync(STAMP).mtimeMs : 0;
  if (built > 0 && sourcesChanged() <= built) process.exit(0);
  if (!hasBuildTools()) {
    // A production install (npm ci --omit=dev) has no compiler: it runs the dist/ it was given, or explains.
    if (existsSync(ENTRY)) process.exit(0);
    console.error('dist/main.js is missing and TypeScript is not installed: run `npm ci && npm run build` first.');
    process.exit(1);
  }
  console.error(built ? 'Sources changed since the last build: building dist/ …' : 'No build yet: building dist/ …');
  const run = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  process.exit(run.status ?? 1);
} else {
  console.error('usage: node scripts/build-stamp.mjs write|ensure');
  process.exit(2);
}
