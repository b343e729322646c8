import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EVENT_ID_PATTERN } from '../src/realtime/chainEventMessage.js';
import { ClientFrame } from '../src/realtime/protocol.js';
import { WS_FRAME_BURST, WS_MAX_PAYLOAD_BYTES } from '../src/realtime/WebSocketGateway.js';
import { testPair } from '../test/support/testPair.js';
import { WsAuthSigner } from '../test/support/WsAuthSigner.js';
import { WsTestClient } from '../test/support/WsTestClient.js';
import { mutateRequestBody } from './support/mutateRequestBody.js';
import { Random } from './support/Random.js';
import { reliabilityScale } from './support/reliabilityScale.js';
import { reportFigure } from './support/reportFigure.js';
import { type JsonSchema, type PatternSamplers, sampleJsonSchema } from './support/sampleJsonSchema.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';

/** Frames per connection: under the burst, so the frame-rate limit does not end the fuzzing early. */
const FRAMES_PER_CONNECTION = WS_FRAME_BURST - 10;
const CONCURRENT_CONNECTIONS = 10;
const ROOM_IDS = 6;
const HEX = '0123456789abcdef';
const PATTERNS: PatternSamplers = {
  '^0x(?:[0-9a-fA-F]{2}){64,66}$': (random) => `0x${random.text(128, HEX)}`,
  [EVENT_ID_PATTERN.source]: (random) => `${random.int(50)}-${random.int(4)}`,
};
const FRAME_SCHEMA = z.toJSONSchema(ClientFrame, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

/** One fuzzed frame: mostly mutated protocol frames, some binary, some past the size limit. */
function fuzzFrame(random: Random, signer: WsAuthSigner): { data: Buffer | string; binary: boolean } {
  const roll = random.next();
  if (roll < 0.05) return { data: random.bytes(1 + random.int(256)), binary: true };
  if (roll < 0.07) return { data: 'x'.repeat(WS_MAX_PAYLOAD_BYTES + 1 + random.int(1024)), binary: false };
  if (roll < 0.1)
    return {
      data: JSON.stringify(signer.frame(testPair('sr25519', random.pick(['Alice', 'Bob'])))),
      binary: false,
    };
  const frame = sampleJsonSchema(FRAME_SCHEMA, random, PATTERNS);
  if (typeof frame === 'object' && frame !== null && 'roomId' in frame) {
    (frame as { roomId: number }).roomId = random.int(ROOM_IDS);
  }
  return { data: mutateRequestBody(frame, FRAME_SCHEMA, random).body, binary: false };
}

describe('fuzzed WebSocket frames against the server process', () => {
  const { counts } = reliabilityScale();
  const random = Random.fromEnv();
  let server: ServerProcess;
  let crashed = false;

  beforeAll(async () => {
    await cryptoWaitReady();
    server = await startServerProcess({ env: { LOG_LEVEL: 'warn' } });
    void server.exited.then(() => {
      crashed = true;
    });
    console.log(`fuzz seed ${random.seed} (replay with RELIABILITY_SEED=${random.seed})`);
  });
  afterAll(() => server?.stop('SIGKILL'));

  it('survives every frame and keeps serving a client in a room', async () => {
    const signer = new WsAuthSigner();
    const watcher = await WsTestClient.connect(server.wsUrl);
    watcher.send({ type: 'join-room', roomId: 0 });
    await watcher.nextOfType('room:joined');

    const closeCodes = new Map<number, number>();
    let sent = 0;
    let connections = 0;
    const fuzzOneConnection = async () => {
      const client = await WsTestClient.connect(server.wsUrl);
      connections++;
      const frames = Math.min(FRAMES_PER_CONNECTION, counts.fuzzWsFrames - sent);
      for (let i = 0; i < frames && client.socket.readyState === client.socket.OPEN; i++) {
        const frame = fuzzFrame(random, signer);
        client.socket.send(frame.data, { binary: frame.binary });
        sent++;
      }
      // Still open: the server has answered everything before its pong; closed: it said why.
      await client.settle().catch(() => undefined);
      await client.close();
      const { code } = await client.closed();
      closeCodes.set(code, (closeCodes.get(code) ?? 0) + 1);
    };
    const worker = async () => {
      while (sent < counts.fuzzWsFrames && !crashed) await fuzzOneConnection();
    };
    await Promise.all(Array.from({ length: CONCURRENT_CONNECTIONS }, worker));

    // The client that stayed is still in its room and answered.
    await watcher.settle();
    expect(watcher.socket.readyState).toBe(watcher.socket.OPEN);
    // A new client is served as before.
    const fresh = await WsTestClient.connect(server.wsUrl);
    fresh.send({ type: 'join-room', roomId: 0 });
    expect((await fresh.nextOfType('room:joined')).roomId).toBe(0);
    await fresh.close();
    await watcher.close();

    const codes = [...closeCodes].map(([code, n]) => `${code}×${n}`).join(', ');
    console.log(`${sent} frames over ${connections} connections; close codes ${codes}`);
    reportFigure({
      name: 'fuzz WebSocket frames: server crashes',
      value: crashed ? 1 : 0,
      unit: `after ${sent} frames`,
      goal: '0',
      met: !crashed,
    });
    expect(crashed).toBe(false);
    expect(sent).toBe(counts.fuzzWsFrames);
  });
});
