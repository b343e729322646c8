import { describe, expect, it } from 'vitest';
import { ViewerPresence } from '../../src/presence/ViewerPresence.js';

function watched() {
  const presence = new ViewerPresence();
  const changes: [number, number][] = [];
  presence.onCountChange((roomId, count) => changes.push([roomId, count]));
  return { presence, changes };
}

describe('ViewerPresence', () => {
  describe('fallback (token and WebSocket bookkeeping)', () => {
    it('counts joins and leaves per room, and a rejoin only once', () => {
      const { presence, changes } = watched();
      presence.join(1, 'alice');
      presence.join(1, 'alice');
      presence.join(1, 'bob');
      presence.join(2, 'alice');
      expect(presence.count(1)).toBe(2);
      expect(presence.count(2)).toBe(1);
      presence.leave(1, 'alice');
      presence.leave(1, 'nobody');
      expect(presence.count(1)).toBe(1);
      expect(changes).toEqual([
        [1, 1],
        [1, 2],
        [2, 1],
        [1, 1],
      ]);
    });

    it('knows no viewers in a room nobody joined', () => {
      expect(new ViewerPresence().count(7)).toBe(0);
    });
  });

  describe('LiveKit reports', () => {
    it('replace the fallback for a room as soon as LiveKit reported on it', () => {
      const { presence } = watched();
      presence.join(1, 'alice');
      presence.join(1, 'bob');
      presence.applyLiveKit(1, 'carol', true, 1_000);
      expect(presence.count(1)).toBe(1);
      presence.join(1, 'dave');
      presence.leave(1, 'carol');
      expect(presence.count(1)).toBe(1);
      // Other rooms keep their fallback.
      presence.join(2, 'alice');
      expect(presence.count(2)).toBe(1);
    });

    it('count an identity once however often it joins', () => {
      const { presence, changes } = watched();
      presence.applyLiveKit(1, 'alice', true, 1_000);
      presence.applyLiveKit(1, 'alice', true, 2_000);
      expect(presence.count(1)).toBe(1);
      expect(changes).toEqual([[1, 1]]);
    });

    it('ignore a leave older than the join it would undo', () => {
      const { presence } = watched();
      presence.applyLiveKit(1, 'alice', true, 5_000);
      presence.applyLiveKit(1, 'alice', false, 4_000);
      expect(presence.count(1)).toBe(1);
      presence.applyLiveKit(1, 'alice', false, 6_000);
      expect(presence.count(1)).toBe(0);
      // ...and a join older than the leave.
      presence.applyLiveKit(1, 'alice', true, 5_500);
      expect(presence.count(1)).toBe(0);
    });

    it('within one second, tell sessions apart: the leave of an earlier session does not remove a rejoin', () => {
      const { presence } = watched();
      // LiveKit's createdAt has whole seconds: a reconnect often shares the second of its leave.
      presence.applyLiveKit(1, 'alice', true, 7_000, 'PA_second');
      presence.applyLiveKit(1, 'alice', false, 7_000, 'PA_first');
      expect(presence.count(1)).toBe(1);
      presence.applyLiveKit(1, 'alice', false, 7_000, 'PA_second');
      expect(presence.count(1)).toBe(0);
    });

    it('within one second, ignore the join of a session whose leave came first', () => {
      const { presence } = watched();
      presence.applyLiveKit(1, 'alice', false, 7_000, 'PA_first');
      presence.applyLiveKit(1, 'alice', true, 7_000, 'PA_first');
      expect(presence.count(1)).toBe(0);
      presence.applyLiveKit(1, 'alice', true, 7_000, 'PA_second');
      expect(presence.count(1)).toBe(1);
    });

    it('apply reports in arrival order when they carry the same time and no session', () => {
      const { presence } = watched();
      presence.applyLiveKit(1, 'alice', true, 7_000);
      presence.applyLiveKit(1, 'alice', false, 7_000);
      expect(presence.count(1)).toBe(0);
      presence.applyLiveKit(1, 'alice', true, 7_000);
      expect(presence.count(1)).toBe(1);
    });
  });

  describe('reconciliation', () => {
    it('replaces what the webhooks said with LiveKit’s participant list', () => {
      const { presence, changes } = watched();
      presence.applyLiveKit(1, 'alice', true, 1_000);
      presence.applyLiveKit(1, 'bob', true, 1_000);
      // bob's leave was lost; carol's join was lost.
      presence.replaceLiveKit(1, ['alice', 'carol'], 2_000);
      expect(presence.count(1)).toBe(2);
      presence.replaceLiveKit(1, [], 3_000);
      expect(presence.count(1)).toBe(0);
      expect(changes).toEqual([
        [1, 1],
        [1, 2],
        [1, 0],
      ]);
    });

    it('keeps a report newer than the list', () => {
      const { presence } = watched();
      presence.applyLiveKit(1, 'alice', true, 5_000);
      presence.applyLiveKit(1, 'bob', false, 5_000);
      presence.replaceLiveKit(1, ['bob'], 4_000);
      expect(presence.count(1)).toBe(1);
      presence.applyLiveKit(1, 'alice', false, 6_000);
      expect(presence.count(1)).toBe(0);
    });

    it('makes LiveKit the source of a room, even with an empty list', () => {
      const { presence } = watched();
      presence.join(1, 'alice');
      presence.replaceLiveKit(1, [], 1_000);
      expect(presence.count(1)).toBe(0);
    });
  });

  describe('clear', () => {
    it('forgets both sources of a room and tells listeners', () => {
      const { presence, changes } = watched();
      presence.join(1, 'alice');
      presence.applyLiveKit(2, 'bob', true, 1_000);
      presence.clear(1);
      presence.clear(2, 2_000);
      expect(presence.count(1)).toBe(0);
      expect(presence.count(2)).toBe(0);
      expect(presence.activeRooms()).not.toContain(1);
      expect(changes).toEqual([
        [1, 1],
        [2, 1],
        [1, 0],
        [2, 0],
      ]);
    });

    it('ignores LiveKit reports from before the room was cleared, not after', () => {
      const { presence } = watched();
      presence.applyLiveKit(1, 'alice', true, 1_000);
      presence.clear(1, 5_000);
      presence.applyLiveKit(1, 'bob', true, 4_000);
      presence.replaceLiveKit(1, ['alice'], 4_000);
      expect(presence.count(1)).toBe(0);
      presence.applyLiveKit(1, 'carol', true, 6_000);
      expect(presence.count(1)).toBe(1);
    });

    it('does not call listeners for a room that had nobody', () => {
      const { presence, changes } = watched();
      presence.clear(3);
      expect(changes).toEqual([]);
    });
  });

  it('lists the rooms anybody is known in, and stops calling an unsubscribed listener', () => {
    const presence = new ViewerPresence();
    const seen: number[] = [];
    const off = presence.onCountChange((_roomId, count) => seen.push(count));
    presence.join(4, 'alice');
    presence.applyLiveKit(9, 'bob', true, 1_000);
    presence.applyLiveKit(10, 'carol', false, 1_000);
    off();
    presence.join(4, 'bob');
    expect(presence.activeRooms().sort()).toEqual([4, 9]);
    expect(seen).toEqual([1, 1]);
  });
});
