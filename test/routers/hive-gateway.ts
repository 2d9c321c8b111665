/**
 * Runs the shipped Hive Gateway config (deploy/hive-gateway/gateway.config.ts) with the real `hive-gateway` CLI in a
 * child process, as an operator would: `hive-gateway supergraph <file> --config-path <config>`. The CLI starts in about
 * 1.5 s here, so the test needs no in-process stand-in, and what it proves is what ships (the CLI's own loading of a
 * TypeScript config, its built-in JWT plugin, the order it installs plugins in).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../dev/ports.js';

/** The shipped config file the CLI loads. */
export const HIVE_CONFIG_PATH = fileURLToPath(new URL('../../deploy/hive-gateway/gateway.config.ts', import.meta.url));

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STARTUP_TIMEOUT_MS = 20_000;

/** The `hive-gateway` executable of the installed @graphql-hive/gateway, from its package.json `bin`. */
function hiveGatewayBin(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve('@graphql-hive/gateway/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifestPath), manifest.bin['hive-gateway']!);
}

/** A running Hive Gateway. */
export interface HiveGateway {
  /** its GraphQL endpoint */
  url: string;
  /** everything the process wrote to stdout and stderr so far */
  output(): string;
  /** POSTs a GraphQL request. */
  query(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * Starts `hive-gateway supergraph` over `supergraphSdl` with the shipped config and only `env` (plus PATH), so
 * nothing from the test's environment (PORT, HOST, NODE_ENV) changes what it does. Resolves once /readiness answers.
 */
export async function startHiveGateway(opts: { supergraphSdl: string; env: Record<string, string> }): Promise<HiveGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'hive-gateway-'));
  const supergraphPath = join(dir, 'supergraph.graphql');
  writeFileSync(supergraphPath, opts.supergraphSdl);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [hiveGatewayBin(), 'supergraph', supergraphPath, '--config-path', HIVE_CONFIG_PATH, '--host', '127.0.0.1', '--port', String(port)],
    { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', LOG_JSON: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`hive-gateway exited with code ${child.exitCode}:\n${output}`);
      const ready = await fetch(`${base}/readiness`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`hive-gateway was not ready within ${STARTUP_TIMEOUT_MS} ms:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const url = `${base}/graphql`;
  return {
    url,
    output: () => output,
    async query(query, variables, headers) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: (await res.json()) as any };
    },
    close: stop,
  };
}
