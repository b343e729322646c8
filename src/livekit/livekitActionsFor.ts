import type { ChainEvent, ChainRoom } from '../chain/types.js';
import type { CreateRoomInput, ParticipantPermissionSet } from './LiveKitGateway.js';
import { livekitRoomName } from './livekitRoomName.js';

/** What LiveKit must do so that it matches a finalized chain event. */
export type LiveKitAction =
  | { kind: 'createRoom'; room: string; input: CreateRoomInput }
  | { kind: 'deleteRoom'; room: string }
  | { kind: 'removeParticipant'; room: string; identity: string }
  | { kind: 'setPermission'; room: string; identity: string; permission: ParticipantPermissionSet };

export interface RoomLimits {
  emptyTimeoutSeconds: number;
  maxParticipants: number;
}

/** A promoted co-host: publish camera and microphone, keep subscribing and chatting. */
export const CO_HOST_PERMISSION: ParticipantPermissionSet = {
  canPublish: true,
  canSubscribe: true,
  canPublishData: true,
  canPublishSources: ['camera', 'microphone'],
};

/** Back to a viewer: publishing off (LiveKit unpublishes their tracks), subscribe and data kept. */
export const VIEWER_PERMISSION: ParticipantPermissionSet = {
  canPublish: false,
  canSubscribe: true,
  canPublishData: true,
  canPublishSources: [],
};

/** The LiveKit actions of one chain event; `room` is the room's state after the event's block. */
export function livekitActionsFor(
  event: ChainEvent,
  room: ChainRoom | undefined,
  limits: RoomLimits,
): LiveKitAction[] {
  if (event.roomId === null) return [];
  const name = livekitRoomName(event.roomId);
  const account = (field: string): string | null => {
    const value = event.data[field];
    return typeof value === 'string' ? value : null;
  };
  switch (event.name) {
    case 'LiveStarted':
      return [
        {
          kind: 'createRoom',
          room: name,
          input: {
            name,
            emptyTimeoutSeconds: limits.emptyTimeoutSeconds,
            maxParticipants: limits.maxParticipants,
            metadata: JSON.stringify({
              roomId: event.roomId,
              host: room?.host ?? null,
              roomType: room?.roomType ?? null,
            }),
          },
        },
      ];
    case 'LiveEnded':
    case 'RoomBanned':
      return [{ kind: 'deleteRoom', room: name }];
    case 'ViewerKicked': {
      const identity = account('viewer');
      return identity ? [{ kind: 'removeParticipant', room: name, identity }] : [];
    }
    case 'CoHostStarted':
    case 'CoHostEnded': {
      const identity = account('coHost');
      if (!identity) return [];
      const permission = event.name === 'CoHostStarted' ? CO_HOST_PERMISSION : VIEWER_PERMISSION;
      return [{ kind: 'setPermission', room: name, identity, permission }];
    }
    default:
      return [];
  }
}
