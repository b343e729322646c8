import type { Logger } from 'pino';
import type { LogLevel } from '../../src/config/Config.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { type RunningDevChain, startDevChain } from '../../src/devchain/startDevChain.js';
import { createLogger } from '../../src/observability/createLogger.js';
import { type RunningService, startService } from '../../src/startService.js';
import { captureLogs, type LogCapture } from './logCapture.js';
import { RedisServer } from './RedisServer.js';

/**
 * One instance of the service as a scaled-out deployment runs it: its own process state, a shared
 * dev chain and a shared Redis. Resolves when it serves tokens and Redis is connected.
 */
export async function startSharedInstance(
  chainUrl: string,
  redisUrl: string,
  env: NodeJS.ProcessEnv = {},
  logger: Logger = createLogger({ level: 'silent', nodeEnv: 'test' }),
): Promise<RunningService> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    CHAIN_WS_ENDPOINT: chainUrl,
    REDIS_URL: redisUrl,
    LIVEKIT_URL: 'http://127.0.0.1:1',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const service = await startService({
    config,
    logger,
    port: 0,
  });
  await until(() => service.rooms.available && service.redis?.ready === true);
  return service;
}

/**
 * Bounded polling, for conditions that another process brings about and that announce themselves
 * with no event here (a Redis server coming back, a connection becoming usable).
 */
export async function until(check: () => boolean, timeoutMs = 15_000, state = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met in time ${state()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Two instances sharing one dev chain (demo seed) and one real `redis-server`. */
export interface SharedPair {
  redis: RedisServer;
  devchain: RunningDevChain;
  a: RunningService;
  b: RunningService;
  /** What each instance logged at `logLevel` or above (nothing by default). */
  logs: { a: LogCapture; b: LogCapture };
  close(): Promise<void>;
}

export async function startSharedPair(
  env: NodeJS.ProcessEnv = {},
  logLevel: LogLevel = 'silent',
): Promise<SharedPair> {
  const redis = await RedisServer.start();
  const devchain = await startDevChain({ port: 0, seed: { kind: 'demo' } });
  const logs = { a: captureLogs(logLevel), b: captureLogs(logLevel) };
  const [a, b] = await Promise.all([
    startSharedInstance(devchain.url, redis.url, env, logs.a.logger),
    startSharedInstance(devchain.url, redis.url, env, logs.b.logger),
  ]);
  return {
    redis,
    devchain,
    a,
    b,
    logs,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      await devchain.close();
      await redis.stop();
    },
  };
}
