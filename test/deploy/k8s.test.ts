/**
 * deploy/k8s, checked against the code: every variable the manifests set is one src/config.ts reads, every secret
 * reference exists, the ConfigMap and Secret together (placeholders included) pass `loadConfig` in production, the
 * probes ask paths a running subgraph answers on the port it listens on, the PDB and Service select the Deployment's
 * pods, and the termination grace period outlasts preStop plus the drain in src/main.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimulator } from 'shopify-admin-simulator';
import { buildApp } from '../../src/app.js';
import { ENV_VARIABLES, loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { parseDockerfile } from './dockerfile.js';
import { drainForceExitMs, readRepoFile, readYaml, readYamlDocuments } from './helpers.js';

const kustomization = readYaml('deploy/k8s/kustomization.yaml');
const resources: any[] = (kustomization.resources as string[]).flatMap((file) => readYamlDocuments(`deploy/k8s/${file}`));
const byKind = (kind: string) => {
  const found = resources.filter((r) => r.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
};
const deployment = byKind('Deployment');
const configMap = byKind('ConfigMap');
const secret = byKind('Secret');
const service = byKind('Service');
const pdb = byKind('PodDisruptionBudget');
const pod = deployment.spec.template.spec;
const container = pod.containers[0];

/** The environment a pod gets: the ConfigMap (envFrom), then each `env` entry's value or its Secret key's value. */
function podEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom) {
    expect(source.configMapRef.name).toBe(configMap.metadata.name);
    Object.assign(env, configMap.data);
  }
  for (const entry of container.env) {
    const ref = entry.valueFrom?.secretKeyRef;
    env[entry.name] = ref ? secret.stringData[ref.key] : entry.value;
  }
  return env;
}

