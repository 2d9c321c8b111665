/**
 * Ports for the local supergraph: read from the environment, checked up front, and a port in use explained by
 * the variable that moves it, because "EADDRINUSE" alone does not say which of four servers to reconfigure.
 */
import { createServer, type Server } from 'node:net';

/** One server's port and the environment variable that sets it. */
export interface PortSetting {
  variable: string;
  port: number;
}

/** A port that cannot be used, with the variable to change. */
export class PortInUseError extends Error {
  constructor(
    readonly variable: string,
    readonly port: number,
  ) {
    super(`Port ${port} is already in use: set ${variable} to a free port (for example ${variable}=${suggest(port)} npm run dev)`);
    this.name = 'PortInUseError';
  }
}

function suggest(port: number): number {
  return port > 0 && port < 65525 ? port + 10 : 0;
}

/** Reads a port variable (0 = any free port); returns the fallback when unset, or a problem naming the variable. */
export function readPort(env: Record<string, string | undefined>, variable: string, fallback: number): PortSetting | string {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return { variable, port: fallback };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    return `${variable}: must be a whole number from 0 to 65535, got ${JSON.stringify(raw)}`;
  return { variable, port };
}

/** Every problem with a set of ports at once: the same port twice, or a port another process holds. */
export async function checkPorts(settings: readonly PortSetting[], host: string): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Map<number, string>();
  for (const { variable, port } of settings) {
    if (port === 0) continue;
    const other = seen.get(port);
    if (other) problems.push(`${variable} and ${other} are both ${port}: give each server its own port`);
    else seen.set(port, variable);
  }
  for (const { variable, port } of settings) {
    if (port !== 0 && !(await isFree(port, host))) problems.push(new PortInUseError(variable, port).message);
  }
  return problems;
}

function isFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe: Server = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Runs a listen step, turning EADDRINUSE into a PortInUseError naming `variable` (another process may win the race after checkPorts). */
export async function listenOrExplain<T>(listen: () => Promise<T>, port: number, variable: string): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(variable, port);
    throw error;
  }
}

/** Listens with a plain node:http server; resolves with the bound port. */
export function listenHttp(server: import('node:http').Server, port: number, host: string, variable: string): Promise<number> {
  return listenOrExplain(
    () =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve((server.address() as { port: number }).port);
        });
      }),
    port,
    variable,
  );
}

/** The address to reach a server listening on `host` from this machine (a wildcard address is reached by loopback). */
export function reachableHost(host: string): string {
  if (host === '' || host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * A loopback port nothing listens on right now, for a child process that must be told its port up front (the bench's
 * compiled subgraph, the hive-gateway CLI, which logs the port it was given rather than the one it bound).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
