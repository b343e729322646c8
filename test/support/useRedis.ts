import { once } from 'node:events';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { RedisConnection } from '../../src/store/RedisConnection.js';
import { RedisServer, redisAvailable } from './RedisServer.js';

/**
 * A real `redis-server` for the file's tests, started before them and stopped after (when Redis
 * is installed): call at the top of a test file; the getter answers inside tests.
 */
export function useRedis(keyPrefix = 'test:'): () => RedisConnection {
  let server: RedisServer | undefined;
  let redis: RedisConnection | undefined;
  beforeAll(async () => {
    if (!redisAvailable()) return;
    server = await RedisServer.start();
    redis = new RedisConnection({ url: server.url, keyPrefix, logger: pino({ level: 'silent' }) });
    await once(redis.client, 'ready');
  });
  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });
  return () => {
    if (!redis) throw new Error('redis-server is not running');
    return redis;
  };
}