describe('deploy/k8s', () => {
  it('is a kustomization of a ConfigMap, a Secret, a Deployment of two replicas, a Service and a PDB', () => {
    expect(resources.map((r) => `${r.kind}/${r.metadata.name}`)).toEqual([
      'ConfigMap/shopify-profile-subgraph',
      'Secret/shopify-profile-subgraph',
      'Deployment/shopify-profile-subgraph',
      'Service/shopify-profile-subgraph',
      'PodDisruptionBudget/shopify-profile-subgraph',
    ]);
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.containers).toHaveLength(1);
  });

  it('sets only variables the subgraph reads, whether from the ConfigMap, the Secret or env', () => {
    const names = [
      ...Object.keys(configMap.data),
      ...container.env.map((e: { name: string }) => e.name),
      ...Object.keys(secret.stringData),
    ];
    expect(names.filter((n) => !ENV_VARIABLES.includes(n))).toEqual([]);
    // A value set twice (ConfigMap and env) would depend on Kubernetes' precedence; each is set once.
    const podNames = [...Object.keys(configMap.data), ...container.env.map((e: { name: string }) => e.name)];
    expect(new Set(podNames).size).toBe(podNames.length);
  });

  it('refers only to keys the Secret has, and uses every one of them', () => {
    const refs = container.env.map((e: any) => e.valueFrom.secretKeyRef);
    expect(refs.map((r: any) => r.name)).toEqual(refs.map(() => secret.metadata.name));
    expect(refs.map((r: any) => r.key).sort()).toEqual(Object.keys(secret.stringData).sort());
    // Each variable takes the key of its own name, so nothing is crossed over.
    expect(container.env.map((e: any) => e.name)).toEqual(refs.map((r: any) => r.key));
    expect(Object.keys(secret.stringData).sort()).toEqual([
      'AUTH_JWT_SECRET',
      'DATABASE_URL',
      'REDIS_URL',
      'ROUTER_SECRET',
      'SHOPIFY_ADMIN_ACCESS_TOKEN',
      'SHOPIFY_WEBHOOK_SECRET',
    ]);
  });

  it('has Secret placeholders that are plainly placeholders, and that with the ConfigMap pass loadConfig in production', () => {
    expect(Object.entries(secret.stringData).filter(([, v]) => !String(v).includes('REPLACE_ME'))).toEqual([]);
    const config = loadConfig(podEnvironment());
    expect({
      env: config.env,
      port: config.port,
      store: config.stores[0]?.endpoint,
      auth: config.auth.mode,
      routerSecret: config.routerSecret === secret.stringData.ROUTER_SECRET,
      webhooks: config.webhookSecret === secret.stringData.SHOPIFY_WEBHOOK_SECRET,
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
    }).toEqual({
      env: 'production',
      port: 4001,
      store: { storeDomain: 'your-shop.myshopify.com', protocol: 'https' },
      auth: 'jwt',
      routerSecret: true,
      webhooks: true,
      // Replicas share PostgreSQL and Redis: SQLite would give each pod its own links and idempotency keys.
      databaseUrl: 'postgres://subgraph:REPLACE_ME-password@postgres:5432/subgraph',
      redisUrl: 'redis://:REPLACE_ME-password@redis:6379',
    });
  });

  it('probes /healthz and /readyz on the port the subgraph listens on, which the Service targets', () => {
    const port = container.ports.find((p: any) => p.name === 'http');
    expect(port.containerPort).toBe(loadConfig(podEnvironment()).port);
    expect({
      startup: [container.startupProbe.httpGet.path, container.startupProbe.httpGet.port],
      liveness: [container.livenessProbe.httpGet.path, container.livenessProbe.httpGet.port],
      readiness: [container.readinessProbe.httpGet.path, container.readinessProbe.httpGet.port],
    }).toEqual({ startup: ['/healthz', 'http'], liveness: ['/healthz', 'http'], readiness: ['/readyz', 'http'] });
    expect(service.spec.ports).toEqual([{ name: 'http', port: port.containerPort, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('probes paths a running subgraph answers with 200', async () => {
    const simulator = await startSimulator({ port: 0, customers: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'k8s-probes-'));
    // The pod's configuration, but on this machine: the simulator as the store, SQLite, no Redis.
    const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = podEnvironment();
    const config = loadConfig({
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      SHOPIFY_STORE_DOMAIN: simulator.storeDomain,
      SQLITE_PATH: join(dir, 'subgraph.sqlite'),
    });
    const app = await buildApp(config, silentLogger());
    try {
      await new Promise<void>((resolve) => app.server.http.listen(0, '127.0.0.1', resolve));
      const base = `http://127.0.0.1:${(app.server.http.address() as { port: number }).port}`;
      const probes = [container.startupProbe, container.livenessProbe, container.readinessProbe];
      const answers = await Promise.all(probes.map(async (p) => [p.httpGet.path, (await fetch(`${base}${p.httpGet.path}`)).status]));
      expect(answers).toEqual([
        ['/healthz', 200],
        ['/healthz', 200],
        ['/readyz', 200],
      ]);
    } finally {
      await app.close();
      await simulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the kubelet time for preStop and the whole drain before SIGKILL', () => {
    const preStop: string[] = container.lifecycle.preStop.exec.command;
    const preStopMs = Number(/setTimeout\(\(\) => \{\}, (\d+)\)/.exec(preStop.join(' '))![1]);
    expect(preStop[0]).toBe('node');
    expect([preStopMs, drainForceExitMs()]).toEqual([5_000, 10_000]);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(preStopMs + drainForceExitMs());
  });

  it('runs as the image’s non-root user on a read-only root file system, with resources set', () => {
    // The image's USER is `node`, uid 1000 in the official Node images.
    const runtime = parseDockerfile(readRepoFile('Dockerfile')).stages.at(-1)!;
    expect(runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.shell)).toEqual(['node']);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(container.resources).toEqual({ requests: { memory: '160Mi', cpu: '250m' }, limits: { memory: '320Mi' } });
  });

  it('selects the Deployment’s pods from the PDB and the Service, and keeps one available', () => {
    const labels = deployment.spec.template.metadata.labels;
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(selects(deployment.spec.selector.matchLabels)).toBe(true);
    expect(selects(pdb.spec.selector.matchLabels)).toBe(true);
    expect(selects(service.spec.selector)).toBe(true);
    expect(pdb.spec.minAvailable).toBe(1);
    // Fewer replicas than minAvailable + 1 would block every node drain.
    expect(deployment.spec.replicas).toBeGreaterThan(pdb.spec.minAvailable);
  });
});
