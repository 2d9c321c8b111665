// The subgraph exactly as production starts it — `node dist/main.js` with the node flags of package.json's `start`
// (bench/processes.ts passes them), configured by its environment, no TypeScript tooling loaded — plus the bench's IPC (bench/processes.ts): `ready` once /healthz answers, and a `memory` job
// (after a full collection when started with --expose-gc). Plain JavaScript, so the memory read from /proc is the
// compiled service's own. The bench gives it a free PORT; main.js drains and exits on SIGTERM.
const port = process.env.PORT;
if (!port || port === '0') throw new Error('compiled-subgraph.mjs needs an explicit PORT');
const url = `http://127.0.0.1:${port}`;

await import('../dist/main.js');
for (let i = 0; ; i++) {
  const ok = await fetch(`${url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  if (i >= 300) throw new Error(`the compiled subgraph did not answer ${url}/healthz`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
process.on('message', (job) => {
  if (job?.type === 'memory') {
    if (job.gc) globalThis.gc?.();
    process.send?.({ type: 'result', id: job.id, result: process.memoryUsage() });
  } else {
    process.send?.({ type: 'error', id: job?.id, message: `unknown job ${String(job?.type)}` });
  }
});
process.send?.({ type: 'ready', url: `${url}/graphql` });
