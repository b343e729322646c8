import { describe, expect, it } from 'vitest';
import { RoomIndex } from '../../src/chain/RoomIndex.js';
import type { ChainRoom, RoomStatus } from '../../src/chain/types.js';
import { LiveKitError } from '../../src/livekit/LiveKitError.js';
import { PresenceReconciler, RECONCILE_ROOMS_PER_ROUND } from '../../src/livekit/PresenceReconciler.js';
import { ViewerPresence } from '../../src/presence/ViewerPresence.js';
import { chainRoom } from '../support/chainRooms.js';
import { captureLogs } from '../support/logCapture.js';
import { ScriptedLiveKitGateway } from '../support/ScriptedLiveKitGateway.js';

const HOST = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

function chainRoomIn(id: number, status: RoomStatus): ChainRoom {
  return chainRoom({
    id,
    host: HOST,
    title: `Room ${id}`,
    status,
    startedAt: status === 'Preparing' ? null : 2,
    endedAt: status === 'Ended' ? 3 : null,
  });
}

function setUp(rooms: ChainRoom[], intervalMs?: number) {
  const gateway = new ScriptedLiveKitGateway();
  const presence = new ViewerPresence();
  const index = new RoomIndex();
  index.load(rooms);
  const reconciler = new PresenceReconciler({
    gateway,
    presence,
    index,
    logger: captureLogs('warn').logger,
    ...(intervalMs === undefined ? {} : { intervalMs }),
  });
  return { gateway, presence, index, reconciler };
}

const listed = (gateway: ScriptedLiveKitGateway) =>
  gateway.calls.filter((c) => c.method === 'listParticipants').map((c) => c.room);

describe('PresenceReconciler', () => {
  it('replaces the presence of a live room with LiveKit’s participants, a lost leave and a lost join included', async () => {
    const { gateway, presence, reconciler } = setUp([chainRoomIn(1, 'Live')]);
    presence.applyLiveKit(1, 'alice', true, 1_000);
    presence.applyLiveKit(1, 'bob', true, 1_000);
    gateway.setParticipants('room-1', ['alice', 'carol']);
    expect(await reconciler.reconcile()).toBe(1);
    expect(listed(gateway)).toEqual(['room-1']);
    expect(presence.count(1)).toBe(2);
  });

  it('does not count participants LiveKit lists as disconnected', async () => {
    const { gateway, presence, reconciler } = setUp([chainRoomIn(1, 'Paused')]);
    gateway.script = (call) =>
      call.method === 'listParticipants'
        ? [
            { identity: 'alice', state: 'active', joinedAtMs: 1 },
            { identity: 'bob', state: 'joining', joinedAtMs: 1 },
            { identity: 'carol', state: 'disconnected', joinedAtMs: 1 },
          ]
        : undefined;
    await reconciler.reconcile();
    expect(presence.count(1)).toBe(2);
  });

  it('checks live rooms nobody is known to watch, as after a restart that lost every webhook', async () => {
    const { gateway, presence, reconciler } = setUp([
      chainRoomIn(1, 'Live'),
      chainRoomIn(2, 'Paused'),
      chainRoomIn(3, 'Preparing'),
      chainRoomIn(4, 'Ended'),
    ]);
    gateway.setParticipants('room-1', ['alice', 'bob']);
    gateway.setParticipants('room-2', ['carol']);
    await reconciler.reconcile();
    expect(listed(gateway).sort()).toEqual(['room-1', 'room-2']);
    expect(presence.count(1)).toBe(2);
    expect(presence.count(2)).toBe(1);
  });

  it('clears rooms that are no longer live without asking LiveKit', async () => {
    const { gateway, presence, reconciler } = setUp([chainRoomIn(1, 'Ended'), chainRoomIn(2, 'Banned')]);
    presence.join(1, 'alice');
    presence.applyLiveKit(2, 'bob', true, 1_000);
    presence.join(9, 'ghost');
    await reconciler.reconcile();
    expect(listed(gateway)).toEqual([]);
    expect(presence.activeRooms()).toEqual([]);
  });

  it('keeps what it knows when LiveKit does not answer, and stops the round', async () => {
    const { gateway, presence, reconciler } = setUp([chainRoomIn(1, 'Live'), chainRoomIn(2, 'Live')]);
    presence.applyLiveKit(1, 'alice', true, 1_000);
    presence.applyLiveKit(2, 'bob', true, 1_000);
    gateway.script = () => {
      throw new LiveKitError('fetch failed', { kind: 'unavailable', operation: 'ListParticipants' });
    };
    await reconciler.reconcile();
    expect(listed(gateway)).toHaveLength(1);
    expect(presence.count(1)).toBe(1);
    expect(presence.count(2)).toBe(1);
  });

  it('lets a join reported in the same second as the list count', async () => {
    const { gateway, presence, reconciler } = setUp([chainRoomIn(1, 'Live')]);
    presence.applyLiveKit(1, 'alice', true, 1_000);
    gateway.setParticipants('room-1', []);
    await reconciler.reconcile();
    expect(presence.count(1)).toBe(0);
    // Webhook times have whole seconds: alice coming back just after the list carries its second.
    presence.applyLiveKit(1, 'alice', true, Math.floor(Date.now() / 1000) * 1000);
    expect(presence.count(1)).toBe(1);
  });

  it('checks a bounded number of rooms per round and goes on where it stopped', async () => {
    const total = RECONCILE_ROOMS_PER_ROUND + 50;
    const { gateway, reconciler } = setUp(Array.from({ length: total }, (_, id) => chainRoomIn(id, 'Live')));
    expect(await reconciler.reconcile()).toBe(RECONCILE_ROOMS_PER_ROUND);
    const first = listed(gateway);
    expect(await reconciler.reconcile()).toBe(RECONCILE_ROOMS_PER_ROUND);
    const second = listed(gateway).slice(first.length);
    expect(new Set([...first, ...second]).size).toBe(total);
    expect(second[0]).toBe(`room-${RECONCILE_ROOMS_PER_ROUND}`);
  });

  it('runs rounds on its timer until stopped', async () => {
    const { gateway, reconciler } = setUp([chainRoomIn(1, 'Live')], 5);
    reconciler.start();
    await gateway.callCount(2);
    reconciler.stop();
    expect(listed(gateway).slice(0, 2)).toEqual(['room-1', 'room-1']);
  });
});
