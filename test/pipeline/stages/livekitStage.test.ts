import { describe, expect, it } from 'vitest';
import type { LiveKitAction } from '../../../src/livekit/livekitActionsFor.js';
import { livekitStage } from '../../../src/pipeline/stages/livekitStage.js';
import { ALICE, BOB, chainEvent } from '../../support/chainEvents.js';
import { chainRoom } from '../../support/chainRooms.js';

const BLOCK = { number: 8, hash: '0x08' };
const LIMITS = { emptyTimeoutSeconds: 60, maxParticipants: 10 };
const ROOM = chainRoom({ id: 6, roomType: 'MultiHost', startedAt: 8 });

describe('livekitStage', () => {
  it('queues the LiveKit actions of every event, in order, with the room as the index has it now', async () => {
    const queued: LiveKitAction[] = [];
    const stage = livekitStage({
      room: (roomId) => (roomId === ROOM.id ? ROOM : undefined),
      enqueue: (action) => queued.push(action),
      limits: LIMITS,
    });
    const events = [
      chainEvent('LiveStarted', { roomId: 6, startedAt: 8 }, { block: BLOCK, index: 0 }),
      chainEvent('GiftSent', { roomId: 6 }, { block: BLOCK, index: 1 }),
      chainEvent('CoHostStarted', { roomId: 6, coHost: BOB }, { block: BLOCK, index: 2 }),
      chainEvent('RoomBanned', { roomId: 7 }, { block: BLOCK, index: 3 }),
    ];
    await stage.apply({ ...BLOCK, events }, 'finalized');
    expect(queued.map((action) => [action.kind, action.room])).toEqual([
      ['createRoom', 'room-6'],
      ['setStageRole', 'room-6'],
      ['deleteRoom', 'room-7'],
    ]);
    const [created] = queued;
    expect(created?.kind === 'createRoom' && JSON.parse(created.input.metadata)).toEqual({
      roomId: 6,
      host: ALICE,
      roomType: 'MultiHost',
    });
  });

  it('acts from a best block, not again when the block is confirmed, and undoes a retracted block', async () => {
    const queued: LiveKitAction[] = [];
    const stage = livekitStage({
      room: (roomId) => (roomId === ROOM.id ? ROOM : undefined),
      enqueue: (action) => queued.push(action),
      limits: LIMITS,
    });
    const events = [chainEvent('CoHostStarted', { roomId: 6, coHost: BOB }, { block: BLOCK, index: 0 })];
    await stage.apply({ ...BLOCK, events }, 'best');
    await stage.apply({ ...BLOCK, events }, 'confirmed');
    await stage.retract?.({ ...BLOCK, events }, { number: 7, hash: '0x07' });
    expect(queued).toEqual([
      { kind: 'setStageRole', room: 'room-6', identity: BOB, role: 'coHost' },
      { kind: 'setStageRole', room: 'room-6', identity: BOB, role: 'viewer' },
    ]);
  });
});
