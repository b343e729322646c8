/**
 * Child entry of the benchmark: one server under test, in its own process so that its CPU time can
 * be measured and pinned apart from the load generator's.
 *
 * Usage: `node --import tsx bench/http/benchServer.ts full|bare-token|bare-rooms|bare-rooms-plain|stack-rooms`.
 * The configuration comes from the environment (`loadConfig`); the rooms servers read their page from
 * `BENCH_ROOMS_PAGE` (JSON).
 *
 * Every server runs on the service's own `createHttpServer`, so that a baseline and the service
 * differ only in what runs inside the server; `bare-rooms-plain` is bare-rooms on a plain
 * `http.createServer(app)`, to show what `createHttpServer` itself is worth.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { pino } from 'pino';
import { z } from 'zod';
import { loadConfig } from '../../src/config/loadConfig.js';
import { API_BASE_PATH } from '../../src/http/createApp.js';
import { createHttpApp } from '../../src/http/createHttpApp.js';
import { createHttpServer } from '../../src/http/createHttpServer.js';
import { TokenMinter } from '../../src/livekit/TokenMinter.js';
import { Metrics } from '../../src/observability/Metrics.js';
import { startService } from '../../src/startService.js';
import { bareRoomsApp } from './bareRoomsApp.js';
import { bareTokenApp } from './bareTokenApp.js';
import { type CpuReply, CpuRequest, type ServerReady, Stop } from './benchMessages.js';

const READY_POLL_MS = 5;
const INDEX_LOADED = z.object({ msg: z.literal('room index loaded'), ms: z.number(), rooms: z.number() });

const kind = z
  .enum(['full', 'bare-token', 'bare-rooms', 'bare-rooms-plain', 'stack-rooms'])
  .parse(process.argv[2]);
const config = loadConfig(process.env);

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startFull(): Promise<{ ready: ServerReady; close: () => Promise<void> }> {
  let indexLoaded: z.infer<typeof INDEX_LOADED> | undefined;
  // Info level only until the index is loaded, to catch the service's own "room index loaded" line;
  // silent afterwards, as in the measured runs nothing should be logged.
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        const parsed = INDEX_LOADED.safeParse(JSON.parse(line));
        if (parsed.success) indexLoaded = parsed.data;
      },
    },
  );
  const startedAt = performance.now();
  const service = await startService({ config, logger, port: 0 });
  while (!service.rooms.available) await sleep(READY_POLL_MS);
  const readyMs = performance.now() - startedAt;
  logger.level = 'silent';
  return {
    ready: {
      type: 'ready',
      url: service.url,
      readyMs,
      indexLoadMs: indexLoaded?.ms ?? null,
      rooms: indexLoaded?.rooms ?? null,
    },
    close: service.close,
  };
}

/**
 * The service's own HTTP stack (createHttpApp: request id, metrics, helmet, CORS, IP limit, JSON
 * parser, 404 and error handling) around a route answering the pre-built page: the full stack
 * minus the room index and the rooms route, to tell the two costs apart.
 */
function stackRoomsApp(page: unknown) {
  return createHttpApp({
    config,
    logger: pino({ level: 'silent' }),
    metrics: new Metrics(),
    mount: (app) => {
      app.get(`${API_BASE_PATH}/rooms`, (_req, res) => {
        res.json(page);
      });
    },
  });
}

async function startBare(): Promise<{ ready: ServerReady; close: () => Promise<void> }> {
  let server: Server;
  if (kind === 'bare-token') {
    await cryptoWaitReady();
    const minter = new TokenMinter({
      apiKey: config.livekit.apiKey,
      apiSecret: config.livekit.apiSecret,
      url: config.livekit.url,
      ttlSeconds: config.livekit.tokenTtlSeconds,
    });
    server = createHttpServer(bareTokenApp(minter));
  } else {
    const page: unknown = JSON.parse(process.env.BENCH_ROOMS_PAGE ?? 'null');
    server =
      kind === 'bare-rooms-plain'
        ? createServer(bareRoomsApp(page))
        : createHttpServer(kind === 'bare-rooms' ? bareRoomsApp(page) : stackRoomsApp(page));
  }
  const url = await listen(server);
  return {
    ready: { type: 'ready', url, readyMs: null, indexLoadMs: null, rooms: null },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const { ready, close } = kind === 'full' ? await startFull() : await startBare();
process.on('message', (message: unknown) => {
  const cpu = CpuRequest.safeParse(message);
  if (cpu.success) {
    const usage = process.cpuUsage();
    const reply: CpuReply = { id: cpu.data.id, cpuUs: usage.user + usage.system };
    process.send?.(reply);
  } else if (Stop.safeParse(message).success) {
    void close().finally(() => process.exit(0));
  }
});
process.send?.(ready);
