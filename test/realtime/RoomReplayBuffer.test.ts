import { describe, expect, it } from 'vitest';
import { RoomReplayBuffer } from '../../src/realtime/RoomReplayBuffer.js';

const frame = (id: string) => Buffer.from(JSON.stringify({ id }));
const ids = (frames: Buffer[] | null) =>
  frames?.map((f) => (JSON.parse(f.toString()) as { id: string }).id) ?? null;

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RoomReplayBuffer', () => {
  it('returns exactly the events after `since`, in order, per room', () => {
    const buffer = new RoomReplayBuffer();
    buffer.reset('10-999999');
    buffer.add(0, '11-1', frame('11-1'));
    buffer.add(1, '11-2', frame('11-2'));
    buffer.add(0, '12-0', frame('12-0'));
    buffer.add(0, '12-3', frame('12-3'));
    expect(ids(buffer.after(0, '11-1'))).toEqual(['12-0', '12-3']);
    expect(ids(buffer.after(0, '12-0'))).toEqual(['12-3']);
    expect(ids(buffer.after(0, '12-3'))).toEqual([]);
    // Another room's id works as a position too: everything of room 0 after it.
    expect(ids(buffer.after(0, '11-2'))).toEqual(['12-0', '12-3']);
    expect(ids(buffer.after(1, '11-1'))).toEqual(['11-2']);
    expect(buffer.lastEventId(0)).toBe('12-3');
    expect(buffer.lastEventId(1)).toBe('11-2');
    expect(buffer.lastEventId(2)).toBeNull();
  });

  it('replays everything since the origin, and refuses ids from before it', () => {
    const buffer = new RoomReplayBuffer();
    buffer.reset('10-999999');
    buffer.add(0, '11-0', frame('11-0'));
    expect(ids(buffer.after(0, '10-999999'))).toEqual(['11-0']);
    expect(ids(buffer.after(0, '10-4'))).toBeNull();
    // A room without events since the origin: nothing to replay, unless `since` predates the origin.
    expect(ids(buffer.after(5, '10-999999'))).toEqual([]);
    expect(ids(buffer.after(5, '11-0'))).toEqual([]);
    expect(ids(buffer.after(5, '9-0'))).toBeNull();
  });

  it('keeps at most maxEvents per room and refuses a `since` before the oldest kept', () => {
    const buffer = new RoomReplayBuffer({ maxEvents: 3 });
    buffer.reset('0-999999');
    for (let n = 1; n <= 5; n++) buffer.add(0, `${n}-0`, frame(`${n}-0`));
    buffer.add(1, '6-0', frame('6-0'));
    expect(ids(buffer.after(0, '2-0'))).toEqual(['3-0', '4-0', '5-0']);
    expect(ids(buffer.after(0, '1-0'))).toBeNull();
    expect(ids(buffer.after(0, '1-5'))).toBeNull();
    // The other room is bounded on its own.
    expect(ids(buffer.after(1, '1-0'))).toEqual(['6-0']);
  });

  it('drops events older than maxAgeMs and then refuses a `since` before them', () => {
    const time = clock();
    const buffer = new RoomReplayBuffer({ maxAgeMs: 1_000, now: time.now });
    buffer.reset('0-999999');
    buffer.add(0, '1-0', frame('1-0'));
    time.advance(600);
    buffer.add(0, '2-0', frame('2-0'));
    expect(ids(buffer.after(0, '0-999999'))).toEqual(['1-0', '2-0']);
    time.advance(500);
    // 1-0 is now 1,100 ms old: gone, even without a new add.
    expect(ids(buffer.after(0, '0-999999'))).toBeNull();
    expect(ids(buffer.after(0, '1-0'))).toEqual(['2-0']);
    time.advance(1_000);
    expect(ids(buffer.after(0, '1-0'))).toBeNull();
    expect(ids(buffer.after(0, '2-0'))).toEqual([]);
  });

  it('forgets everything on reset: earlier ids need a reset, later ones replay what follows', () => {
    const buffer = new RoomReplayBuffer();
    buffer.reset('0-999999');
    buffer.add(0, '1-0', frame('1-0'));
    buffer.add(0, '2-0', frame('2-0'));
    buffer.reset('50-999999');
    expect(buffer.lastEventId(0)).toBeNull();
    expect(ids(buffer.after(0, '1-0'))).toBeNull();
    expect(ids(buffer.after(0, '50-999999'))).toEqual([]);
    buffer.add(0, '51-0', frame('51-0'));
    expect(ids(buffer.after(0, '1-0'))).toBeNull();
    expect(ids(buffer.after(0, '50-999999'))).toEqual(['51-0']);
  });

  it('hands out the stored frames themselves (serialized once)', () => {
    const buffer = new RoomReplayBuffer();
    const stored = frame('1-0');
    buffer.add(0, '1-0', stored);
    expect(buffer.after(0, '0-0')?.[0]).toBe(stored);
  });
});
