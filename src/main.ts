/** The composition root: read the config once, start everything, shut down gracefully. */
import { ConfigError } from './config/ConfigError.js';
import { configWarnings } from './config/configWarnings.js';
import { loadConfig } from './config/loadConfig.js';
import { createLogger } from './observability/createLogger.js';
import { startService } from './startService.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, nodeEnv: config.nodeEnv });
  for (const warning of configWarnings(process.env)) logger.warn(warning);
  const service = await startService({ config, logger });

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, config.server.shutdownTimeoutMs);
    timer.unref();
    service.close().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
