/**
 * What the deployment tests share: the repository's files, YAML read the way Compose and Kubernetes read it, compose's
 * `${VAR:-default}` interpolation, the drain time src/main.ts enforces, and a production-mode subgraph process spoken
 * to the way a router speaks to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { SignJWT } from 'jose';

export { freePort } from '../../dev/ports.js';

/** The repository root (the Docker build context). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A file of the repository as text. */
export function readRepoFile(path: string): string {
  return readFileSync(new URL(path, new URL('../../', import.meta.url)), 'utf8');
}

/** One YAML document; `<<` merge keys resolved, as Compose resolves them. */
export function readYaml(path: string): any {
  return parse(readRepoFile(path), { merge: true });
}

/** Every document of a (possibly multi-document) YAML file, as Kubernetes reads it. */
export function readYamlDocuments(path: string): any[] {
  return parseAllDocuments(readRepoFile(path)).map((doc) => doc.toJS());
}

/**
 * Compose's variable interpolation with nothing set in the shell: `${VAR:-default}` becomes the default, and a
 * variable without a default is an error (the file must run as it is).
 */
export function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g, (match, name: string, fallback: string | undefined) => {
    if (fallback === undefined) throw new Error(`${match}: no default, so the compose file does not run as it is`);
    return fallback;
  });
}

/** The forced-exit timeout of the SIGTERM drain in src/main.ts, in milliseconds. */
export function drainForceExitMs(): number {
  const match = /setTimeout\(\(\) => process\.exit\(1\), ([\d_]+)\)/.exec(readRepoFile('src/main.ts'));
  if (!match) throw new Error('src/main.ts no longer forces the exit with setTimeout(() => process.exit(1), N): update this test');
  return Number(match[1]!.replace(/_/g, ''));
}

/** An HS256 agent token, signed as a support desk would sign it. */
export function agentToken(secret: string, scopes: readonly string[]): Promise<string> {
  return new SignJWT({ scope: scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('agent-deploy-test')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

/** The router's `_entities` call for one profile's Shopify customer (the card's customer fields). */
export const CUSTOMER_ENTITIES = `query Card($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on CustomerProfile {
      shopifyCustomer { id displayName email acceptsMarketing createdAt note tags totalOrders totalSpent { amount currencyCode } shopifyUrl }
    }
  }
}`;

/** The demo store's (seed 1) first customer, as the README's profile card shows it; `shopifyUrl` depends on the store. */
export const CUSTOMER_1 = {
  id: 'gid://shopify/Customer/1000001',
  displayName: 'customer1@example.org',
  email: 'customer1@example.org',
  acceptsMarketing: true,
  createdAt: '2023-08-05T03:01:43Z',
  note: null,
  tags: ['b2b'],
  totalOrders: 4,
  totalSpent: { amount: '145.04', currencyCode: 'USD' },
};

/** POSTs the card's `_entities` call for customer1's profile as the router does: router secret and agent token. */
export async function fetchCustomerCard(graphqlUrl: string, routerSecret: string, token: string): Promise<{ status: number; body: any }> {
  const res = await fetch(graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'router-authorization': routerSecret, authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: CUSTOMER_ENTITIES,
      variables: { representations: [{ __typename: 'CustomerProfile', id: 'profile-0001', emails: ['customer1@example.org'] }] },
    }),
  });
  return { status: res.status, body: await res.json() };
}

/** A child process with its output collected, and a promise of how it exited. */
export interface Child {
  process: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `command` with exactly `env` (nothing inherited but what the caller passes). */
export function startChild(command: string, args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Child {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += String(chunk)));
  child.stderr!.on('data', (chunk) => (output += String(chunk)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output: () => output, exited };
}

/** Polls `url` until it answers 200; throws with the child's output when it exits first or `timeoutMs` passes. */
export async function waitForOk(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void child.exited.then(() => (exited = true));
  while (Date.now() < deadline && !exited) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 (${exited ? 'the process exited' : 'timed out'}):\n${child.output()}`);
}

/** The environment a child needs to run node and npm (PATH, HOME), without any of the subgraph's variables. */
export function baseEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}
