import { describe, expect, it } from 'vitest';
import type { PresenceChange } from '../../src/presence/PresenceReplication.js';
import { ViewerPresence } from '../../src/presence/ViewerPresence.js';

const TTL_MS = 60_000;
const CONFIRM_MS = 20_000;

/** A presence on a clock the test moves, with every count change and replicated change recorded. */
function clocked(accountsPerIp = 3) {
  let now = 1_000_000;
  const presence = new ViewerPresence({
    now: () => now,
    ttlMs: TTL_MS,
    confirmMs: CONFIRM_MS,
    accountsPerIp,
  });
  const changes: [number, number][] = [];
  const replicated: PresenceChange[] = [];
  presence.onCountChange((roomId, count) => changes.push([roomId, count]));
  presence.onLocalChange((change) => replicated.push(change));
  const advance = (ms: number) => {
    now += ms;
    presence.sweep();
  };
  return { presence, changes, replicated, advance, now: () => now };
}

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

  describe('expiry of viewers known from tokens', () => {
    it('drops a viewer whose token is older than the TTL, and tells the listeners', () => {
      const { presence, changes, advance } = clocked();
      presence.join(1, 'alice');
      advance(TTL_MS / 2);
      presence.join(1, 'bob');
      advance(TTL_MS / 2);
      expect(presence.count(1)).toBe(1);
      advance(TTL_MS / 2);
      expect(presence.count(1)).toBe(0);
      expect(presence.activeRooms()).toEqual([]);
      expect(changes).toEqual([
        [1, 1],
        [1, 2],
        [1, 1],
        [1, 0],
      ]);
    });

    it('renews the TTL with another token, a LiveKit report of the viewer or its listing by LiveKit', () => {
      const { presence, advance, now } = clocked();
      presence.join(1, 'alice');
      presence.join(2, 'bob');
      presence.join(3, 'carol');
      advance(TTL_MS - 1);
      presence.join(1, 'alice');
      presence.applyLiveKit(2, 'bob', true, now());
      presence.replaceLiveKit(3, ['carol'], now());
      // Room 2 and 3 fall back to tokens again (the room was emptied without a LiveKit time).
      presence.clear(2);
      presence.join(2, 'bob');
      advance(TTL_MS - 1);
      expect(presence.count(1)).toBe(1);
      expect(presence.count(2)).toBe(1);
      advance(2);
      expect(presence.count(1)).toBe(0);
    });

    it('keeps a viewer an open WebSocket holds until it leaves, and confirms it to the other instances', () => {
      const { presence, replicated, advance } = clocked();
      presence.hold(1, 'alice');
      presence.join(1, 'alice');
      expect(replicated).toEqual([
        { op: 'join', roomId: 1, identity: 'alice' },
        { op: 'join', roomId: 1, identity: 'alice' },
      ]);
      advance(CONFIRM_MS);
      expect(replicated.at(-1)).toEqual({ op: 'confirm', roomId: 1, identities: ['alice'] });
      advance(TTL_MS * 3);
      expect(presence.count(1)).toBe(1);
      presence.leave(1, 'alice');
      expect(presence.count(1)).toBe(0);
      const sent = replicated.length;
      advance(CONFIRM_MS);
      expect(replicated).toHaveLength(sent);
    });

    it('counts what another instance replicates for the TTL, renewed by its confirmations', () => {
      const { presence, advance } = clocked();
      presence.applyRemote({ op: 'join', roomId: 1, identity: 'alice' });
      presence.applyRemote({ op: 'confirm', roomId: 1, identities: ['bob'] });
      expect(presence.count(1)).toBe(2);
      advance(TTL_MS - 1);
      presence.applyRemote({ op: 'confirm', roomId: 1, identities: ['alice'] });
      advance(2);
      expect(presence.count(1)).toBe(1);
      advance(TTL_MS);
      expect(presence.count(1)).toBe(0);
    });
  });

  describe('the quota of accounts per client IP', () => {
    it('stops raising the count past the quota of one IP, and lets another IP add its own', () => {
      const { presence } = clocked(3);
      const added = ['a', 'b', 'c', 'd', 'e'].map((key) => presence.join(1, key, '10.0.0.1'));
      expect(added).toEqual([true, true, true, false, false]);
      expect(presence.count(1)).toBe(3);
      // Across rooms: the quota is the IP's, not the room's.
      expect(presence.join(2, 'f', '10.0.0.1')).toBe(false);
      expect(presence.join(1, 'f', '10.0.0.2')).toBe(true);
      expect(presence.count(1)).toBe(4);
    });

    it('renews an account already counted, even past the quota, and frees slots after the TTL', () => {
      const { presence, advance } = clocked(2);
      presence.hold(1, 'held');
      expect(presence.join(1, 'a', '10.0.0.1')).toBe(true);
      expect(presence.join(1, 'b', '10.0.0.1')).toBe(true);
      expect(presence.join(1, 'a', '10.0.0.1')).toBe(true);
      expect(presence.join(2, 'a', '10.0.0.1')).toBe(true);
      // Already counted through its WebSocket: renewing it adds nobody.
      expect(presence.join(1, 'held', '10.0.0.1')).toBe(true);
      expect(presence.join(1, 'c', '10.0.0.1')).toBe(false);
      advance(TTL_MS);
      expect(presence.count(1)).toBe(1);
      expect(presence.join(1, 'c', '10.0.0.1')).toBe(true);
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
