import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/realtime/protocol.js';
import { WS_SIGN_INS_PER_ACCOUNT } from '../../src/realtime/SignInBudget.js';
import { WS_MAX_PAYLOAD_BYTES } from '../../src/realtime/WebSocketGateway.js';
import { signIn } from '../support/SiwsSigner.js';
import { startTestGateway, type TestGateway } from '../support/startTestGateway.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';
import { WORKER_WARMUP_MS, WsAuthSigner } from '../support/WsAuthSigner.js';
import { WsTestClient } from '../support/WsTestClient.js';

const ALLOWED_ORIGIN = 'https://app.example.com';

describe('WebSocketGateway', () => {
  let service: TestService;
  let base: string;
  let wsUrl: string;
  const signer = new WsAuthSigner();
  const clients: WsTestClient[] = [];
  let viewer: KeyringPair;

  async function connect(url = wsUrl, options: { origin?: string; autoPong?: boolean } = {}) {
    const client = await WsTestClient.connect(url, options);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    service = await startTestService({ env: { CORS_ORIGIN: ALLOWED_ORIGIN } });
    base = service.url.replace('http', 'ws');
    wsUrl = `${base}/ws`;
    viewer = testPair('sr25519', 'GatewayViewer');
    const warmUp = await WsTestClient.connect(wsUrl);
    await signer.authenticate(warmUp, testPair('sr25519', 'WarmUp'), WORKER_WARMUP_MS);
    await warmUp.close();
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await service?.close();
  });

  describe('upgrades', () => {
    it('accepts upgrades at / and /ws (with a query string too) and refuses other paths with 404', async () => {
      for (const path of ['/', '/ws', '/ws?v=1']) {
        const client = await connect(`${base}${path}`);
        await client.settle();
      }
      await expect(WsTestClient.connect(`${base}/socket.io`)).rejects.toThrow('upgrade refused: 404');
    });

    it('refuses a foreign Origin with 403 and accepts no Origin (native app) or an allowed one', async () => {
      await expect(WsTestClient.connect(wsUrl, { origin: 'https://evil.example' })).rejects.toThrow(
        'upgrade refused: 403',
      );
      await expect(WsTestClient.connect(wsUrl, { origin: 'null' })).rejects.toThrow('upgrade refused: 403');
      await (await connect(wsUrl, { origin: ALLOWED_ORIGIN })).settle();
      await (await connect(wsUrl)).settle();
    });
  });

  describe('bad frames', () => {
    it('answers each bad frame with an error and keeps the connection usable', async () => {
      const client = await connect();
      const cases: [string | Buffer, string][] = [
        ['{not json', 'BAD_FRAME'],
        ['[1,2]', 'BAD_FRAME'],
        ['42', 'BAD_FRAME'],
        ['null', 'BAD_FRAME'],
        [JSON.stringify({ roomId: 0 }), 'UNKNOWN_TYPE'],
        [JSON.stringify({ type: 'subscribe', roomId: 0 }), 'UNKNOWN_TYPE'],
        [JSON.stringify({ type: 'join-room', roomId: -1 }), 'VALIDATION_ERROR'],
        [JSON.stringify({ type: 'join-room', roomId: 'abc' }), 'VALIDATION_ERROR'],
        [JSON.stringify({ type: 'join-room', roomId: 1.5 }), 'VALIDATION_ERROR'],
        [JSON.stringify({ type: 'join-room' }), 'VALIDATION_ERROR'],
        [JSON.stringify({ type: 'join-room', roomId: 0, since: 'yesterday' }), 'VALIDATION_ERROR'],
        [JSON.stringify({ type: 'auth', address: 'x' }), 'VALIDATION_ERROR'],
        [JSON.stringify({ type: 'join-room', roomId: 999_999 }), 'ROOM_NOT_FOUND'],
        [JSON.stringify({ type: 'leave-room', roomId: 0 }), 'NOT_JOINED'],
      ];
      for (const [frame, code] of cases) {
        client.send(frame);
        const error = await client.nextOfType('error');
        expect(error, String(frame)).toEqual({ type: 'error', code, message: expect.any(String) });
      }
      client.socket.send(Buffer.from(JSON.stringify({ type: 'ping' })), { binary: true });
      expect(await client.nextOfType('error')).toMatchObject({ code: 'BAD_FRAME' });
      // Still usable: room 0 joins and the connection answers pings.
      client.send({ type: 'join-room', roomId: 0 });
      expect(await client.nextOfType('room:joined')).toMatchObject({ roomId: 0, room: { id: 0 } });
      client.send({ type: 'leave-room', roomId: 0 });
      expect(await client.nextOfType('room:left')).toEqual({ type: 'room:left', roomId: 0 });
      client.send({ type: 'ping' });
      expect(await client.nextOfType('pong')).toEqual({ type: 'pong' });
    });

    it('closes the connection with 1009 on a frame larger than maxPayload', async () => {
      const client = await connect();
      client.send({ type: 'ping', pad: 'x'.repeat(WS_MAX_PAYLOAD_BYTES) });
      expect((await client.closed()).code).toBe(CloseCode.MessageTooBig);
    });

    it('closes a flooding client with 4429 after its burst', async () => {
      const client = await connect();
      for (let i = 0; i < 200; i++) client.send({ type: 'ping' });
      expect(await client.closed()).toEqual({ code: CloseCode.TooManyRequests, reason: 'too many frames' });
      const pongs = client.all((m) => m.type === 'pong').length;
      expect(pongs).toBeGreaterThan(0);
      expect(pongs).toBeLessThan(200);
    });
  });

  describe('auth', () => {
    it('answers a valid signed auth with auth:ok and the SS58-42 address, whatever form was sent', async () => {
      const client = await connect();
      client.send(signer.frame(viewer));
      expect(await client.nextOfType('auth:ok')).toEqual({ type: 'auth:ok', address: viewer.address });
      const polkadotForm = encodeAddress(viewer.publicKey, 0);
      client.send({ ...signer.frame(viewer), address: polkadotForm });
      expect(await client.nextOfType('auth:ok')).toEqual({ type: 'auth:ok', address: viewer.address });
      client.send({ ...signer.frame(viewer), address: u8aToHex(viewer.publicKey) });
      expect(await client.nextOfType('auth:ok')).toEqual({ type: 'auth:ok', address: viewer.address });
    });

    it('closes with 4429 and a retry hint past an account’s sign-in budget, before checking the signature', async () => {
      const client = await connect();
      const flooder = testPair('sr25519', 'SignInFlooder');
      for (let i = 0; i < WS_SIGN_INS_PER_ACCOUNT; i++) {
        client.send(signer.frame(flooder));
        expect((await client.nextOfType('auth:ok')).address).toBe(flooder.address);
      }
      client.send(signer.frame(flooder));
      const closed = await client.closed();
      expect(closed.code).toBe(CloseCode.TooManyRequests);
      expect(closed.reason).toMatch(/^too many sign-ins: retry after \d+ s$/);
    });

    it('refuses a bad signature, a reused one and an expired one with AUTH_FAILED; the connection stays', async () => {
      const client = await connect();
      const mallory = testPair('sr25519', 'Mallory');
      const forged = { ...signer.frame(mallory), address: viewer.address };
      const used = signer.frame(viewer);
      const expired = signer.frame(viewer, Date.now() - 24 * 3_600_000);
      const attempts: [object, string][] = [
        [forged, 'INVALID_SIGNATURE'],
        [expired, 'SIGNATURE_EXPIRED'],
      ];
      for (const [frame, reason] of attempts) {
        client.send(frame);
        expect(await client.nextOfType('error')).toEqual({
          type: 'error',
          code: 'AUTH_FAILED',
          message: expect.stringContaining(reason),
        });
      }
      client.send(used);
      expect(await client.nextOfType('auth:ok')).toEqual({ type: 'auth:ok', address: viewer.address });
      const other = await connect();
      other.send(used);
      expect(await other.nextOfType('error')).toEqual({
        type: 'error',
        code: 'AUTH_FAILED',
        message: expect.stringContaining('SIGNATURE_REUSED'),
      });
      // Refused auth leaves the connection anonymous but usable: joining shows no viewer.
      const member = await connect();
      member.send({ type: 'join-room', roomId: 3 });
      await member.nextOfType('room:joined');
      other.send({ type: 'join-room', roomId: 3 });
      expect(await other.nextOfType('room:joined')).toMatchObject({ roomId: 3, viewers: 0 });
      await member.settle();
      expect(member.all((m) => m.type === 'viewer:joined')).toEqual([]);
    });
  });

  describe('auth with a sign-in session', () => {
    it('answers {type: "auth", token} with auth:ok for the session address, and counts it in presence', async () => {
      const pair = testPair('ed25519', 'GatewaySession');
      const session = await signIn(service.server, pair, { wrapped: true });
      const client = await connect();
      client.send({ type: 'auth', token: session.accessToken });
      expect(await client.nextOfType('auth:ok')).toEqual({ type: 'auth:ok', address: pair.address });
      const watcher = await connect();
      watcher.send({ type: 'join-room', roomId: 3 });
      await watcher.nextOfType('room:joined');
      client.send({ type: 'join-room', roomId: 3 });
      expect(await watcher.nextOfType('viewer:joined')).toMatchObject({ roomId: 3, address: pair.address });
    });

    it('refuses tampered, ended and mixed token frames; the connection stays anonymous and open', async () => {
      const pair = testPair('sr25519', 'GatewaySessionBad');
      const session = await signIn(service.server, pair);
      const client = await connect();
      client.send({ type: 'auth', token: `${session.accessToken}x` });
      expect(await client.nextOfType('error')).toEqual({
        type: 'error',
        code: 'AUTH_FAILED',
        message: expect.stringContaining('TOKEN_INVALID'),
      });
      client.send({ type: 'auth', token: session.accessToken, address: pair.address });
      expect(await client.nextOfType('error')).toMatchObject({ code: 'VALIDATION_ERROR' });
      await request(service.server)
        .post('/api/livestream/auth/logout')
        .send({ refreshToken: session.refreshToken })
        .expect(200);
      client.send({ type: 'auth', token: session.accessToken });
      expect(await client.nextOfType('error')).toEqual({
        type: 'error',
        code: 'AUTH_FAILED',
        message: expect.stringContaining('SESSION_REVOKED'),
      });
      client.send({ type: 'ping' });
      await client.nextOfType('pong');
    });
  });

  describe('limits of a gateway built with small ones', () => {
    let gateway: TestGateway;

    beforeAll(async () => {
      gateway = await startTestGateway({
        rooms: service.rooms,
        logger: service.logs.logger,
        hub: { maxRoomsPerConnection: 2 },
        gateway: { heartbeatMs: 100, maxConnectionsPerIp: 3 },
      });
    });

    afterAll(() => gateway?.close());

    it('closes connections past the per-IP cap with 4429 and admits again once one leaves', async () => {
      const first = await connect(gateway.wsUrl);
      const kept = [await connect(gateway.wsUrl), await connect(gateway.wsUrl)];
      const extra = await connect(gateway.wsUrl);
      expect(await extra.closed()).toEqual({
        code: CloseCode.TooManyRequests,
        reason: 'too many connections from this address',
      });
      await first.close();
      const again = await connect(gateway.wsUrl);
      await again.settle();
      for (const client of kept) await client.settle();
      await Promise.all([again, ...kept].map((c) => c.close()));
    });

    it('refuses to join more rooms than the per-connection cap with TOO_MANY_ROOMS', async () => {
      const client = await connect(gateway.wsUrl);
      for (const roomId of [0, 1]) {
        client.send({ type: 'join-room', roomId });
        await client.nextOfType('room:joined', (m) => m.roomId === roomId);
      }
      client.send({ type: 'join-room', roomId: 3 });
      expect(await client.nextOfType('error')).toMatchObject({ code: 'TOO_MANY_ROOMS' });
      // Joining a room again is no extra room; leaving one frees a place.
      client.send({ type: 'join-room', roomId: 0 });
      await client.nextOfType('room:joined', (m) => m.roomId === 0);
      client.send({ type: 'leave-room', roomId: 1 });
      await client.nextOfType('room:left');
      client.send({ type: 'join-room', roomId: 3 });
      await client.nextOfType('room:joined', (m) => m.roomId === 3);
      await client.close();
    });

    it('closes a client that does not answer protocol pings with 4408, and keeps one that does', async () => {
      const silent = await connect(gateway.wsUrl, { autoPong: false });
      const healthy = await connect(gateway.wsUrl);
      expect(await silent.closed()).toEqual({
        code: CloseCode.HeartbeatTimeout,
        reason: 'heartbeat timeout',
      });
      // The healthy client has been through the same heartbeats and is still served.
      await healthy.settle();
      await healthy.close();
    });
  });

  describe('shutdown', () => {
    it('sends server:shutdown to every client and closes them with 1001', async () => {
      const a = await connect();
      const b = await connect();
      b.send({ type: 'join-room', roomId: 0 });
      await b.nextOfType('room:joined');
      await service.close();
      for (const client of [a, b]) {
        expect(await client.nextOfType('server:shutdown')).toEqual({ type: 'server:shutdown' });
        expect((await client.closed()).code).toBe(CloseCode.GoingAway);
      }
    });
  });
});
