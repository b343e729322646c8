import { stringToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';
import type { DevChain, SubmitOutcome } from './DevChain.js';
import { UNIT } from './metadata/stardustMetadata.js';
import type { ExecutionContext } from './runtime/ExecutionContext.js';
import { putRoom, ROOM_STATUSES, ROOM_TYPES } from './runtime/livestreamPallet.js';

export type SeedSpec = { kind: 'none' } | { kind: 'demo' } | { kind: 'rooms'; count: number };

export const MAX_BULK_ROOMS = 1_000_000;

export function parseSeed(value: string | undefined): SeedSpec {
  if (!value || value === 'none') return { kind: 'none' };
  if (value === 'demo') return { kind: 'demo' };
  const match = /^rooms:(\d+)$/.exec(value);
  const count = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_BULK_ROOMS) {
    throw new Error(`unknown seed "${value}": use demo or rooms:<1..${MAX_BULK_ROOMS}>`);
  }
  return { kind: 'rooms', count };
}

/** Account of the bulk seed's i-th host: deterministic, keyless, without a balance (rooms only). */
export function bulkHost(i: number): Uint8Array {
  return blake2AsU8a(stringToU8a(`stardust-devchain/bulk-host/${i}`));
}

/**
 * Genesis state with `count` rooms spread over every status and type (for benchmarks): written
 * directly as storage, as a chain spec would carry it.
 */
export function bulkRoomsGenesis(count: number): (ctx: ExecutionContext) => void {
  return (ctx) => {
    for (let i = 0; i < count; i++) {
      const host = bulkHost(i);
      const status = ROOM_STATUSES[i % ROOM_STATUSES.length] ?? 'Live';
      const roomType = ROOM_TYPES[Math.floor(i / ROOM_STATUSES.length) % ROOM_TYPES.length] ?? 'Normal';
      const id = BigInt(i);
      putRoom(ctx, {
        id,
        host,
        title: stringToU8a(`Room ${i}`),
        description: i % 2 === 0 ? stringToU8a(`Bulk room number ${i}`) : null,
        roomType,
        status,
        coverCid: null,
        totalViewers: BigInt(i % 1000),
        peakViewers: i % 500,
        totalGifts: BigInt(i) * UNIT,
        ticketPrice: roomType === 'Paid' ? 5n * UNIT : null,
        createdAt: 0n,
        startedAt: status === 'Preparing' ? null : 0n,
        endedAt: status === 'Ended' ? 0n : null,
      });
      if (status !== 'Ended' && status !== 'Banned') ctx.storage.set('Livestream.HostRoom', [host], id);
    }
    ctx.storage.set('Livestream.NextRoomId', [], BigInt(count));
  };
}

function check(outcome: SubmitOutcome, what: string): void {
  if (!outcome.success) throw new Error(`demo seed: ${what} failed: ${outcome.error ?? 'unknown'}`);
}

/**
 * The demo scene, made of real signed extrinsics:
 * room 0 — //Alice, Normal, Live, //Eve co-host, //Ferdie kicked, a gift from //Dave;
 * room 1 — //Bob, Paid (5 DUST), Preparing, //Dave holds a ticket;
 * room 2 — //Charlie, Ended;
 * room 3 — //Ferdie, Paid (2 DUST), Live, no ticket sold.
 * Gifts: 0 Rose (1 DUST), 1 Rocket (10 DUST), 2 Crown (disabled).
 */
export async function seedDemo(chain: DevChain): Promise<void> {
  check(await chain.sudo('livestream', 'createGift', 'Rose', UNIT, 'bafkreirose'), 'create gift Rose');
  check(
    await chain.sudo('livestream', 'createGift', 'Rocket 🚀', 10n * UNIT, 'bafkreirocket'),
    'create gift Rocket',
  );
  check(
    await chain.sudo('livestream', 'createGift', 'Crown', 100n * UNIT, 'bafkreicrown'),
    'create gift Crown',
  );
  check(await chain.sudo('livestream', 'updateGift', 2, false), 'disable gift Crown');
  check(
    await chain.send(
      'Alice',
      'livestream',
      'createRoom',
      u8aToHex(stringToU8a("Alice's live show 🎥")),
      u8aToHex(stringToU8a('Music and chat — 音乐与聊天')),
      'Normal',
      'bafybeialicecover',
      null,
    ),
    'create room 0',
  );
  check(await chain.send('Alice', 'livestream', 'startLive', 0), 'start room 0');
  check(
    await chain.send(
      'Bob',
      'livestream',
      'createRoom',
      "Bob's paid masterclass",
      null,
      'Paid',
      null,
      5n * UNIT,
    ),
    'create room 1',
  );
  check(
    await chain.send(
      'Charlie',
      'livestream',
      'createRoom',
      'Charlie earlier today',
      null,
      'Normal',
      null,
      null,
    ),
    'create room 2',
  );
  check(await chain.send('Charlie', 'livestream', 'startLive', 2), 'start room 2');
  check(await chain.send('Charlie', 'livestream', 'endLive', 2), 'end room 2');
  check(await chain.send('Dave', 'livestream', 'buyTicket', 1), 'ticket for //Dave');
  check(await chain.send('Alice', 'livestream', 'startCoHost', 0, chain.pairs.Eve.address), 'co-host //Eve');
  check(
    await chain.send('Alice', 'livestream', 'kickViewer', 0, chain.pairs.Ferdie.address),
    'kick //Ferdie',
  );
  check(await chain.send('Dave', 'livestream', 'sendGift', 0, 1, 2), 'gift from //Dave');
  check(
    await chain.send(
      'Ferdie',
      'livestream',
      'createRoom',
      'Ferdie live, tickets only',
      null,
      'Paid',
      null,
      2n * UNIT,
    ),
    'create room 3',
  );
  check(await chain.send('Ferdie', 'livestream', 'startLive', 3), 'start room 3');
}
