import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { hexToU8a, u8aToHex, u8aWrapBytes } from '@polkadot/util';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedDemoRoom0 } from '../../../test/support/demoRoom0.js';
import { startTestService, type TestService } from '../../../test/support/startTestService.js';
import { testPair } from '../../../test/support/testPair.js';
import {
  createLivestreamClient,
  injectedSigner,
  keyringSigner,
  type LivestreamApiError,
  type LivestreamClient,
} from '../src/index.js';

function clientAs(service: TestService, pair?: KeyringPair): LivestreamClient {
  return createLivestreamClient({ baseUrl: service.url, ...(pair ? { signer: keyringSigner(pair) } : {}) });
}

async function failure(call: Promise<unknown>): Promise<LivestreamApiError> {
  const error = await call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ name: 'LivestreamApiError' });
  return error as LivestreamApiError;
}

describe('the client against the server (HTTP calls)', () => {
  let service: TestService;
  let verifier: TokenVerifier;
  const alice = () => testPair('sr25519', 'Alice');

  beforeAll(async () => {
    service = await startTestService();
    verifier = new TokenVerifier(service.config.livekit.apiKey, service.config.livekit.apiSecret);
  });
  afterAll(() => service?.close());

  it('lists rooms with filters and paging, and reads one room', async () => {
    const client = clientAs(service);
    const live = await client.rooms({ status: 'Live', limit: 1 });
    expect(live).toMatchObject({ total: 2, page: 1, limit: 1 });
    expect(live.rooms).toHaveLength(1);
    expect(live.rooms.every((room) => room.status === 'Live')).toBe(true);
    const byHost = await client.rooms({ host: alice().address });
    expect(byHost.rooms.map((room) => room.id)).toEqual([0]);
    const { finalized } = service.devchain.chain;
    const block = { number: finalized.number, hash: finalized.hash, final: true };
    expect(live.block).toEqual(block);
    expect(await client.room(0)).toEqual({ ...expectedDemoRoom0(alice().address), currentViewers: 0, block });
  });

  it('gets a publisher token for the host, signed with a keyring pair', async () => {
    const response = await clientAs(service, alice()).publisherToken(0);
    expect(response).toMatchObject({
      roomName: 'room-0',
      identity: alice().address,
      url: service.livekit.wsUrl,
    });
    const claims = await verifier.verify(response.token);
    expect(claims.video).toMatchObject({ room: 'room-0', roomJoin: true, canPublish: true });
    expect(response.expiresAt).toBe((claims.exp as number) * 1000);
  });

  it('gets viewer tokens with sr25519, ed25519 and ecdsa keys', async () => {
    for (const type of ['sr25519', 'ed25519', 'ecdsa'] as const) {
      const pair = testPair(type, `ClientViewer${type}`);
      const response = await clientAs(service, pair).viewerToken(0);
      expect(response.identity).toBe(new Keyring({ type, ss58Format: 42 }).encodeAddress(pair.addressRaw));
      const claims = await verifier.verify(response.token);
      expect(claims.video).toMatchObject({ room: 'room-0', canSubscribe: true, canPublish: false });
    }
  });

  it('signs through an extension-style signRaw, which wraps the text in <Bytes>', async () => {
    const bob = testPair('sr25519', 'Bob');
    const signed: string[] = [];
    const extension = {
      signRaw: async ({ address, data }: { address: string; data: string; type: 'bytes' }) => {
        expect(address).toBe(bob.address);
        signed.push(data);
        return { signature: u8aToHex(bob.sign(u8aWrapBytes(hexToU8a(data)))) };
      },
    };
    const client = createLivestreamClient({
      baseUrl: service.url,
      signer: injectedSigner(bob.address, extension),
    });
    const response = await client.viewerToken(0);
    expect(response.identity).toBe(bob.address);
    expect(new TextDecoder().decode(hexToU8a(signed[0]))).toMatch(/^livestream:0:\d+$/);
  });

  it('gets a co-host token for the active co-host, with the media asked for', async () => {
    const eve = testPair('sr25519', 'Eve');
    const claims = await verifier.verify((await clientAs(service, eve).coHostToken(0, 'video')).token);
    expect(claims.video).toMatchObject({ room: 'room-0', canPublish: true });
    expect(claims.video?.canPublishSources).toEqual(expect.arrayContaining(['camera', 'microphone']));
    const audio = await verifier.verify((await clientAs(service, eve).coHostToken(0, 'audio')).token);
    expect(audio.video?.canPublishSources).toEqual(['microphone']);
    // No type: what the chain authorises, camera and microphone.
    const typeless = await verifier.verify((await clientAs(service, eve).coHostToken(0)).token);
    expect(typeless.video?.canPublishSources).toEqual(['camera', 'microphone']);
  });

  it('tells the server a viewer left, and the viewer count follows', async () => {
    const viewer = clientAs(service, testPair('sr25519', 'ClientLeaver'));
    const before = (await viewer.room(0)).currentViewers;
    await viewer.viewerToken(0);
    expect((await viewer.room(0)).currentViewers).toBe(before + 1);
    await viewer.viewerLeave(0);
    expect((await viewer.room(0)).currentViewers).toBe(before);
  });

  it('signs every call anew, so calls in a burst are not refused as replays', async () => {
    const client = clientAs(service, testPair('sr25519', 'ClientBurst'));
    const tokens = await Promise.all([0, 1, 2, 3, 4].map(() => client.viewerToken(0)));
    expect(new Set(tokens.map((t) => t.identity)).size).toBe(1);
  });

  it('rejects with the API error code, status and message', async () => {
    const bob = testPair('sr25519', 'Bob');
    expect(await failure(clientAs(service, bob).publisherToken(0))).toMatchObject({
      code: 'NOT_ROOM_HOST',
      status: 403,
    });
    expect(await failure(clientAs(service, testPair('sr25519', 'Ferdie')).viewerToken(0))).toMatchObject({
      code: 'VIEWER_BANNED',
      status: 403,
    });
    expect(await failure(clientAs(service, bob).viewerToken(3))).toMatchObject({
      code: 'TICKET_REQUIRED',
      status: 402,
    });
    expect(await failure(clientAs(service, bob).coHostToken(0))).toMatchObject({ code: 'NOT_CO_HOST' });
    // Room 1 is Bob's and Preparing: a viewer who is not its host is refused.
    expect(await failure(clientAs(service, testPair('sr25519', 'Dave')).viewerToken(1))).toMatchObject({
      code: 'ROOM_NOT_LIVE',
      status: 409,
    });
    expect(await failure(clientAs(service).room(4242))).toMatchObject({
      code: 'ROOM_NOT_FOUND',
      status: 404,
    });
    const invalid = await failure(clientAs(service).rooms({ limit: 1000 }));
    expect(invalid).toMatchObject({ code: 'VALIDATION_ERROR', status: 400 });
    expect(invalid.message).toMatch(/limit/);
  });

  it('refuses a wrong signature with INVALID_SIGNATURE', async () => {
    const bob = testPair('sr25519', 'Bob');
    const impostor = { address: bob.address, sign: (message: Uint8Array) => alice().sign(message) };
    const error = await failure(clientAs(service, impostor as KeyringPair).viewerToken(0));
    expect(error).toMatchObject({ code: 'INVALID_SIGNATURE', status: 401 });
  });

  it('says a signer is needed before calling, and reports an unreachable server as NETWORK_ERROR', async () => {
    expect(await failure(clientAs(service).viewerToken(0))).toMatchObject({
      code: 'UNAUTHORIZED',
      status: 0,
    });
    const nowhere = createLivestreamClient({ baseUrl: 'http://127.0.0.1:9' });
    expect(await failure(nowhere.rooms())).toMatchObject({ code: 'NETWORK_ERROR', status: 0 });
  });

  it('reports an answer that is not the API as BAD_RESPONSE, without the body', async () => {
    const client = createLivestreamClient({
      baseUrl: service.url,
      fetch: async () => ({
        status: 502,
        headers: { get: () => null },
        text: async () => '<html>bad gateway</html>',
      }),
    });
    const error = await failure(client.rooms());
    expect(error).toMatchObject({ code: 'BAD_RESPONSE', status: 502 });
    expect(error.message).not.toMatch(/html/);
  });
});
