import {
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MuteRoomTrackRequest,
  RemoveParticipantResponse,
  type Room,
  RoomParticipantIdentity,
  SendDataRequest,
  SendDataResponse,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UpdateSubscriptionsRequest,
  UpdateSubscriptionsResponse,
} from '@livekit/protocol';
import type { FakeRoomStore } from './FakeRoomStore.js';
import { TwirpFailure } from './TwirpFailure.js';
import type { TwirpMessage } from './twirpWire.js';
import type { TokenClaims } from './verifyLiveKitToken.js';

/*
 * The RoomService methods: how each request decodes, which grant it needs (livekit/protocol
 * `auth` `EnsureCreatePermission` / `EnsureListPermission` / `EnsureAdminPermission`), and what it
 * does to the rooms.
 */

export type Requirement =
  | { grant: 'roomCreate' }
  | { grant: 'roomList' }
  | { grant: 'roomAdmin'; room: string };
export type DecodedCall = { request: TwirpMessage; requirement: Requirement; run: () => TwirpMessage };
export type MethodHandler = (body: Buffer, format: 'json' | 'protobuf') => DecodedCall;

export function roomServiceMethods(store: FakeRoomStore): Record<string, MethodHandler> {
  const admin = (room: string): Requirement => ({ grant: 'roomAdmin', room });
  return {
    CreateRoom: handler(
      CreateRoomRequest,
      () => ({ grant: 'roomCreate' }),
      (request) => store.createRoom(request),
    ),
    ListRooms: handler(
      ListRoomsRequest,
      () => ({ grant: 'roomList' }),
      (request) => new ListRoomsResponse({ rooms: store.rooms(request.names) }),
    ),
    DeleteRoom: handler(
      DeleteRoomRequest,
      () => ({ grant: 'roomCreate' }),
      (request) => {
        store.deleteRoom(request.room);
        return new DeleteRoomResponse();
      },
    ),
    UpdateRoomMetadata: handler(
      UpdateRoomMetadataRequest,
      (request) => admin(request.room),
      (request) => store.updateRoomMetadata(request.room, request.metadata),
    ),
    ListParticipants: handler(
      ListParticipantsRequest,
      (request) => admin(request.room),
      (request) => new ListParticipantsResponse({ participants: store.participants(request.room) }),
    ),
    GetParticipant: handler(
      RoomParticipantIdentity,
      (request) => admin(request.room),
      (request) => store.requireParticipant(request.room, request.identity),
    ),
    RemoveParticipant: handler(
      RoomParticipantIdentity,
      (request) => admin(request.room),
      (request) => {
        store.removeParticipant(request.room, request.identity);
        return new RemoveParticipantResponse();
      },
    ),
    UpdateParticipant: handler(
      UpdateParticipantRequest,
      (request) => admin(request.room),
      (request) => store.updateParticipant(request),
    ),
    MutePublishedTrack: handler(
      MuteRoomTrackRequest,
      (request) => admin(request.room),
      (request) => {
        store.requireParticipant(request.room, request.identity);
        // Fake participants publish no tracks.
        throw new TwirpFailure('not_found', 'track is not found');
      },
    ),
    UpdateSubscriptions: handler(
      UpdateSubscriptionsRequest,
      (request) => admin(request.room),
      (request) => {
        store.requireParticipant(request.room, request.identity);
        return new UpdateSubscriptionsResponse();
      },
    ),
    SendData: handler(
      SendDataRequest,
      (request) => admin(request.room),
      (request) => {
        store.requireRoom(request.room);
        return new SendDataResponse();
      },
    ),
  };
}

export function hasGrant(claims: TokenClaims | undefined, requirement: Requirement): boolean {
  const video = claims?.video;
  if (video === undefined) {
    return false;
  }
  switch (requirement.grant) {
    case 'roomCreate':
      return video.roomCreate === true;
    case 'roomList':
      return video.roomList === true;
    case 'roomAdmin':
      return video.roomAdmin === true && video.room === requirement.room;
  }
}

function handler<Request extends TwirpMessage>(
  type: {
    fromJson(json: Parameters<typeof Room.fromJson>[0], options: { ignoreUnknownFields: boolean }): Request;
    fromBinary(bytes: Uint8Array): Request;
  },
  requirement: (request: Request) => Requirement,
  run: (request: Request) => TwirpMessage,
): MethodHandler {
  return (body, format) => {
    const request =
      format === 'json'
        ? type.fromJson(JSON.parse(body.length === 0 ? '{}' : body.toString('utf8')), {
            ignoreUnknownFields: true,
          })
        : type.fromBinary(new Uint8Array(body));
    return { request, requirement: requirement(request), run: () => run(request) };
  };
}
