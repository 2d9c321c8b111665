/** The CLI: with no shop flags it prints what it always printed; shop and sharing flags reach the store it starts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Runs the CLI until it printed everything it prints at start (or exited), then stops it. */
async function run(args: string[], lines: number): Promise<{ out: string[]; err: string; code: number | null }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', '0', ...args], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.split('\n').length > lines) resolve();
    });
    void exited.then(() => resolve());
  });
  const printed = out.split('\n').slice(0, lines);
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  const shop = url ? await (await fetch(`${url}/__simulator/shop`)).json() : null;
  if (child.exitCode === null) child.kill('SIGTERM');
  const code = await exited;
  return { out: shop ? [...printed, JSON.stringify(shop)] : printed, err, code };
}

describe('simulator CLI', () => {
  it('without shop flags prints the five lines it always printed, for the default shop', async () => {
    const { out, code } = await run([], 5);
    const url = /listening on (http:\/\/\S+)/.exec(out[0]!)![1]!;
    expect(out).toEqual([
      `Shopify simulator (Admin API 2026-07) listening on ${url}`,
      `  GraphQL:  POST ${url}/admin/api/2026-07/graphql.json`,
      '  token:    shpat_simulator   (header X-Shopify-Access-Token)',
      `  control:  ${url}/__simulator/stats, /customers, /orders, /reset, /faults, /throttle, /webhooks`,
      `  use:      SHOPIFY_STORE_DOMAIN=${url} SHOPIFY_ADMIN_ACCESS_TOKEN=shpat_simulator`,
      JSON.stringify({
        name: 'Simulator Supply Co.',
        currencyCode: 'USD',
        myshopifyDomain: new URL(url).host,
        idOffset: 0,
        seed: 1,
        customers: 500,
        sharedCustomers: null,
      }),
    ]);
    expect(code).toBe(0);
  });

  it('--currency, --name and --shared-* make an EU store sharing customers with seed 1', async () => {
    const args = [
      '--seed',
      '2',
      '--customers',
      '100',
      '--currency',
      'eur',
      '--name',
      'EU store',
      '--shared-from-seed',
      '1',
      '--shared-fraction',
      '0.3',
    ];
    const { out, code } = await run(args, 6);
    const url = /listening on (http:\/\/\S+)/.exec(out[0]!)![1]!;
    const host = new URL(url).host;
    expect(out.slice(5)).toEqual([
      `  shop:     EU store (EUR, ${host}); GET ${url}/__simulator/shop`,
      JSON.stringify({
        name: 'EU store',
        currencyCode: 'EUR',
        myshopifyDomain: host,
        idOffset: 1_000_000_000,
        seed: 2,
        customers: 100,
        sharedCustomers: { seed: 1, customers: 500, currencyCode: 'USD', fraction: 0.3 },
      }),
    ]);
    expect(code).toBe(0);
  });

  it('refuses flags that do not go together, or values the store cannot take, with exit code 2', async () => {
    expect(await run(['--shared-fraction', '0.3'], 1)).toEqual({
      out: [''],
      err: '--shared-from-seed and --shared-fraction must be given together\n',
      code: 2,
    });
    expect(await run(['--currency', 'JPY'], 1)).toEqual({
      out: [''],
      err: 'invalid simulator options: currencyCode must be one of USD, EUR, GBP, CAD, got "JPY"\n',
      code: 2,
    });
  });
});
