import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES } from '../src/realtime/ClientConnection.js';
import { WS_MAX_CONNECTIONS_PER_IP } from '../src/realtime/WebSocketGateway.js';
import { RedisServer } from '../test/support/RedisServer.js';
import { WsTestClient } from '../test/support/WsTestClient.js';
import { loopbackSourceAddress } from './support/loopbackSourceAddress.js';
import { reliabilityScale } from './support/reliabilityScale.js';
import { reportFigure } from './support/reportFigure.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';
import { watchRssGrowth } from './support/watchRssGrowth.js';

const ROOM_ID = 0;
/** The room's channel of the Redis relay (REDIS_KEY_PREFIX default `livestream:`). */
const ROOM_CHANNEL = `livestream:room:${ROOM_ID}`;
/** Frames published at once; the next batch waits for the reading member to have this one. */
const FRAMES_PER_BATCH = 200;
const FRAME_BYTES = 1024;
/** A generous bound: every slow client may hold its 1 MiB, and the kernel its buffers, far below it. */
const RSS_GROWTH_BOUND_MB = 200;
const MIB = 1024 * 1024;
const RSS_SAMPLE_MS = 100;
const DELIVERY_TIMEOUT_MS = 120_000;

const { counts } = reliabilityScale();

/**
 * A WebSocket client written by hand, so it can stop reading entirely: it upgrades, joins the room,
 * waits for `room:joined`, then never reads another byte.
 */
async function stalledMember(port: number, localAddress: string): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  await once(socket, 'connect');
  socket.write(
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  socket.write(maskedTextFrame(JSON.stringify({ type: 'join-room', roomId: ROOM_ID })));
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('latin1');
      if (!seen.includes('room:joined')) return;
      socket.off('data', onData);
      socket.pause();
      resolve();
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  return socket;
}

/** A client-to-server text frame (clients must mask), for payloads under 126 bytes. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

async function droppedClients(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  return Number(/^livestream_ws_clients_dropped_total (\d+)/m.exec(text)?.[1] ?? Number.NaN);
}

describe('slow WebSocket consumers while a room is flooded (issue 14 item 5)', () => {
  let redis: RedisServer;
  let publisher: Redis;
  let server: ServerProcess;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await RedisServer.start();
    publisher = new Redis(redis.url);
    server = await startServerProcess({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    publisher?.disconnect();
    await server?.stop('SIGKILL');
    await redis?.stop();
  });

  it('drops clients that stop reading at their bound, keeps memory bounded, and a reading client gets everything', async () => {
    const port = Number(new URL(server.baseUrl).port);
    const reader = await WsTestClient.connect(server.wsUrl);
    reader.send({ type: 'join-room', roomId: ROOM_ID });
    await reader.nextOfType('room:joined');
    // Spread over addresses: at the full scale they are as many as one address may open (the per-IP cap).
    for (let i = 0; i < counts.slowConsumers; i++) {
      sockets.push(await stalledMember(port, loopbackSourceAddress(i, WS_MAX_CONNECTIONS_PER_IP)));
    }
    const droppedBefore = await droppedClients(server);

    // The room's events as another instance relays them (presence frames), padded to 1 KiB.
    const frame = (i: number) => {
      const head = `{"type":"viewer:joined","roomId":${ROOM_ID},"address":"flood-${i}-`;
      return `flood-peer\n${head}${'x'.repeat(FRAME_BYTES - head.length - 2)}"}`;
    };
    const rss = watchRssGrowth(server.rssBytes, RSS_SAMPLE_MS);
    let growthMb: number;
    try {
      // As fast as a reading member takes it (each batch once it has the one before): this box's
      // speed sets the pace, and the stalled members fall behind all the same.
      for (let sent = 0; sent < counts.floodFrames; sent += FRAMES_PER_BATCH) {
        const end = Math.min(sent + FRAMES_PER_BATCH, counts.floodFrames);
        const pipeline = publisher.pipeline();
        for (let i = sent; i < end; i++) pipeline.publish(ROOM_CHANNEL, frame(i));
        await pipeline.exec();
        const last = `flood-${end - 1}-`;
        await reader.next((m) => String(m.address).startsWith(last), DELIVERY_TIMEOUT_MS);
      }
    } finally {
      growthMb = rss.stop();
    }

    const received = reader.all((m) => String(m.address).startsWith('flood-')).length;
    const dropped = (await droppedClients(server)) - droppedBefore;
    const floodMb = Math.round((counts.floodFrames * FRAME_BYTES) / MIB);
    reportFigure({
      name: `slow consumers: dropped at the ${MAX_BUFFERED_BYTES / MIB} MiB bound (of ${counts.slowConsumers}, room flooded with ${floodMb} MB)`,
      value: dropped,
      unit: 'clients',
      goal: String(counts.slowConsumers),
      met: dropped === counts.slowConsumers,
    });
    reportFigure({
      name: `slow consumers: server RSS growth during the flood (${counts.slowConsumers} stalled clients)`,
      value: growthMb,
      unit: 'MB',
      goal: `< ${RSS_GROWTH_BOUND_MB} MB`,
      met: growthMb < RSS_GROWTH_BOUND_MB,
    });
    reportFigure({
      name: 'slow consumers: frames a reading member received',
      value: received,
      unit: `of ${counts.floodFrames}`,
      goal: String(counts.floodFrames),
      met: received === counts.floodFrames,
    });
    expect(dropped).toBe(counts.slowConsumers);
    expect(growthMb).toBeLessThan(RSS_GROWTH_BOUND_MB);
    expect(received).toBe(counts.floodFrames);
    await reader.close();
  });
});
