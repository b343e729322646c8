import type { Registry } from '@polkadot/types/types';
import { decodeRoom } from './decodeChainValues.js';
import { decodeLiveRoomScale } from './decodeLiveRoomScale.js';

/**
 * Encodes a sample room with the chain's own metadata and checks that the hand decoder reads it
 * exactly as polkadot.js does: a runtime upgrade that changes `LiveRoom` turns the fast path off.
 */
export function fastRoomDecoderAgrees(registry: Registry, type: string): boolean {
  try {
    const sample = registry
      .createType(type, {
        id: 9_007_199_254_740_000n,
        host: new Uint8Array(32).fill(7),
        title: `0x${Buffer.from('Tëst 直播 🎥', 'utf8').toString('hex')}`,
        description: `0x${Buffer.from('d', 'utf8').toString('hex')}`,
        roomType: 'Paid',
        status: 'Paused',
        coverCid: null,
        totalViewers: 123_456n,
        peakViewers: 4_000_000_000,
        totalGifts: (1n << 100n) + 5n,
        ticketPrice: 5_000_000_000_000n,
        createdAt: 1n,
        startedAt: 2n,
        endedAt: null,
      })
      .toU8a();
    return (
      JSON.stringify(decodeLiveRoomScale(sample)) ===
      JSON.stringify(decodeRoom(registry.createType(type, sample)))
    );
  } catch {
    return false;
  }
}
