import { TokenSource } from 'livekit-client';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../../test/support/startTestService.js';
import { testPair } from '../../../test/support/testPair.js';
import { createLivestreamClient, keyringSigner, livekitTokenFetcher, type Signer } from '../src/index.js';

describe("livekit-client's TokenSource.custom fed by the client", () => {
  let service: TestService;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    // 30 s tokens: within LiveKit's one-minute refresh margin, so every fetch must get a new one.
    service = await startTestService({ env: { LIVEKIT_TOKEN_TTL: '30s' } });
    verifier = new TokenVerifier(service.config.livekit.apiKey, service.config.livekit.apiSecret);
  });
  afterAll(() => service?.close());

  function countingSigner(name: string): Signer & { calls: number } {
    const inner = keyringSigner(testPair('sr25519', name));
    const signer = {
      address: inner.address,
      calls: 0,
      signText: (text: string) => {
        signer.calls++;
        return inner.signText(text);
      },
    };
    return signer;
  }

  it('fetches a viewer token for room-<id> through the API, and a fresh one when it is about to expire', async () => {
    const signer = countingSigner('Bob');
    const client = createLivestreamClient({ baseUrl: service.url, signer });
    const tokens = TokenSource.custom(livekitTokenFetcher(client));
    const first = await tokens.fetch({ roomName: 'room-0' });
    expect(first.serverUrl).toBe(service.livekit.wsUrl);
    const claims = await verifier.verify(first.participantToken);
    expect(claims).toMatchObject({ sub: signer.address, video: { room: 'room-0', canPublish: false } });
    await tokens.fetch({ roomName: 'room-0' });
    expect(signer.calls).toBe(2);
  });

  it('asks for the role it was made for', async () => {
    const client = createLivestreamClient({
      baseUrl: service.url,
      signer: keyringSigner(testPair('sr25519', 'Eve')),
    });
    const tokens = TokenSource.custom(livekitTokenFetcher(client, { role: 'co-host', media: 'video' }));
    const claims = await verifier.verify((await tokens.fetch({ roomName: 'room-0' })).participantToken);
    expect(claims.video).toMatchObject({ room: 'room-0', canPublish: true });
    expect(claims.video?.canPublishSources).toEqual(expect.arrayContaining(['camera']));
  });

  it('refuses a room name that is not ours, and passes the API error on', async () => {
    const client = createLivestreamClient({
      baseUrl: service.url,
      signer: keyringSigner(testPair('sr25519', 'Bob')),
    });
    const tokens = TokenSource.custom(livekitTokenFetcher(client, { role: 'publisher' }));
    await expect(tokens.fetch({ roomName: 'lobby' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    await expect(tokens.fetch({ roomName: 'room-0' })).rejects.toMatchObject({ code: 'NOT_ROOM_HOST' });
  });
});
