/**
 * compose.yaml's demo store: the Shopify simulator (plain http, with its /__simulator/ control API) and in front of it
 * a TLS port, so the subgraph replicas reach the store exactly as they reach Shopify: `https://` to a host name, in
 * production mode. The subgraph allows plain http only to loopback hosts (src/shopify/transport.ts), and in compose the
 * store is another container. The certificate is self-signed for `--name` (and localhost), made with openssl on first
 * start and kept in `--cert-dir`; clients trust it through Node's NODE_EXTRA_CA_CERTS=<cert-dir>/<name>.pem.
 *
 *   tsx dev/demo-store.ts --host 0.0.0.0 --port 4100 --tls-port 8443 --name demo-store --cert-dir /certs
 *
 * Prints one `listening` line per port (port 0 = any free port), then runs until SIGTERM/SIGINT.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { parseArgs } from 'node:util';
import { DEFAULT_TOKEN, startSimulator } from 'shopify-admin-simulator';
import { reachableHost } from './ports.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4100' },
    'tls-port': { type: 'string', default: '8443' },
    name: { type: 'string', default: 'demo-store' },
    'cert-dir': { type: 'string', default: './data/demo-store-tls' },
    token: { type: 'string', default: DEFAULT_TOKEN },
    seed: { type: 'string', default: '1' },
    customers: { type: 'string', default: '500' },
  },
});

/** The certificate's files in `dir`, made with openssl unless both are already there (restarts keep the trust). */
function ensureCertificate(dir: string, name: string): { certPath: string; keyPath: string } {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  if (existsSync(certPath) && existsSync(keyPath)) return { certPath, keyPath };
  mkdirSync(dir, { recursive: true });
  // basicConstraints CA:TRUE so the certificate is accepted as its own trust anchor (NODE_EXTRA_CA_CERTS).
  // prettier-ignore
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '825', '-subj', `/CN=${name}`,
    '-addext', `subjectAltName=DNS:${name},DNS:localhost,IP:127.0.0.1`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-keyout', keyPath, '-out', certPath,
  ], { stdio: 'ignore' });
  return { certPath, keyPath };
}

const { certPath, keyPath } = ensureCertificate(values['cert-dir'], values.name);
const sim = await startSimulator({
  host: values.host,
  port: Number(values.port),
  token: values.token,
  seed: Number(values.seed),
  customers: Number(values.customers),
});
const simPort = Number(new URL(sim.url).port);
// Bytes are piped to the simulator unchanged: TLS ends here, HTTP (keep-alive included) is the simulator's.
const tls = createServer({ cert: readFileSync(certPath), key: readFileSync(keyPath) }, (socket) => {
  const upstream = connect(simPort, reachableHost(values.host));
  socket.pipe(upstream).pipe(socket);
  socket.on('error', () => upstream.destroy());
  upstream.on('error', () => socket.destroy());
});
await new Promise<void>((resolve, reject) => {
  tls.once('error', reject);
  tls.listen(Number(values['tls-port']), values.host, () => resolve());
});
const tlsPort = (tls.address() as { port: number }).port;
process.stdout.write(
  [
    `demo store (Shopify simulator) listening on http://${values.host}:${simPort} (control API: /__simulator/)`,
    `demo store TLS listening on https://${values.name}:${tlsPort} (certificate: ${certPath})`,
  ].join('\n') + '\n',
);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  tls.close();
  void sim.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
