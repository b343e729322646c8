/**
 * One server under test of `wsFanout.ts`, in its own process: `--mode hub|ws|wsNaive|socketio`
 * (`--chain <dev chain ws url>` for the hub). Answers the orchestrator's IPC requests
 * (`wsFanoutMessages.ts`); every broadcast carries `t`, the shared-clock time it started.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Server as SocketIoServer } from 'socket.io';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { benchBlock, benchMessage, eventClockUs, FANOUT_ROOM_ID } from './wsFanoutEvent.js';
import { FANOUT_MODES, type FanoutMode } from './wsFanoutMessages.js';
import { wsSchedStat } from './wsSchedStat.js';

const MEM_SAMPLES = 3;
const MEM_SETTLE_MS = 100;
const MEM_MAX_READINGS = 20;
/** RSS is read until consecutive readings (after full GCs) differ by less than this. */
const MEM_STABLE_BYTES = 256 * 1024;
const ROOM_READY_POLL_MS = 50;
const ROOM_READY_TIMEOUT_MS = 30_000;
/** Far above what the probes send: the bench must not meet the HTTP rate limit. */
const RATE_LIMIT_MAX_REQUESTS = '100000';
const SOCKET_IO_ROOM = `room:${FANOUT_ROOM_ID}`;

/** What the orchestrator needs from each kind of server. */
interface FanoutServer {
  port: number;
  wsPath: string;
  /** Starts one broadcast of event `seq` (the hub may finish it in later turns). */
  publish(seq: number): void;
  /** Resolves once every started broadcast has been handed to the sockets. */
  flushed(): Promise<void>;
  subscribers(): number;
}

const Request = z.discriminatedUnion('type', [
  z.object({ id: z.number(), type: z.literal('clock') }),
  z.object({ id: z.number(), type: z.literal('count') }),
  z.object({ id: z.number(), type: z.literal('mem') }),
  z.object({ id: z.number(), type: z.literal('sched') }),
  z.object({ id: z.number(), type: z.literal('burst'), events: z.number() }),
  z.object({ id: z.number(), type: z.literal('paced'), events: z.number(), intervalMs: z.number() }),
  z.object({ type: z.literal('stop') }),
]);

const { values } = parseArgs({ options: { mode: { type: 'string' }, chain: { type: 'string' } } });
const mode = z.enum(FANOUT_MODES).parse(values.mode);
const server = await startFanoutServer(mode, values.chain);
let seq = 0;

process.on('message', (raw: unknown) => {
  const request = Request.parse(raw);
  if (request.type === 'stop') process.exit(0);
  void handle(request).then((reply) => process.send?.({ ...reply, id: request.id }));
});
process.send?.({ type: 'ready', port: server.port, wsPath: server.wsPath });

async function handle(request: Exclude<z.infer<typeof Request>, { type: 'stop' }>): Promise<object> {
  switch (request.type) {
    case 'clock':
      return { us: eventClockUs() };
    case 'count':
      return { subscribers: server.subscribers() };
    case 'mem':
      return memory();
    case 'sched':
      return wsSchedStat();
    case 'burst':
      return burst(request.events);
    case 'paced':
      return paced(request.events, request.intervalMs);
  }
}

/**
 * Broadcasts back to back with one event-loop turn between them, so I/O (the HTTP probes, socket
 * writes) gets its turn between broadcasts as it would between blocks.
 */
async function burst(events: number): Promise<object> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const gc = { totalMs: 0, maxMs: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.totalMs += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const cpu = process.cpuUsage();
  const sched = wsSchedStat();
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    server.publish(seq++);
    await nextTurn();
  }
  await server.flushed();
  const handoffMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  loop.disable();
  gcObserver.disconnect();
  return {
    handoffMs,
    cpuMs: (used.user + used.system) / 1000,
    sysMs: used.system / 1000,
    loopMaxMs: loop.max / 1e6,
    gcTotalMs: gc.totalMs,
    gcMaxMs: gc.maxMs,
    runQueueWaitMs: wsSchedStat().waitMs - sched.waitMs,
    mainCpuMs: wsSchedStat().cpuMs - sched.cpuMs,
  };
}

async function paced(events: number, intervalMs: number): Promise<object> {
  const started = performance.now();
  for (let i = 0; i < events; i++) {
    const wait = started + i * intervalMs - performance.now();
    if (wait > 0) await sleep(wait);
    server.publish(seq++);
  }
  await server.flushed();
  return { handoffMs: performance.now() - started };
}

