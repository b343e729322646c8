import type { KeyringPair } from '@polkadot/keyring/types';
import { decodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hex, StoredBlock } from '../../src/devchain/BlockStore.js';
import type { DevChain } from '../../src/devchain/DevChain.js';
import { RUNTIME_VERSION } from '../../src/devchain/metadata/stardustMetadata.js';
import { SERVER_MESSAGES } from '../../src/realtime/serverMessages.js';
import { askToken } from '../support/askToken.js';
import type { BestWatch } from '../support/BestWatch.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { type BestBlockService, startBestBlockService } from '../support/startBestBlockService.js';
import type { TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';
import type { WsMessage, WsTestClient } from '../support/WsTestClient.js';

const GIFT = 0;

/*
 * Re-orgs on the dev chain: blocks built on chosen parents with chosen extrinsics, finality by
 * hand. The service follows over WebSocket with @polkadot/api, as it follows a real node.
 */
describe('a re-org before finality', () => {
  let harness: BestBlockService;
  let service: TestService;
  let chain: DevChain;
  let best: BestWatch;
  let host: KeyringPair;
  let roomId: number;
  const signer = new RequestSigner();
  /** Nonces handed out per account on the fork being built (extrinsics are signed ahead). */
  const nonces = new Map<string, number>();

  /** A signed extrinsic of `who`, with the next nonce after `parent` (and those signed since). */
  function signed(who: KeyringPair, parent: StoredBlock, method: string, ...args: unknown[]): Hex {
    const key = `${parent.hash}:${who.address}`;
    const nonce = nonces.get(key) ?? chain.runtime.accountNonce(decodeAddress(who.address), parent);
    const extrinsic = chain.registry.createType('Extrinsic', chain.call('livestream', method, ...args));
    extrinsic.sign(who, {
      blockHash: chain.genesisHash,
      genesisHash: chain.genesisHash,
      nonce,
      runtimeVersion: RUNTIME_VERSION as never,
    });
    nonces.set(key, nonce + 1);
    return extrinsic.toHex() as Hex;
  }

  function joined(frame: Record<string, unknown> = {}): Promise<WsTestClient> {
    return harness.joined(roomId, frame);
  }

  /** Livestream event ids of a block, as the service numbers them. */
  function ids(block: StoredBlock, name: string): string[] {
    const out: string[] = [];
    chain.eventsAt(block).forEach((event, index) => {
      if (event.name === name) out.push(`${block.number}-${index}`);
    });
    return out;
  }

  const chainFrames = (client: WsTestClient) =>
    client.all((m) => ['gift:received', 'events:retracted', 'block:finalized'].includes(m.type));

  beforeAll(async () => {
    host = testPair('sr25519', 'ReorgHost');
    harness = await startBestBlockService(async (started) => {
      await started.fund(host.address);
      roomId = await started.createRoom(host, { type: 'MultiHost' });
      await started.send(host, 'livestream', 'startLive', roomId);
    });
    ({ service, chain, best } = harness);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('retracts the events of the dropped block and pushes the one included again with its new id', async () => {
    const fast = await joined();
    const slow = await joined({ finalOnly: true });
    const base = chain.head;
    const dave = chain.pairs.Dave;
    const ferdie = chain.pairs.Ferdie;
    const first = signed(dave, base, 'sendGift', roomId, GIFT, 1);
    const second = signed(ferdie, base, 'sendGift', roomId, GIFT, 2);

    const a1 = await chain.newBlock({ parent: base.hash, extrinsics: [first, second] });
    await best.applied(a1.hash);
    const dropped = ids(a1, 'GiftSent');
    expect((await fast.nextOfType('gift:received')).id).toBe(dropped[0]);
    expect((await fast.nextOfType('gift:received')).id).toBe(dropped[1]);

    // The other branch takes only Ferdie's gift, and grows longer: the node re-orgs to it.
    const b1 = await chain.newBlock({ parent: base.hash, extrinsics: [second] });
    const b2 = await chain.newBlock({ parent: b1.hash, extrinsics: [] });
    expect(chain.head.hash).toBe(b2.hash);
    await best.applied(b2.hash);
    const retracted = await fast.nextOfType('events:retracted');
    expect(retracted).toEqual({
      type: 'events:retracted',
      roomId,
      ids: dropped,
      block: { number: a1.number, hash: a1.hash },
    });
    expect(SERVER_MESSAGES['events:retracted'].safeParse(retracted).success).toBe(true);
    const again = await fast.nextOfType('gift:received');
    expect(again).toMatchObject({
      id: ids(b1, 'GiftSent')[0],
      block: { number: b1.number, hash: b1.hash },
      final: false,
      data: { quantity: 2 },
    });

    chain.finalize(b2.hash);
    await best.applied(b2.hash, ['confirmed']);
    expect(await fast.nextOfType('block:finalized')).toMatchObject({ number: b2.number, hash: b2.hash });
    // Final only: the re-included gift once, final; never the dropped block's events.
    expect(await slow.nextOfType('gift:received')).toMatchObject({ id: again.id, final: true });
    await Promise.all([fast.settle(), slow.settle()]);
    expect(slow.all((m) => m.type === 'events:retracted')).toEqual([]);
    expect(slow.all((m) => m.type === 'gift:received').map((m) => m.id)).toEqual([again.id]);
    expect(chainFrames(fast).map((m) => m.type)).toEqual([
      'gift:received',
      'gift:received',
      'events:retracted',
      'gift:received',
      'block:finalized',
    ]);
  });

  it('resumes across a re-org: the final events, then the new branch only', async () => {
    const lastFinal = (await joined()).received.find((m) => m.type === 'room:joined')?.lastEventId as string;
    const base = chain.head;
    const a1 = await chain.newBlock({
      parent: base.hash,
      extrinsics: [signed(chain.pairs.Dave, base, 'sendGift', roomId, GIFT, 3)],
    });
    await best.applied(a1.hash);
    // A client saw a1's gift, then lost its connection; meanwhile the chain re-orgs.
    const b1 = await chain.newBlock({
      parent: base.hash,
      extrinsics: [signed(chain.pairs.Ferdie, base, 'sendGift', roomId, GIFT, 4)],
    });
    const b2 = await chain.newBlock({ parent: b1.hash, extrinsics: [] });
    await best.applied(b2.hash);

    const resumed = await harness.connect();
    resumed.send({ type: 'join-room', roomId, since: lastFinal });
    await resumed.nextOfType('room:joined');
    const gifts: WsMessage[] = resumed.all((m) => m.type === 'gift:received');
    expect(gifts.map((m) => [m.id, m.final, (m.data as { quantity: number }).quantity])).toEqual([
      [ids(b1, 'GiftSent')[0], false, 4],
    ]);
    chain.finalize(b2.hash);
    await best.applied(b2.hash, ['confirmed']);
  });

  it('undoes a promotion and a kick that a re-org dropped: demoted in LiveKit, the viewer may come back', async () => {
    const coHost = testPair('sr25519', 'ReorgCoHost');
    const viewer = testPair('sr25519', 'ReorgKicked');
    const ask = (endpoint: 'viewer-token' | 'co-host-token', who: KeyringPair, extra = {}) =>
      askToken(service.url, signer, endpoint, who, roomId, extra);
    for (const who of [coHost, viewer]) {
      const token = await ask('viewer-token', who);
      expect(token.status).toBe(200);
      await service.livekit.joinWithToken(token.body.token);
    }
    await service.livekit.webhooksSettled();
    await service.livekitActions.idle();
    const room = `room-${roomId}`;

    const base = chain.head;
    const a1 = await chain.newBlock({
      parent: base.hash,
      extrinsics: [
        signed(host, base, 'startCoHost', roomId, coHost.address),
        signed(host, base, 'kickViewer', roomId, viewer.address),
      ],
    });
    await best.applied(a1.hash);
    await service.livekitActions.idle();
    expect(service.livekit.participant(room, coHost.address)?.permission?.canPublish).toBe(true);
    expect(service.livekit.participant(room, viewer.address)).toBeUndefined();
    expect((await ask('co-host-token', coHost, { type: 'video' })).status).toBe(200);
    expect((await ask('viewer-token', viewer)).status).toBe(403);

    const b1 = await chain.newBlock({ parent: base.hash, extrinsics: [] });
    const b2 = await chain.newBlock({ parent: b1.hash, extrinsics: [] });
    await best.applied(b2.hash);
    await service.livekitActions.idle();
    expect(service.livekit.participant(room, coHost.address)?.permission?.canPublish).toBe(false);
    expect((await ask('co-host-token', coHost, { type: 'video' })).status).toBe(403);
    expect((await ask('viewer-token', viewer)).status).toBe(200);
    chain.finalize(b2.hash);
    await best.applied(b2.hash, ['confirmed']);
  });
});
