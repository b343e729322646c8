import { TrackSource, type VideoGrant } from 'livekit-server-sdk';

/** Who a join token is for. */
export const LIVEKIT_ROLES = ['publisher', 'viewer', 'coHost'] as const;
export type LiveKitRole = (typeof LIVEKIT_ROLES)[number];

/** What an on-stage co-host may publish; the chain's co-host `type`. */
export const CO_HOST_MEDIA = ['audio', 'video'] as const;
export type CoHostMedia = (typeof CO_HOST_MEDIA)[number];

/** A co-host without a `type` gets audio: what existing clients expect, and the narrower grant. */
export const DEFAULT_CO_HOST_MEDIA: CoHostMedia = 'audio';

/**
 * The LiveKit video grant of a join token for `role` in `roomName`.
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
  const base = {
    roomJoin: true,
    room: roomName,
    canSubscribe: true,
    canPublishData: true,
    canUpdateOwnMetadata: false,
  } satisfies VideoGrant;
  switch (role) {
    case 'publisher':
      return { ...base, canPublish: true };
    case 'viewer':
      return { ...base, canPublish: false };
    case 'coHost':
      return {
        ...base,
        canPublish: true,
        canPublishSources:
          coHostMedia === 'video' ? [TrackSource.CAMERA, TrackSource.MICROPHONE] : [TrackSource.MICROPHONE],
      };
    default:
      return unknownRole(role);
  }
}

function unknownRole(role: never): never {
  throw new RangeError(`unknown LiveKit role: ${String(role)}`);
}
