import { AccessToken, TokenVerifier, TrackSource } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { grantsForRole } from '../../src/livekit/grantsForRole.js';
import { STAGE_MEDIA_ATTRIBUTE } from '../../src/livekit/stagePermission.js';
import { type MintRequest, TokenMinter } from '../../src/livekit/TokenMinter.js';
import { FakeLiveKitServer } from '../support/FakeLiveKitServer.js';

const API_KEY = 'APItokenminter';
const API_SECRET = 'token-minter-secret-at-least-32-characters';
const TTL_SECONDS = 600;
const URL = 'wss://live.example.test';
const IDENTITY = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const SERVER_API_GRANTS = ['roomAdmin', 'roomCreate', 'roomList', 'roomRecord', 'ingressAdmin'] as const;

function minter(now?: () => number): TokenMinter {
  return new TokenMinter({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    url: URL,
    ttlSeconds: TTL_SECONDS,
    ...(now === undefined ? {} : { now }),
  });
}

const verifier = new TokenVerifier(API_KEY, API_SECRET);

describe('TokenMinter', () => {
  it('mints a publisher token for room-<id> with exactly the publisher grant', async () => {
    const minted = await minter().mint({ identity: IDENTITY, name: 'Host-7', roomId: 7, role: 'publisher' });
    expect(minted).toMatchObject({ url: URL, roomName: 'room-7', identity: IDENTITY });

    const claims = await verifier.verify(minted.token);
    expect(claims.iss).toBe(API_KEY);
    expect(claims.sub).toBe(IDENTITY);
    expect(claims.name).toBe('Host-7');
    expect(claims.video).toEqual({
      roomJoin: true,
      room: 'room-7',
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
  });

  it('mints a viewer token that says canPublish false', async () => {
    const { token } = await minter().mint({ identity: IDENTITY, roomId: 3, role: 'viewer' });
    const claims = await verifier.verify(token);
    expect(claims.video).toEqual({
      roomJoin: true,
      room: 'room-3',
      canPublish: false,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    expect(claims.name).toBeUndefined();
  });

  it('mints co-host tokens whose sources follow the media type, as lowercase names', async () => {
    const video = await verifier.verify(
      (await minter().mint({ identity: IDENTITY, roomId: 3, role: 'coHost', coHostMedia: 'video' })).token,
    );
    expect(video.video).toEqual({
      roomJoin: true,
      room: 'room-3',
      canPublish: true,
      canPublishSources: ['camera', 'microphone'],
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    const audio = await verifier.verify(
      (await minter().mint({ identity: IDENTITY, roomId: 3, role: 'coHost', coHostMedia: 'audio' })).token,
    );
    expect(audio.video?.canPublishSources).toEqual(['microphone']);
  });

  it('never puts server-API grants in any token', async () => {
    for (const role of ['publisher', 'viewer', 'coHost'] as const) {
      const claims = await verifier.verify(
        (await minter().mint({ identity: IDENTITY, roomId: 1, role })).token,
      );
      for (const power of SERVER_API_GRANTS) {
        expect(claims.video?.[power]).toBeUndefined();
      }
    }
  });

  it('signs HS256 with the key as issuer and lives exactly ttlSeconds', async () => {
    const before = Math.floor(Date.now() / 1000);
    const minted = await minter().mint({ identity: IDENTITY, roomId: 1, role: 'viewer' });
    const claims = await verifier.verify(minted.token);
    const header = JSON.parse(Buffer.from(minted.token.split('.')[0] ?? '', 'base64url').toString('utf8'));

    expect(header).toEqual({ alg: 'HS256' });
    expect(claims.iss).toBe(API_KEY);
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(TTL_SECONDS);
    expect(claims.nbf).toBeGreaterThanOrEqual(before);
    // expiresAt is never later than the token's real expiry (same second, or one earlier).
    expect(minted.expiresAt).toBeLessThanOrEqual((claims.exp ?? 0) * 1000);
    expect(minted.expiresAt).toBeGreaterThanOrEqual(((claims.exp ?? 0) - 1) * 1000);
  });

  it('computes expiresAt in ms from its clock', async () => {
    const minted = await minter(() => 1_700_000_000_500).mint({
      identity: IDENTITY,
      roomId: 1,
      role: 'viewer',
    });
    expect(minted.expiresAt).toBe((1_700_000_000 + TTL_SECONDS) * 1000);
  });

  it('is refused by a verifier holding another secret', async () => {
    const { token } = await minter().mint({ identity: IDENTITY, roomId: 1, role: 'viewer' });
    await expect(
      new TokenVerifier(API_KEY, 'another-secret-of-sufficient-length!!').verify(token),
    ).rejects.toThrow();
    await expect(new TokenVerifier('another-key', API_SECRET).verify(token)).rejects.toThrow();
  });

  it('refuses bad settings and requests up front', async () => {
    expect(() => new TokenMinter({ apiKey: '', apiSecret: API_SECRET, url: URL, ttlSeconds: 60 })).toThrow(
      RangeError,
    );
    expect(
      () => new TokenMinter({ apiKey: API_KEY, apiSecret: API_SECRET, url: URL, ttlSeconds: 0 }),
    ).toThrow(RangeError);
    await expect(minter().mint({ identity: '', roomId: 1, role: 'viewer' })).rejects.toThrow(RangeError);
    await expect(minter().mint({ identity: IDENTITY, roomId: -1, role: 'viewer' })).rejects.toThrow(
      RangeError,
    );
  });

  it('writes the header and claims the SDK AccessToken writes for the same request', async () => {
    const decode = (token: string) =>
      token
        .split('.')
        .slice(0, 2)
        .map((part): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));
    const requests: MintRequest[] = [
      { identity: IDENTITY, name: 'Host-7', roomId: 7, role: 'publisher' },
      { identity: IDENTITY, roomId: 0, role: 'viewer' },
      { identity: IDENTITY, roomId: 3, role: 'coHost', coHostMedia: 'video' },
      { identity: IDENTITY, roomId: 3, role: 'coHost', coHostMedia: 'audio' },
    ];
    // One clock for both: the SDK stamps nbf and exp from Date.now.
    vi.useFakeTimers({ now: 1_800_000_000_250, toFake: ['Date'] });
    try {
      for (const request of requests) {
        const ours = await minter().mint(request);
        const sdk = new AccessToken(API_KEY, API_SECRET, {
          identity: request.identity,
          ttl: TTL_SECONDS,
          ...(request.name === undefined ? {} : { name: request.name }),
          ...(request.role === 'coHost'
            ? { attributes: { [STAGE_MEDIA_ATTRIBUTE]: request.coHostMedia ?? 'video' } }
            : {}),
        });
        sdk.addGrant(grantsForRole(request.role, ours.roomName, request.coHostMedia));
        expect(decode(ours.token)).toEqual(decode(await sdk.toJwt()));
      }
    } finally {
      vi.useRealTimers();
    }
  });

  describe('against the fake LiveKit server', () => {
    let fake: FakeLiveKitServer;
    beforeAll(async () => {
      fake = await FakeLiveKitServer.start({ apiKey: API_KEY, apiSecret: API_SECRET });
    });
    afterAll(() => fake.stop());

    it('joins an audio co-host who may publish the microphone only, marked with the media their token asked for', async () => {
      const { token, role } = await minter().mint({
        identity: IDENTITY,
        name: '5Grw…utQY',
        roomId: 9,
        role: 'coHost',
        coHostMedia: 'audio',
      });
      expect(role).toBe('coHost');
      const participant = await fake.joinWithToken(token);
      expect(participant.name).toBe('5Grw…utQY');
      expect(participant.attributes).toEqual({ [STAGE_MEDIA_ATTRIBUTE]: 'audio' });
      expect(participant.permission).toMatchObject({
        canPublish: true,
        canPublishSources: [TrackSource.MICROPHONE],
      });
    });

    it('joins a viewer who may subscribe and chat but not publish', async () => {
      const { token } = await minter().mint({ identity: IDENTITY, roomId: 9, role: 'viewer' });
      const participant = await fake.joinWithToken(token);
      expect(participant.identity).toBe(IDENTITY);
      expect(fake.participant('room-9', IDENTITY)?.permission).toMatchObject({
        canPublish: false,
        canSubscribe: true,
        canPublishData: true,
        canPublishSources: [],
        canUpdateMetadata: false,
      });
    });
  });
});
