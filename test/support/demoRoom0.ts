import { expect } from 'vitest';
import { UNIT } from '../../src/devchain/metadata/stardustMetadata.js';

/** Room 0 of the demo seed, field by field, as the chain reads decode it; `host` is //Alice's address. */
export function expectedDemoRoom0(host: string) {
  return {
    id: 0,
    host,
    title: "Alice's live show 🎥",
    description: 'Music and chat — 音乐与聊天',
    roomType: 'Normal',
    status: 'Live',
    coverCid: 'bafybeialicecover',
    totalViewers: 0,
    peakViewers: 0,
    totalGifts: (20n * UNIT).toString(),
    ticketPrice: null,
    createdAt: expect.any(Number),
    startedAt: expect.any(Number),
    endedAt: null,
  };
}
