import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  createLivestreamClient,
  MAX_ROOMS,
  type RealtimeConnection,
  type RealtimeOptions,
} from '../src/index.js';
import { EventRecorder } from './support/EventRecorder.js';
import { ScriptedServer } from './support/ScriptedServer.js';

const ALL_TYPES = [
  'state',
  'error',
  'unknown',
  'chain:event',
  'gift:received',
  'room:joined',
  'block:finalized',
  'events:retracted',
] as const;

function giftEvent(id: string, extra: Record<string, unknown> = {}) {
  const [block] = id.split('-');
  return {
    type: 'gift:received',
    id,
    roomId: 0,
    block: { number: Number(block), hash: `0x${'ab'.repeat(32)}` },
    data: { roomId: 0, quantity: 1 },
    ...extra,
  };
}

function joinedFrame(lastEventId: string | null) {
  return JSON.stringify({ type: 'room:joined', roomId: 0, room: { id: 0 }, viewers: 0, lastEventId });
}

describe('the realtime connection with a scripted server', () => {
  let server: ScriptedServer;
  let connection: RealtimeConnection | undefined;

  beforeEach(async () => {
    server = await ScriptedServer.start();
  });
  afterEach(async () => {
    connection?.close();
    await server.close();
  });

  function connect(options: RealtimeOptions = {}) {
    connection = createLivestreamClient({ baseUrl: server.baseUrl, WebSocket }).connect(options);
    return { connection, recorder: new EventRecorder(connection, ALL_TYPES) };
  }

  it('reports messages of unknown types and malformed frames, and carries on', async () => {
    const { connection, recorder } = connect();
    const socket = await server.connection(0);
    socket.send(JSON.stringify({ type: 'brand:new', value: 1 }));
    socket.send('not json');
    socket.send(JSON.stringify({ no: 'type' }));
    socket.send(JSON.stringify(giftEvent('5-0')));
    expect(await recorder.next('unknown')).toEqual({ message: { type: 'brand:new', value: 1 } });
    expect((await recorder.next('error')).code).toBe('BAD_MESSAGE');
    expect((await recorder.next('error')).code).toBe('BAD_MESSAGE');
    expect((await recorder.next('gift:received')).id).toBe('5-0');
    expect(connection.state).toBe('open');
  });

  it('passes on best-block events with `final`, finality and retractions, and resumes before a retracted event', async () => {
    const { connection, recorder } = connect({ backoff: { initialMs: 20, maxMs: 40 } });
    const joining = connection.join(0);
    const socket = await server.connection(0);
    await server.frame(0, (f) => f.type === 'join-room');
    socket.send(joinedFrame('3-0'));
    await joining;
    socket.send(JSON.stringify(giftEvent('4-0', { final: false })));
    socket.send(JSON.stringify(giftEvent('4-1', { final: false })));
    socket.send(JSON.stringify({ type: 'block:finalized', number: 4 }));
    socket.send(JSON.stringify({ type: 'events:retracted', roomId: 0, ids: ['4-1'] }));
    expect((await recorder.next('gift:received')).final).toBe(false);
    expect(await recorder.next('block:finalized')).toEqual({ type: 'block:finalized', number: 4 });
    expect(await recorder.next('events:retracted')).toMatchObject({ ids: ['4-1'] });
    expect(connection.rooms.get(0)).toBe('4-0');

    socket.terminate();
    const rejoin = await server.frame(1, (f) => f.type === 'join-room');
    expect(rejoin).toEqual({ type: 'join-room', roomId: 0, since: '4-0' });
  });

  it('delivers each event once when a replay overlaps what already arrived', async () => {
    const { connection, recorder } = connect();
    const joining = connection.join(0);
    const socket = await server.connection(0);
    await server.frame(0, (f) => f.type === 'join-room');
    socket.send(joinedFrame(null));
    await joining;
    for (const id of ['7-0', '7-1', '7-0', '7-1', '8-0']) socket.send(JSON.stringify(giftEvent(id)));
    await recorder.next('gift:received', (g) => g.id === '8-0');
    expect(recorder.all('gift:received').map((g) => g.id)).toEqual(['7-0', '7-1', '8-0']);
  });

  it('keeps delivering to the other listeners when one throws, and reports it', async () => {
    const { connection, recorder } = connect();
    connection.on('gift:received', () => {
      throw new Error('app bug');
    });
    const socket = await server.connection(0);
    socket.send(JSON.stringify(giftEvent('9-0')));
    expect((await recorder.next('gift:received')).id).toBe('9-0');
    expect(await recorder.next('error')).toMatchObject({ code: 'LISTENER_ERROR', fatal: false });
  });

  it('gives up on a server that stops answering its heartbeat, and reconnects', async () => {
    const { recorder } = connect({
      heartbeatIntervalMs: 50,
      heartbeatTimeoutMs: 100,
      backoff: { initialMs: 20, maxMs: 40 },
    });
    await server.connection(0);
    await server.frame(0, (f) => f.type === 'ping');
    const lost = await recorder.next('state', (s) => s.state === 'reconnecting');
    expect(lost).toMatchObject({ closeCode: 4000, reason: 'heartbeat timeout' });
    await server.connection(1);
  });

  it('stops for good on close 1008, without reconnecting', async () => {
    const { connection, recorder } = connect({ backoff: { initialMs: 10, maxMs: 20 } });
    const socket = await server.connection(0);
    socket.close(1008, 'authentication refused');
    expect(await recorder.next('error')).toMatchObject({ code: 'POLICY_VIOLATION', fatal: true });
    await connection.when('closed');
    expect(recorder.all('state').map((s) => s.state)).toEqual(['open', 'closed']);
  });

  it('bounds the rooms it keeps to the server limit', async () => {
    const { connection } = connect();
    const joins = Array.from({ length: MAX_ROOMS }, (_, roomId) => connection.join(roomId));
    for (const join of joins) join.catch(() => undefined);
    await expect(connection.join(MAX_ROOMS)).rejects.toMatchObject({ code: 'TOO_MANY_ROOMS' });
    await expect(connection.join(-1)).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(connection.join(1, { since: 'yesterday' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
    connection.close();
    await expect(joins[0]).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
