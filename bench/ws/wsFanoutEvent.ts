import type { ChainBlock, ChainEvent } from '../../src/chain/livestreamEvents.js';
import type { ChainEventMessage } from '../../src/realtime/chainEventMessage.js';

/** Room 0 of the demo seed (//Alice's live room): every bench client subscribes to it. */
export const FANOUT_ROOM_ID = 0;
/** Synthetic blocks start far above the dev chain's head, so their event ids are always the newest. */
const FIRST_BENCH_BLOCK = 10_000_000;
const SENDER = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const RECEIVER = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';
const HASH_HEX_CHARS = 64;

/**
 * Microseconds on CLOCK_MONOTONIC (libuv's `uv_hrtime`), a clock shared by every process of the
 * machine, unlike `performance.now()` whose origin is each process's start. The orchestrator checks
 * that the children agree with it (`clockAgrees`) before trusting cross-process latencies.
 */
export function eventClockUs(): number {
  const [seconds, nanos] = process.hrtime();
  return seconds * 1e6 + nanos / 1e3;
}

/**
 * The `GiftSent` chain event number `seq`, as the follower would hand it to the hub, stamped with
 * `t` (µs on `eventClockUs`) as its last data field: clients read it back from the frame's tail.
 */
export function benchChainEvent(seq: number, t: number): ChainEvent {
  const number = FIRST_BENCH_BLOCK + seq;
  return {
    id: `${number}-0`,
    name: 'GiftSent',
    roomId: FANOUT_ROOM_ID,
    block: { number, hash: blockHash(number) },
    data: {
      roomId: FANOUT_ROOM_ID,
      sender: SENDER,
      receiver: RECEIVER,
      giftId: 1,
      quantity: 2,
      value: '20000000000000',
      t,
    },
  };
}

export function benchBlock(seq: number, t: number): ChainBlock {
  const event = benchChainEvent(seq, t);
  return { ...event.block, events: [event] };
}

/** The same message the hub makes of `benchChainEvent` (`gift:received`), for the other servers. */
export function benchMessage(seq: number, t: number): ChainEventMessage {
  const event = benchChainEvent(seq, t);
  return {
    type: 'gift:received',
    id: event.id,
    roomId: event.roomId,
    block: event.block,
    final: true,
    data: event.data,
  };
}

function blockHash(number: number): string {
  return `0x${number.toString(16).padStart(HASH_HEX_CHARS, '0')}`;
}
