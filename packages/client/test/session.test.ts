import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLivestreamClient, type FetchLike, type SessionCredentials } from '../src/index.js';
import { EventRecorder } from './support/EventRecorder.js';
import { ScriptedServer } from './support/ScriptedServer.js';

/**
 * Sign-in sessions (Bearer access tokens) are what the client sends once the server has them: these
 * tests hold what goes on the wire, request by request and frame by frame.
 */
describe('a client with a sign-in session', () => {
  let server: ScriptedServer;
  let issued: number;
  const session: SessionCredentials = {
    address: '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty',
    accessToken: async () => `access-${++issued}`,
  };

  beforeEach(async () => {
    issued = 0;
    server = await ScriptedServer.start();
  });
  afterEach(() => server.close());

  it('sends a Bearer access token, asked for anew each call, instead of a body signature', async () => {
    const sent: { url: string; headers: Record<string, string>; body: unknown }[] = [];
    const fetch: FetchLike = async (url, init) => {
      sent.push({ url, headers: init.headers, body: JSON.parse(init.body ?? 'null') });
      return {
        status: 200,
        headers: { get: () => null },
        text: async () =>
          JSON.stringify({
            token: 'jwt',
            url: 'ws://lk',
            roomName: 'room-0',
            identity: session.address,
            expiresAt: 1,
          }),
      };
    };
    const client = createLivestreamClient({ baseUrl: 'https://api.example.com/', session, fetch });
    expect(client.address).toBe(session.address);
    await client.viewerToken(0);
    await client.coHostToken(2, 'video');
    expect(sent).toEqual([
      {
        url: 'https://api.example.com/api/livestream/viewer-token',
        headers: expect.objectContaining({ authorization: 'Bearer access-1' }),
        body: { roomId: 0 },
      },
      {
        url: 'https://api.example.com/api/livestream/co-host-token',
        headers: expect.objectContaining({ authorization: 'Bearer access-2' }),
        body: { roomId: 2, type: 'video' },
      },
    ]);
  });

  it('signs in on every (re)connection with {type:"auth", token}, then joins its rooms', async () => {
    const connection = createLivestreamClient({ baseUrl: server.baseUrl, session, WebSocket }).connect({
      backoff: { initialMs: 10, maxMs: 20 },
    });
    const recorder = new EventRecorder(connection, ['state']);
    try {
      void connection.join(0).catch(() => undefined);
      const first = await server.connection(0);
      expect(await server.frame(0, (f) => f.type === 'auth')).toEqual({ type: 'auth', token: 'access-1' });
      expect(server.frames[0]?.some((f) => f.type === 'join-room')).toBe(false);
      first.send(JSON.stringify({ type: 'auth:ok', address: session.address }));
      await server.frame(0, (f) => f.type === 'join-room');

      first.terminate();
      await recorder.next('state', (s) => s.state === 'reconnecting');
      expect(await server.frame(1, (f) => f.type === 'auth')).toEqual({ type: 'auth', token: 'access-2' });
    } finally {
      connection.close();
    }
  });
});
