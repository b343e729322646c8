import type { KeyringPair } from '@polkadot/keyring/types';
import { u8aToHex } from '@polkadot/util';
import { TokenSource } from 'livekit-client';
import { TokenVerifier } from 'livekit-server-sdk';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionTokens } from '../../../src/sessions/SessionService.js';
import { signIn } from '../../support/SiwsSigner.js';
import { startTestService, type TestService } from '../../support/startTestService.js';

const PATH = '/api/livestream/token-source';

describe("POST /token-source: LiveKit's standard token endpoint, driven by livekit-client", () => {
  let service: TestService;
  let verifier: TokenVerifier;
  let endpoint: string;
  let requests = 0;
  const sessions = new Map<string, SessionTokens>();
  const pairs = () => service.devchain.chain.pairs;
  const sessionOf = async (pair: KeyringPair) => {
    let session = sessions.get(pair.address);
    if (session === undefined) {
      session = await signIn(service.server, pair);
      sessions.set(pair.address, session);
    }
    return session;
  };
  /** What an app does: one token source per signed-in user, with the access token as a fixed header. */
  const tokenSource = async (pair: KeyringPair) =>
    TokenSource.endpoint(endpoint, {
      headers: { Authorization: `Bearer ${(await sessionOf(pair)).accessToken}` },
    });
  const grantOf = async (token: string) => (await verifier.verify(token)).video;

  beforeAll(async () => {
    service = await startTestService();
    verifier = new TokenVerifier(service.config.livekit.apiKey, service.config.livekit.apiSecret);
    endpoint = `${service.url}${PATH}`;
    service.server.on('request', (req) => {
      if (req.url === PATH) requests++;
    });
  });

  afterAll(async () => {
    await service?.close();
  });

  it('gives the host a publisher token for room-<id>, identity = the session address (201)', async () => {
    const { Alice } = pairs();
    const details = await (await tokenSource(Alice)).fetch({ roomName: 'room-0' });
    expect(details.serverUrl).toBe(service.livekit.wsUrl);
    const claims = await verifier.verify(details.participantToken);
    expect(claims.sub).toBe(Alice.address);
    expect(claims.video).toEqual({
      roomJoin: true,
      room: 'room-0',
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
      canUpdateOwnMetadata: false,
    });
    // LiveKit itself lets the token in.
    expect((await service.livekit.joinWithToken(details.participantToken)).identity).toBe(Alice.address);

    const raw = await request(service.server)
      .post(PATH)
      .set('Authorization', `Bearer ${(await sessionOf(Alice)).accessToken}`)
      .send({ room_name: 'room-0' });
    expect(raw.status).toBe(201);
    expect(raw.headers['cache-control']).toBe('no-store');
    expect(Object.keys(raw.body).sort()).toEqual(['participant_token', 'server_url']);
  });

  it('takes the role from the chain: an active co-host goes on stage, anyone else is a viewer', async () => {
    const { Eve, Bob } = pairs();
    const eve = await (await tokenSource(Eve)).fetch({ roomName: 'room-0', participantName: 'Eve on stage' });
    expect(await grantOf(eve.participantToken)).toMatchObject({
      canPublish: true,
      canPublishSources: ['camera', 'microphone'],
    });
    expect((await verifier.verify(eve.participantToken)).name).toBe('Eve on stage');
    const bob = await (await tokenSource(Bob)).fetch({
      roomName: 'room-0',
      participantIdentity: Bob.address,
    });
    expect(await grantOf(bob.participantToken)).toMatchObject({ canPublish: false, canSubscribe: true });
    // The identity may be sent in any form of the same account.
    const hex = await (await tokenSource(Bob)).fetch({
      roomName: 'room-0',
      participantIdentity: u8aToHex(Bob.publicKey),
    });
    expect((await verifier.verify(hex.participantToken)).sub).toBe(Bob.address);
  });

  it("refuses what the chain refuses, and another identity than the session's (403)", async () => {
    const { Ferdie, Bob, Alice } = pairs();
    await expect((await tokenSource(Ferdie)).fetch({ roomName: 'room-0' })).rejects.toThrow(
      /received 403 .*VIEWER_BANNED/,
    );
    await expect((await tokenSource(Bob)).fetch({ roomName: 'room-3' })).rejects.toThrow(
      /received 402 .*TICKET_REQUIRED/,
    );
    await expect((await tokenSource(Bob)).fetch({ roomName: 'room-99' })).rejects.toThrow(
      /received 404 .*ROOM_NOT_FOUND/,
    );
    await expect(
      (await tokenSource(Bob)).fetch({ roomName: 'room-0', participantIdentity: Alice.address }),
    ).rejects.toThrow(/received 403 .*IDENTITY_MISMATCH/);
  });

  it('refuses metadata, attributes, room configuration and other room names (400)', async () => {
    const source = await tokenSource(pairs().Bob);
    for (const options of [
      { roomName: 'room-0', participantMetadata: '{"role":"host"}' },
      { roomName: 'room-0', participantAttributes: { role: 'host' } },
      { roomName: 'room-0', agentName: 'helper' },
      { roomName: 'lobby' },
      { roomName: 'room-01' },
    ]) {
      await expect(source.fetch(options)).rejects.toThrow(/received 400 .*VALIDATION_ERROR/);
    }
  });

  it('refuses a request without a session (401), with a clear code', async () => {
    const none = await request(service.server).post(PATH).send({ room_name: 'room-0' });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    await expect(
      TokenSource.endpoint(endpoint, { headers: { Authorization: 'Bearer not.a.token' } }).fetch({
        roomName: 'room-0',
      }),
    ).rejects.toThrow(/received 401 .*TOKEN_INVALID/);
  });

  it('is cached by livekit-client and fetched again shortly before the token expires', async () => {
    const source = await tokenSource(pairs().Bob);
    const before = requests;
    const first = await source.fetch({ roomName: 'room-0' });
    const again = await source.fetch({ roomName: 'room-0' });
    expect(again.participantToken).toBe(first.participantToken);
    expect(requests).toBe(before + 1);

    const exp = (await verifier.verify(first.participantToken)).exp as number;
    // livekit-client re-fetches once the token has less than a minute left: move the clock there.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime((exp - 30) * 1000);
      const refreshed = await source.fetch({ roomName: 'room-0' });
      expect(requests).toBe(before + 2);
      // The service keeps its own clock (it captured the real Date.now): a new token, valid now.
      expect((await verifier.verify(refreshed.participantToken)).sub).toBe(pairs().Bob.address);
    } finally {
      vi.useRealTimers();
    }
  });
});
