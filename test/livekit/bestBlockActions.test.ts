import type { KeyringPair } from '@polkadot/keyring/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevChain } from '../../src/devchain/DevChain.js';
import { askToken, type TokenEndpoint } from '../support/askToken.js';
import { BestWatch } from '../support/BestWatch.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';

/*
 * Promotions and kicks at block speed: the dev chain stops finalizing by itself once the room is
 * live, so every action below comes from a best block that is not final yet.
 */

let svc: TestService;
let chain: DevChain;
let best: BestWatch;
let host: KeyringPair;
let roomId: number;
let room: string;
const signer = new RequestSigner();

function ask(endpoint: TokenEndpoint, who: KeyringPair, extra: Record<string, unknown> = {}) {
  return askToken(svc.url, signer, endpoint, who, roomId, extra);
}

/** The host's call in a new best block; resolves once the service applied it and LiveKit acted. */
async function bestBlock(method: string, ...args: unknown[]): Promise<number> {
  const outcome = await chain.send(host, 'livestream', method, ...args);
  if (!outcome.success) throw new Error(`${method} failed: ${outcome.error ?? ''}`);
  await best.applied(outcome.blockHash);
  await svc.livekitActions.idle();
  const number = chain.store.byHash(outcome.blockHash)?.number ?? -1;
  expect(chain.finalized.number).toBeLessThan(number);
  return number;
}

/** Joins LiveKit with a viewer token the service minted. */
async function watching(who: KeyringPair): Promise<void> {
  const viewer = await ask('viewer-token', who);
  expect(viewer.status, JSON.stringify(viewer.body)).toBe(200);
  await svc.livekit.joinWithToken(viewer.body.token);
  await svc.livekit.webhooksSettled();
  await svc.livekitActions.idle();
}

beforeAll(async () => {
  svc = await startTestService({ livekit: { autoCreate: false } });
  svc.reconciler.stop();
  svc.livekitReconciler.stop();
  svc.livekit.webhookUrl = `${svc.url}/api/livekit/webhook`;
  chain = svc.devchain.chain;
  best = new BestWatch(svc.bestFollower);
  host = testPair('sr25519', 'BestBlockHost');
  await svc.fund(host.address);
  roomId = await svc.createRoom(host, { type: 'MultiHost' });
  room = `room-${roomId}`;
  await svc.send(host, 'livestream', 'startLive', roomId);
  await svc.livekitActions.idle();
  chain.setAutoFinalize(false);
});

afterAll(async () => {
  await svc?.close();
});

describe('access and LiveKit from best blocks', () => {
  it('promotes a new co-host in LiveKit and gives them a co-host token before the block is final', async () => {
    const guest = testPair('sr25519', 'BestBlockCoHost');
    await watching(guest);
    expect(svc.livekit.participant(room, guest.address)?.permission?.canPublish).toBe(false);

    await bestBlock('startCoHost', roomId, guest.address);
    expect(svc.livekit.participant(room, guest.address)?.permission?.canPublish).toBe(true);
    const coHost = await ask('co-host-token', guest, { type: 'video' });
    expect(coHost.status, JSON.stringify(coHost.body)).toBe(200);
    expect(coHost.body.role).toBe('coHost');
  });

  it('removes a kicked viewer from LiveKit and refuses them a token before the block is final', async () => {
    const guest = testPair('sr25519', 'BestBlockKicked');
    await watching(guest);
    expect(svc.livekit.participant(room, guest.address)).toBeDefined();

    await bestBlock('kickViewer', roomId, guest.address);
    expect(svc.livekit.participant(room, guest.address)).toBeUndefined();
    const refused = await ask('viewer-token', guest);
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('VIEWER_BANNED');
  });
});
