import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRoom } from '../../src/chain/decodeChainValues.js';
import { decodeLiveRoomScale } from '../../src/chain/decodeLiveRoomScale.js';
import { fastRoomDecoderAgrees } from '../../src/chain/fastRoomDecoderAgrees.js';
import { type RunningDevChain, startDevChain } from '../../src/devchain/startDevChain.js';

describe('decodeLiveRoomScale', () => {
  let dev: RunningDevChain;
  let type: string;

  beforeAll(async () => {
    dev = await startDevChain({ port: 0, seed: { kind: 'demo' } });
    // Long texts use the 2-byte compact length; a long ticket price the high u128 half.
    const created = await dev.chain.send(
      'Eve',
      'livestream',
      'createRoom',
      'é'.repeat(50),
      'ü🎥'.repeat(80),
      'Paid',
      'cid',
      (1n << 70n) + 3n,
    );
    if (!created.success) throw new Error(`room 4: ${created.error}`);
    type = dev.chain.registry.createLookupType(dev.chain.meta.storage['Livestream.LiveRooms']?.value ?? -1);
  });
  afterAll(() => dev.close());

  it('reads every room of the chain exactly as polkadot.js codecs do', () => {
    const overlay = dev.chain.runtime.newOverlay();
    for (let id = 0; id <= 4; id++) {
      const raw = overlay.getRaw(overlay.key('Livestream.LiveRooms', [id]));
      if (raw === null) throw new Error(`no room ${id}`);
      expect(decodeLiveRoomScale(raw)).toEqual(decodeRoom(dev.chain.registry.createType(type, raw)));
    }
  });

  it('agrees with the metadata of the Stardust runtime', () => {
    expect(fastRoomDecoderAgrees(dev.chain.registry, type)).toBe(true);
  });

  it('does not agree with a different type (the fast path is then turned off)', () => {
    expect(fastRoomDecoderAgrees(dev.chain.registry, 'u64')).toBe(false);
  });

  it('refuses truncated and trailing bytes', () => {
    const overlay = dev.chain.runtime.newOverlay();
    const raw = overlay.getRaw(overlay.key('Livestream.LiveRooms', [0])) as string;
    expect(() => decodeLiveRoomScale(raw.slice(0, -2))).toThrow();
    expect(() => decodeLiveRoomScale(`${raw}00`)).toThrow(/trailing/);
  });
});
