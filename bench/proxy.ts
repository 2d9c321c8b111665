/**
 * A recording HTTP proxy in front of the simulator: it forwards everything unchanged and remembers each Shopify
 * GraphQL request (body, arrival, answer time). The bench uses it to learn the exact Shopify requests the subgraph
 * sends for one `_entities` call — and in which rounds (a request sent after another's answer came back waits on
 * it) — so the simulator alone can be timed on that same shape.
 */
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Shopify GraphQL request as the proxy saw it. */
export interface Recorded {
  body: string;
  arrivedAt: number;
  answeredAt: number;
}

/** Shopify requests grouped into rounds: a round is sent together; each round waits for the one before. */
export type Shape = string[][];

export interface RecordingProxy {
  url: string;
  /** Shopify GraphQL requests recorded since the last `clear()` */
  records(): Recorded[];
  clear(): void;
  close(): Promise<void>;
}

/** Starts the proxy on a free loopback port, forwarding to `target` (http://127.0.0.1:PORT). */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const to = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let recorded: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    const arrivedAt = performance.now();
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: to.host, 'content-length': String(body.length) };
      const upstream = httpRequest({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers, agent }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('end', () => {
          if (req.url?.includes('/graphql.json')) recorded.push({ body: body.toString('utf8'), arrivedAt, answeredAt: performance.now() });
        });
      });
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    records: () => [...recorded],
    clear: () => {
      recorded = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/**
 * Groups recorded requests into rounds: a request is in the round after the latest round that had a request
 * answered before it arrived. Parallel requests (sent before any answer) share a round.
 */
export function toShape(records: readonly Recorded[]): Shape {
  const sorted = [...records].sort((a, b) => a.arrivedAt - b.arrivedAt);
  const round = new Map<Recorded, number>();
  for (const r of sorted) {
    let n = 0;
    for (const [earlier, k] of round) if (earlier.answeredAt <= r.arrivedAt) n = Math.max(n, k + 1);
    round.set(r, n);
  }
  const shape: Shape = [];
  for (const [r, k] of round) (shape[k] ??= []).push(r.body);
  return shape.filter(Boolean);
}
