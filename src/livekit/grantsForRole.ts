import type { VideoGrant } from 'livekit-server-sdk';
import {
  type CoHostMedia,
  DEFAULT_CO_HOST_MEDIA,
  type StageRole,
  stagePermission,
} from './stagePermission.js';
import { toTrackSource } from './trackSources.js';

/** Who a join token is for. */
export type LiveKitRole = StageRole;

/**
 * The LiveKit video grant of a join token for `role` in `roomName`, from the one stage rule
 * (`stagePermission`).
 *
 * Every flag the role relies on is explicit: the server treats an omitted `canPublish` or
 * `canSubscribe` as true and an omitted `canPublishData` as "same as canPublish", so a viewer
 * token without `canPublish: false` could publish. No role ever gets a server-API grant
 * (roomAdmin, roomCreate, roomList, roomRecord, ingressAdmin), and nobody may rewrite their own
 * name, metadata or attributes, because other parts of the system read roles from them.
 */
export function grantsForRole(
  role: LiveKitRole,
  roomName: string,
  coHostMedia: CoHostMedia = DEFAULT_CO_HOST_MEDIA,
): VideoGrant {
  if (roomName.length === 0) {
    throw new RangeError('roomName must not be empty');
  }
  const permission = stagePermission(role, coHostMedia);
  return {
    roomJoin: true,
    room: roomName,
    canSubscribe: permission.canSubscribe,
    canPublishData: permission.canPublishData,
    canUpdateOwnMetadata: false,
    canPublish: permission.canPublish,
    ...(permission.canPublishSources.length === 0
      ? {}
      : { canPublishSources: permission.canPublishSources.map(toTrackSource) }),
  };
}
