/**
 * The process entry point: the only place that reads process.env and listens. Stops gracefully on SIGTERM/SIGINT.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  if (config.env === 'production' && !config.routerSecret) {
    // Allowed only by ROUTER_SECRET_OPTIONAL=true (config.ts): say at every start what that relies on.
    logger.warn(
      'ROUTER_SECRET_OPTIONAL=true: no router secret is checked; the network must let only the router reach this port (anyone who does can read _service and query _entities)',
    );
  }
  const app = await buildApp(config, logger).catch((error: unknown) => {
    // What the environment describes but this version cannot serve (app.ts assertServable) is a config problem too.
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  });
  const { http } = app.server;
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      logger.fatal(`Port ${config.port} is already in use: set PORT to a free port`);
      process.exit(1);
    }
    throw error;
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, graphql: `http://localhost:${port}/graphql` }, `Subgraph ready at http://localhost:${port}/graphql`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'Shutting down: draining in-flight requests');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