/**
 * RSS after full collections, once it has settled: V8 gives freed pages back over several GCs, so a
 * first reading just after start-up overstates the empty process. Median of the last readings.
 */
async function memory(): Promise<object> {
  const readings: NodeJS.MemoryUsage[] = [];
  let stable = 0;
  while (readings.length < MEM_MAX_READINGS && stable < MEM_SAMPLES) {
    globalThis.gc?.();
    globalThis.gc?.();
    await sleep(MEM_SETTLE_MS);
    const reading = process.memoryUsage();
    const previous = readings[readings.length - 1];
    stable = previous && Math.abs(reading.rss - previous.rss) < MEM_STABLE_BYTES ? stable + 1 : 0;
    readings.push(reading);
  }
  const last = readings.slice(-MEM_SAMPLES).sort((a, b) => a.rss - b.rss);
  const mid = last[Math.floor(last.length / 2)] as NodeJS.MemoryUsage;
  return { rss: mid.rss, heapUsed: mid.heapUsed, external: mid.external };
}

async function startFanoutServer(kind: FanoutMode, chain: string | undefined): Promise<FanoutServer> {
  if (kind === 'hub') return startHub(chain);
  const http = createServer(liveHealth);
  const port = await listen(http);
  if (kind === 'socketio') {
    const io = new SocketIoServer(http, { transports: ['websocket'], serveClient: false });
    io.on('connection', (socket) => void socket.join(SOCKET_IO_ROOM));
    return {
      port,
      wsPath: '/socket.io/?EIO=4&transport=websocket',
      publish: (n) => {
        io.to(SOCKET_IO_ROOM).emit('gift:received', benchMessage(n, Math.round(eventClockUs())));
      },
      flushed: async () => undefined,
      subscribers: () => io.sockets.adapter.rooms.get(SOCKET_IO_ROOM)?.size ?? 0,
    };
  }
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (ws) => ws.on('error', () => ws.terminate()));
  const publish =
    kind === 'ws'
      ? // The reference: serialized once, the same Buffer sent to every socket.
        (n: number) => {
          const frame = Buffer.from(JSON.stringify(benchMessage(n, Math.round(eventClockUs()))));
          for (const ws of wss.clients) ws.send(frame, { binary: false });
        }
      : (n: number) => {
          const message = benchMessage(n, Math.round(eventClockUs()));
          for (const ws of wss.clients) ws.send(JSON.stringify(message));
        };
  return { port, wsPath: '/', publish, flushed: async () => undefined, subscribers: () => wss.clients.size };
}

/** The whole service as `main.ts` builds it, against the orchestrator's dev chain. */
async function startHub(chain: string | undefined): Promise<FanoutServer> {
  if (!chain) throw new Error('--chain is required for --mode hub');
  // Loaded here only, so the reference servers are bare processes that load nothing of the service.
  const { pino } = await import('pino');
  const { loadConfig } = await import('../../src/config/loadConfig.js');
  const { startService } = await import('../../src/startService.js');
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    CHAIN_WS_ENDPOINT: chain,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_IP_MAX: RATE_LIMIT_MAX_REQUESTS,
    RATE_LIMIT_ACCOUNT_MAX: RATE_LIMIT_MAX_REQUESTS,
  });
  const service = await startService({ config, logger: pino({ level: 'silent' }), port: 0 });
  const deadline = Date.now() + ROOM_READY_TIMEOUT_MS;
  while (!(service.rooms.available && service.rooms.get(FANOUT_ROOM_ID))) {
    if (Date.now() > deadline) throw new Error(`room ${FANOUT_ROOM_ID} not loaded from the dev chain`);
    await sleep(ROOM_READY_POLL_MS);
  }
  const { hub } = service;
  return {
    port: Number(new URL(service.url).port),
    wsPath: '/ws',
    publish: (n) => hub.publishBlock(benchBlock(n, Math.round(eventClockUs()))),
    flushed: () => hub.flushed(),
    subscribers: () => hub.stats.connections,
  };
}

function liveHealth(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/health/live')
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  else res.writeHead(404).end();
}

async function listen(http: Server): Promise<number> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return (http.address() as AddressInfo).port;
}
