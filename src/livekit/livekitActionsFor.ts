import type { ChainEvent } from '../chain/livestreamEvents.js';
import type { ChainRoom } from '../chain/types.js';
import type { CreateRoomInput, ParticipantPermissionSet } from './LiveKitGateway.js';
import { livekitRoomName } from './livekitRoomName.js';

/** What LiveKit must do so that it matches the chain (DESIGN.md §6). Each is idempotent. */
export type LiveKitAction =
  | { kind: 'createRoom'; room: string; input: CreateRoomInput }
  | { kind: 'deleteRoom'; room: string }
  | { kind: 'removeParticipant'; room: string; identity: string }
  | { kind: 'setPermission'; room: string; identity: string; permission: ParticipantPermissionSet }
  /**
   * Put a connected participant on stage or back in the audience, in place. What a co-host may
   * publish depends on the participant's last token (`stagePermission`), so it is read from
   * LiveKit when the action runs; nobody connected: nothing to do.
   */
  | { kind: 'setStageRole'; room: string; identity: string; role: 'coHost' | 'viewer' };

export interface RoomLimits {
  emptyTimeoutSeconds: number;
  maxParticipants: number;
}

/**
 * The LiveKit room of a chain room that a host may connect to (Preparing, Live or Paused), with
 * the same options wherever it is created: at RoomCreated, LiveStarted, a publisher token, or
 * reconciliation. CreateRoom is an upsert, so repeating it is harmless.
 */
export function openRoomAction(
  roomId: number,
  room: ChainRoom | undefined,
  limits: RoomLimits,
): LiveKitAction {
  const name = livekitRoomName(roomId);
  return {
    kind: 'createRoom',
    room: name,
    input: {
      name,
      emptyTimeoutSeconds: limits.emptyTimeoutSeconds,
      maxParticipants: limits.maxParticipants,
      metadata: JSON.stringify({ roomId, host: room?.host ?? null, roomType: room?.roomType ?? null }),
    },
  };
}

/** Puts `identity` on stage (`coHost`) or back in the audience (`viewer`) in the chain room's LiveKit room. */
export function stageRoleAction(roomId: number, identity: string, role: 'coHost' | 'viewer'): LiveKitAction {
  return { kind: 'setStageRole', room: livekitRoomName(roomId), identity, role };
}

/** The LiveKit actions of one chain event; `room` is the room's state after the event's block. */
export function livekitActionsFor(
  event: ChainEvent,
  room: ChainRoom | undefined,
  limits: RoomLimits,
): LiveKitAction[] {
  switch (event.name) {
    case 'RoomCreated':
    case 'LiveStarted':
      return [openRoomAction(event.roomId, room, limits)];
    case 'LiveEnded':
    case 'RoomBanned':
      return [{ kind: 'deleteRoom', room: livekitRoomName(event.roomId) }];
    case 'ViewerKicked':
      return [
        { kind: 'removeParticipant', room: livekitRoomName(event.roomId), identity: event.data.viewer },
      ];
    case 'CoHostStarted':
      return [stageRoleAction(event.roomId, event.data.coHost, 'coHost')];
    case 'CoHostEnded':
      return [stageRoleAction(event.roomId, event.data.coHost, 'viewer')];
    default:
      return [];
  }
}
