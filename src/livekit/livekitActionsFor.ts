import type { ChainEvent } from '../chain/livestreamEvents.js';
import type { ChainRoom } from '../chain/types.js';
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
  switch (event.name) {
    case 'LiveStarted': {
      const name = livekitRoomName(event.roomId);
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
    }
    case 'LiveEnded':
    case 'RoomBanned':
      return [{ kind: 'deleteRoom', room: livekitRoomName(event.roomId) }];
    case 'ViewerKicked':
      return [
        { kind: 'removeParticipant', room: livekitRoomName(event.roomId), identity: event.data.viewer },
      ];
    case 'CoHostStarted':
    case 'CoHostEnded':
      return [
        {
          kind: 'setPermission',
          room: livekitRoomName(event.roomId),
          identity: event.data.coHost,
          permission: event.name === 'CoHostStarted' ? CO_HOST_PERMISSION : VIEWER_PERMISSION,
        },
      ];
    default:
      return [];
  }
}
