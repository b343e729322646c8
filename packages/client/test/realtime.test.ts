import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestService, type TestService } from '../../../test/support/startTestService.js';
import { testPair } from '../../../test/support/testPair.js';
import { createLivestreamClient, keyringSigner, type RealtimeConnection } from '../src/index.js';
import { EventRecorder } from './support/EventRecorder.js';

const ROCKET = 1;

describe('the realtime connection against the server', () => {
  let service: TestService;
  const open: RealtimeConnection[] = [];

  beforeAll(async () => {
    service = await startTestService();
  });
  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
  });
  afterAll(() => service?.close());

  function connect(
    name?: string,
    options: Parameters<ReturnType<typeof createLivestreamClient>['connect']>[0] = {},
  ) {
    const client = createLivestreamClient({
      baseUrl: service.url,
      WebSocket,
      ...(name ? { signer: keyringSigner(testPair('sr25519', name)) } : {}),
    });
    const connection = client.connect(options);
    open.push(connection);
    const recorder = new EventRecorder(connection, [
      'state',
      'error',
      'auth:ok',
      'room:joined',
      'room:reset',
      'gift:received',
      'viewer:joined',
      'viewers:count',
      'chain:event',
      'unknown',
    ]);
    return { connection, recorder };
  }

  function dropServerConnections() {
    for (const conn of service.hub.connections()) conn.socket.terminate();
  }

  it('authenticates, joins a room and delivers its chain events typed', async () => {
    const { connection, recorder } = connect('Bob');
    const joined = await connection.join(0);
    expect(joined).toMatchObject({ type: 'room:joined', roomId: 0, room: { id: 0, status: 'Live' } });
    expect(await recorder.next('auth:ok')).toEqual({
      type: 'auth:ok',
      address: testPair('sr25519', 'Bob').address,
    });
    await service.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 2);
    const gift = await recorder.next('gift:received');
    expect(gift).toMatchObject({
      roomId: 0,
      data: { sender: testPair('sr25519', 'Charlie').address, giftId: ROCKET, quantity: 2 },
    });
    expect(gift.id).toMatch(/^\d+-\d+$/);
    expect(connection.rooms.get(0)).toBe(gift.id);
    expect(recorder.all('error')).toEqual([]);
  });

  it('shows authenticated joiners to the room: viewer:joined and the viewer count', async () => {
    const watcher = connect();
    await watcher.connection.join(0);
    const dave = connect('Dave');
    const joined = await dave.connection.join(0);
    const seen = await watcher.recorder.next('viewer:joined');
    expect(seen).toEqual({ type: 'viewer:joined', roomId: 0, address: testPair('sr25519', 'Dave').address });
    const count = await watcher.recorder.next('viewers:count');
    expect(count.count).toBe(joined.viewers);
  });

  it('reconnects after the server drops it, re-joins and replays what it missed, each event once', async () => {
    // A long backoff, cut short by reconnect(): the gift certainly happens while disconnected.
    const { connection, recorder } = connect('Bob', { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await connection.join(0);
    await service.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 1);
    const before = await recorder.next('gift:received');

    dropServerConnections();
    const lost = await recorder.next('state', (s) => s.state === 'reconnecting');
    expect(lost.retryInMs).toBeGreaterThanOrEqual(30_000);
    await service.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 3);
    connection.reconnect();

    const missed = await recorder.next('gift:received');
    expect(missed.data.quantity).toBe(3);
    const rejoined = await recorder.next('room:joined');
    expect(rejoined.lastEventId).toBe(missed.id);
    expect(missed.id > before.id || missed.block.number > before.block.number).toBe(true);
    await service.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 4);
    expect((await recorder.next('gift:received')).data.quantity).toBe(4);
    expect(recorder.all('gift:received').map((g) => g.data.quantity)).toEqual([1, 3, 4]);
    expect(recorder.all('room:reset')).toEqual([]);
  });

  it('reconnects on its own, with a short jittered delay, when the server drops it', async () => {
    const { connection, recorder } = connect(undefined, { backoff: { initialMs: 100, maxMs: 1_000 } });
    await connection.join(0);
    dropServerConnections();
    const lost = await recorder.next('state', (s) => s.state === 'reconnecting');
    expect(lost.retryInMs).toBeGreaterThanOrEqual(50);
    expect(lost.retryInMs).toBeLessThanOrEqual(100);
    await recorder.next('room:joined');
    expect(connection.state).toBe('open');
  });

  it('rejects a join of a room that does not exist, and keeps the others', async () => {
    const { connection, recorder } = connect();
    await expect(connection.join(4242)).rejects.toMatchObject({ code: 'ROOM_NOT_FOUND' });
    await connection.join(0);
    expect([...connection.rooms.keys()]).toEqual([0]);
    expect((await recorder.next('error')).code).toBe('ROOM_NOT_FOUND');
  });

  it('gets no more events of a room it left', async () => {
    const { connection, recorder } = connect();
    await connection.join(0);
    await connection.join(3);
    connection.leave(0);
    await service.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 5);
    await service.send('Charlie', 'livestream', 'sendGift', 3, ROCKET, 6);
    const gift = await recorder.next('gift:received');
    expect(gift.roomId).toBe(3);
    expect(recorder.all('gift:received').map((g) => g.roomId)).toEqual([3]);
  });

  it('stops for good when the signature is refused (no reconnect loop)', async () => {
    const client = createLivestreamClient({
      baseUrl: service.url,
      WebSocket,
      signer: { address: testPair('sr25519', 'Bob').address, signText: async () => `0x${'00'.repeat(64)}` },
    });
    const connection = client.connect();
    open.push(connection);
    const recorder = new EventRecorder(connection, ['error', 'state']);
    const error = await recorder.next('error');
    expect(error).toMatchObject({ code: 'AUTH_FAILED', fatal: true });
    expect(connection.state).toBe('closed');
    await expect(connection.join(0)).rejects.toMatchObject({ code: 'CLOSED' });
    expect(recorder.all('state').map((s) => s.state)).toEqual(['authenticating', 'closed']);
  });

  it('waits at least the rate-limit delay after a 4429 close (too many connections from one address)', async () => {
    const hogs: WebSocket[] = [];
    try {
      const perAddressLimit = 100;
      for (let i = 0; i < perAddressLimit; i++) {
        const socket = new WebSocket(`${service.url.replace('http', 'ws')}/ws`);
        hogs.push(socket);
        await new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
      }
      const { recorder } = connect(undefined, { rateLimitedDelayMs: 20_000 });
      const error = await recorder.next('error');
      expect(error.code).toBe('RATE_LIMITED');
      const state = await recorder.next('state', (s) => s.state === 'reconnecting');
      expect(state).toMatchObject({ closeCode: 4429 });
      expect(state.retryInMs).toBeGreaterThanOrEqual(20_000);
    } finally {
      for (const socket of hogs) socket.terminate();
    }
  });
});
