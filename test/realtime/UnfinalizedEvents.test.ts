import { describe, expect, it } from 'vitest';
import { UNFINALIZED_MAX_EVENTS_PER_ROOM, UnfinalizedEvents } from '../../src/realtime/UnfinalizedEvents.js';

const B1 = { number: 1, hash: '0x01' };
const B2 = { number: 2, hash: '0x02' };
const frame = (id: string) => Buffer.from(id);

describe('UnfinalizedEvents', () => {
  it('keeps the 256 non-final events of a room that the README promises, then marks the room lost', () => {
    expect(UNFINALIZED_MAX_EVENTS_PER_ROOM).toBe(256);
  });

  it("gives a room's frames in chain order across blocks, and takes a block's events back", () => {
    const events = new UnfinalizedEvents();
    events.add(B1, 7, '1-0', frame('a'));
    events.add(B1, 8, '1-1', frame('x'));
    events.add(B2, 7, '2-0', frame('b'));
    expect(events.frames(7)).toEqual([frame('a'), frame('b')]);
    const taken = events.take(B1.hash);
    expect(taken?.rooms.get(7)?.ids).toEqual(['1-0']);
    expect(taken?.rooms.get(8)?.ids).toEqual(['1-1']);
    expect(events.frames(7)).toEqual([frame('b')]);
    expect(events.take(B1.hash)).toBeUndefined();
  });

  it('past the bound a room is lost in that block (frames: null), and keeps events again once blocks are taken', () => {
    const events = new UnfinalizedEvents(2);
    events.add(B1, 7, '1-0', frame('a'));
    events.add(B1, 7, '1-1', frame('b'));
    events.add(B2, 7, '2-0', frame('c'));
    events.add(B2, 8, '2-1', frame('x'));
    expect(events.frames(7)).toBeNull();
    expect(events.frames(8)).toEqual([frame('x')]);
    const lost = events.take(B2.hash);
    expect(lost?.lost).toEqual(new Set([7]));
    expect(lost?.rooms.get(7)).toBeUndefined();
    events.take(B1.hash);
    events.add(B2, 7, '2-0', frame('c'));
    expect(events.frames(7)).toEqual([frame('c')]);
  });
});
