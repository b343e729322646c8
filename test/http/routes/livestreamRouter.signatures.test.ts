import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToU8a, u8aToHex } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import type { KeypairType } from '@polkadot/util-crypto/types';
import { TokenVerifier } from 'livekit-server-sdk';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AddressField, RequestSigner, type SignedRoomBody } from '../../support/RequestSigner.js';
import { startTestService, type TestService } from '../../support/startTestService.js';
import { testPair } from '../../support/testPair.js';

const API = '/api/livestream';
const SCHEMES: readonly KeypairType[] = ['sr25519', 'ed25519', 'ecdsa'];

type Endpoint = 'publisher-token' | 'viewer-token' | 'co-host-token' | 'viewer-leave';

describe('signed requests (full service on the dev chain, real keyring pairs)', () => {
  let service: TestService;
  let verifier: TokenVerifier;
  const signer = new RequestSigner();

  const post = (endpoint: Endpoint, body: SignedRoomBody | Record<string, unknown>) =>
    request(service.server).post(`${API}/${endpoint}`).send(body);
  const expectError = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, body: res.body }).toEqual({
      status,
      body: { error: { code, message: expect.any(String) } },
    });
  };
  const identityOf = async (res: request.Response) => {
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const claims = await verifier.verify(res.body.token);
    expect(res.body.identity).toBe(claims.sub);
    return claims.sub;
  };
  const pairs = () => service.devchain.chain.pairs;
  const maxAgeMs = () => service.config.auth.signatureMaxAgeMs;

  beforeAll(async () => {
    service = await startTestService();
    verifier = new TokenVerifier(service.config.livekit.apiKey, service.config.livekit.apiSecret);
  });

  afterAll(async () => {
    await service?.close();
  });

  describe('signature schemes and forms', () => {
    for (const type of SCHEMES) {
      for (const wrapped of [false, true]) {
        it(`accepts a ${type} viewer signing the ${wrapped ? '<Bytes>-wrapped' : 'raw'} text`, async () => {
          const viewer = testPair(type, `SigViewer-${type}-${wrapped}`);
          const res = await post('viewer-token', signer.sign(viewer, 0, { wrapped }));
          expect(await identityOf(res)).toBe(viewer.address);
        });
      }

      it(`accepts a ${type} signature in MultiSignature form (with its type byte)`, async () => {
        const viewer = testPair(type, `SigMulti-${type}`);
        const res = await post('viewer-token', signer.sign(viewer, 0, { withType: true, wrapped: true }));
        expect(await identityOf(res)).toBe(viewer.address);
      });
    }

    it('gives an ed25519 host publisher and viewer-side tokens, and an ed25519 co-host its token', async () => {
      const host = testPair('ed25519', 'SigEdHost');
      await service.fund(host.address);
      const roomId = await service.createRoom(host, { title: 'ed25519 room' });
      await service.send(host, 'livestream', 'startLive', roomId);
      const publisher = await post('publisher-token', signer.sign(host, roomId));
      expect(await identityOf(publisher)).toBe(host.address);
      expect((await verifier.verify(publisher.body.token)).video?.canPublish).toBe(true);

      const coHost = testPair('ed25519', 'SigEdCoHost');
      await service.send(host, 'livestream', 'startCoHost', roomId, coHost.address);
      const res = await post(
        'co-host-token',
        signer.sign(coHost, roomId, { wrapped: true, extra: { type: 'video' } }),
      );
      expect(await identityOf(res)).toBe(coHost.address);
      expect((await verifier.verify(res.body.token)).video?.canPublishSources).toEqual([
        'camera',
        'microphone',
      ]);
    });

    it('gives an ecdsa host a publisher token and an ecdsa co-host its token; identity is the account, not the key', async () => {
      const host = testPair('ecdsa', 'SigEcdsaHost');
      expect(host.publicKey.length).toBe(33);
      await service.fund(host.address);
      const roomId = await service.createRoom(host, { title: 'ecdsa room' });
      // Preparing is enough for the host.
      const publisher = await post('publisher-token', signer.sign(host, roomId));
      expect(await identityOf(publisher)).toBe(host.address);

      const coHost = testPair('ecdsa', 'SigEcdsaCoHost');
      await service.send('Alice', 'livestream', 'startCoHost', 0, coHost.address);
      const res = await post('co-host-token', signer.sign(coHost, 0));
      expect(await identityOf(res)).toBe(coHost.address);
    });
  });

  describe('addresses', () => {
    const cases: [Endpoint, AddressField, () => KeyringPair, number][] = [
      ['publisher-token', 'publicKey', () => pairs().Alice, 0],
      ['publisher-token', 'address', () => pairs().Alice, 0],
      ['viewer-token', 'viewerAddress', () => pairs().Dave, 0],
      ['viewer-token', 'address', () => pairs().Dave, 0],
      ['co-host-token', 'coHostAddress', () => pairs().Eve, 0],
      ['co-host-token', 'address', () => pairs().Eve, 0],
      ['viewer-leave', 'viewerAddress', () => pairs().Dave, 0],
      ['viewer-leave', 'address', () => pairs().Dave, 0],
    ];
    for (const [endpoint, field, pair, roomId] of cases) {
      it(`${endpoint} takes the caller in "${field}"`, async () => {
        const res = await post(endpoint, signer.sign(pair(), roomId, { field }));
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        if (endpoint !== 'viewer-leave') expect(res.body.identity).toBe(pair().address);
      });
    }

    it('names the missing address field in the 400', async () => {
      for (const [endpoint, field] of [
        ['publisher-token', 'publicKey'],
        ['viewer-token', 'viewerAddress'],
        ['co-host-token', 'coHostAddress'],
        ['viewer-leave', 'viewerAddress'],
      ] as const) {
        const { address: _address, ...body } = signer.sign(pairs().Dave, 0);
        const res = await post(endpoint, body);
        expectError(res, 400, 'VALIDATION_ERROR');
        expect(res.body.error.message).toContain(field);
      }
    });

    it('reads SS58 with any prefix and 0x public keys, and always answers with the SS58-42 address', async () => {
      const viewer = testPair('sr25519', 'SigAddressForms');
      for (const address of [
        encodeAddress(viewer.publicKey, 0),
        encodeAddress(viewer.publicKey, 2),
        u8aToHex(viewer.publicKey),
        viewer.address,
      ]) {
        const res = await post('viewer-token', signer.sign(viewer, 0, { address, field: 'viewerAddress' }));
        expect(await identityOf(res), address).toBe(viewer.address);
      }
      const ecdsa = testPair('ecdsa', 'SigEcdsaKeyForm');
      const res = await post('viewer-token', signer.sign(ecdsa, 0, { address: u8aToHex(ecdsa.publicKey) }));
      expect(await identityOf(res)).toBe(ecdsa.address);
    });

    it('refuses malformed addresses with 400 VALIDATION_ERROR', async () => {
      const { Dave } = pairs();
      const bad = [
        `${Dave.address.slice(0, -1)}${Dave.address.endsWith('a') ? 'b' : 'a'}`,
        '0x1234',
        'not an address',
        'x'.repeat(101),
      ];
      for (const address of bad) {
        expectError(await post('viewer-token', signer.sign(Dave, 0, { address })), 400, 'VALIDATION_ERROR');
      }
    });
  });

  describe('single use', () => {
    it('accepts a signed message once: the same body again gets 401 SIGNATURE_REUSED', async () => {
      const body = signer.sign(pairs().Dave, 0);
      expect((await post('viewer-token', body)).status).toBe(200);
      expectError(await post('viewer-token', body), 401, 'SIGNATURE_REUSED');
    });

    it('refuses the same message with a fresh signature or another address form (sr25519 signatures vary)', async () => {
      const viewer = testPair('sr25519', 'SigReplayForms');
      const timestamp = signer.timestamp();
      const first = signer.sign(viewer, 0, { timestamp });
      const again = signer.sign(viewer, 0, { timestamp, address: u8aToHex(viewer.publicKey) });
      expect(again.signature).not.toBe(first.signature);
      expect((await post('viewer-token', first)).status).toBe(200);
      expectError(await post('viewer-token', again), 401, 'SIGNATURE_REUSED');
      expectError(
        await post('viewer-token', signer.sign(viewer, 0, { timestamp, wrapped: true })),
        401,
        'SIGNATURE_REUSED',
      );
    });

    it('refuses a message used on one endpoint on every other endpoint', async () => {
      const viewerBody = signer.sign(pairs().Dave, 0);
      expect((await post('viewer-token', viewerBody)).status).toBe(200);
      expectError(await post('viewer-leave', viewerBody), 401, 'SIGNATURE_REUSED');

      const hostBody = signer.sign(pairs().Alice, 0);
      expect((await post('publisher-token', hostBody)).status).toBe(200);
      for (const endpoint of ['viewer-token', 'co-host-token', 'viewer-leave', 'publisher-token'] as const) {
        expectError(await post(endpoint, hostBody), 401, 'SIGNATURE_REUSED');
      }
    });

    it('spends a message even when access is refused, so it cannot be retried elsewhere', async () => {
      const body = signer.sign(pairs().Bob, 0);
      expectError(await post('publisher-token', body), 403, 'NOT_ROOM_HOST');
      expectError(await post('viewer-token', body), 401, 'SIGNATURE_REUSED');
    });

    it('does not let a bad signature burn someone else’s pending message', async () => {
      const { Dave, Bob } = pairs();
      const timestamp = signer.timestamp();
      const genuine = signer.sign(Dave, 0, { timestamp });
      const forged = { ...genuine, signature: signer.sign(Bob, 0, { timestamp }).signature };
      expectError(await post('viewer-token', forged), 401, 'INVALID_SIGNATURE');
      expect((await post('viewer-token', genuine)).status).toBe(200);
    });
  });

  describe('time window', () => {
    // The service runs in this process: with the clock held still, it judges each timestamp at the
    // very moment it was signed for, so the margins below hold however slow the box is.
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('accepts timestamps within the window either side of now', async () => {
      const { Dave } = pairs();
      for (const offset of [-maxAgeMs() + 10_000, maxAgeMs() - 10_000]) {
        const res = await post('viewer-token', signer.sign(Dave, 0, { timestamp: Date.now() + offset }));
        expect(res.status, String(offset)).toBe(200);
      }
    });

    it('refuses stale, future and seconds-based timestamps with 401 SIGNATURE_EXPIRED', async () => {
      const { Alice } = pairs();
      for (const timestamp of [
        Date.now() - maxAgeMs() - 1_000,
        Date.now() + maxAgeMs() + 1_000,
        Math.floor(Date.now() / 1000),
      ]) {
        for (const endpoint of [
          'publisher-token',
          'viewer-token',
          'co-host-token',
          'viewer-leave',
        ] as const) {
          expectError(await post(endpoint, signer.sign(Alice, 0, { timestamp })), 401, 'SIGNATURE_EXPIRED');
        }
      }
    });
  });

  describe('invalid signatures', () => {
    it('refuses signatures that do not match the account, room or timestamp with 401 INVALID_SIGNATURE', async () => {
      const { Dave, Bob } = pairs();
      const body = signer.sign(Dave, 0);
      const otherRoom = signer.sign(Dave, 3, { timestamp: body.timestamp });
      const bodies = [
        { ...body, signature: signer.sign(Bob, 0, { timestamp: body.timestamp }).signature },
        { ...body, signature: otherRoom.signature },
        { ...body, timestamp: body.timestamp + 1 },
        { ...body, signature: `0x${'11'.repeat(64)}` },
        { ...body, signature: `0x${'ff'.repeat(64)}` },
        { ...body, signature: `0x${'22'.repeat(65)}` },
        { ...body, signature: `0x02${'33'.repeat(65)}` },
        // A signature over other text that merely contains ours.
        { ...body, signature: u8aToHex(Dave.sign(stringToU8a(`x-livestream:0:${body.timestamp}`))) },
      ];
      for (const bad of bodies) {
        expectError(await post('viewer-token', bad), 401, 'INVALID_SIGNATURE');
      }
      // None of them spent the genuine message.
      expect((await post('viewer-token', body)).status).toBe(200);
    });

    it('checks the signature before the room (no room facts for unauthenticated callers)', async () => {
      const { Dave } = pairs();
      const body = signer.sign(Dave, 777_777);
      expectError(
        await post('viewer-token', { ...body, timestamp: body.timestamp + 1 }),
        401,
        'INVALID_SIGNATURE',
      );
      expectError(await post('viewer-token', body), 404, 'ROOM_NOT_FOUND');
      const banned = signer.sign(pairs().Ferdie, 0);
      expectError(
        await post('viewer-token', { ...banned, signature: signer.sign(Dave, 0).signature }),
        401,
        'INVALID_SIGNATURE',
      );
    });
  });

  describe('body validation', () => {
    it('refuses wrong or missing fields with 400 VALIDATION_ERROR before any other check', async () => {
      const body = signer.sign(pairs().Alice, 0);
      const variants: Record<string, unknown>[] = [
        { ...body, roomId: '0' },
        { ...body, roomId: -1 },
        { ...body, roomId: 1.5 },
        { ...body, roomId: Number.MAX_SAFE_INTEGER + 2 },
        { ...body, roomId: null },
        { ...body, roomId: undefined },
        { ...body, timestamp: String(body.timestamp) },
        { ...body, timestamp: body.timestamp + 0.5 },
        { ...body, timestamp: undefined },
        { ...body, signature: undefined },
        { ...body, signature: 'not hex' },
        { ...body, signature: body.signature.slice(2) },
        { ...body, signature: `${body.signature}00ff00ff` },
        { ...body, address: 42 },
        { ...body, address: [body.address] },
      ];
      for (const variant of variants) {
        for (const endpoint of [
          'publisher-token',
          'viewer-token',
          'co-host-token',
          'viewer-leave',
        ] as const) {
          expectError(await post(endpoint, variant), 400, 'VALIDATION_ERROR');
        }
      }
      // None of that spent the message.
      expect((await post('publisher-token', body)).status).toBe(200);
    });

    it('ignores unknown fields', async () => {
      const res = await post('viewer-token', {
        ...signer.sign(pairs().Dave, 0),
        extra: { nested: true },
        role: 'admin',
      });
      expect(res.status).toBe(200);
      expect((await verifier.verify(res.body.token)).video?.canPublish).toBe(false);
    });
  });
});
