import {
  Codec,
  type CreateRoomRequest,
  ParticipantInfo,
  ParticipantInfo_State,
  ParticipantPermission,
  Room,
  type TrackSource,
  type UpdateParticipantRequest,
} from '@livekit/protocol';
import { newSid, type WebhookEventName } from '../webhookSender.js';
import { TwirpFailure } from './TwirpFailure.js';

/*
 * The rooms and participants of a LiveKit server, with the server's rules for them
 * (livekit/livekit `pkg/service/roommanager.go`, `roomallocator.go`, `pkg/rtc/participant.go`).
 */

const MS_PER_SECOND = 1000;
/** livekit/livekit `pkg/config/config.go` room defaults, applied when CreateRoom leaves them 0. */
const DEFAULT_EMPTY_TIMEOUT_SECONDS = 300;
const DEFAULT_DEPARTURE_TIMEOUT_SECONDS = 20;
const MAX_NAME_LENGTH = 256;
const DEFAULT_ENABLED_CODECS = [
  'audio/opus',
  'audio/red',
  'video/VP8',
  'video/H264',
  'video/VP9',
  'video/AV1',
];

/** livekit/livekit `pkg/service/errors.go`. */
export const ROOM_NOT_FOUND_MESSAGE = 'requested room does not exist';
export const PARTICIPANT_NOT_FOUND_MESSAGE = 'participant does not exist';

export type JoinOptions = {
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  /** Default: what a token with no publish/subscribe flags gets (everything allowed). */
  permission?: Partial<
    Pick<ParticipantPermission, 'canPublish' | 'canSubscribe' | 'canPublishData' | 'hidden'>
  > & {
    canPublishSources?: TrackSource[];
  };
};

/** Called for every change a webhook reports; `room` and `participant` are snapshots. */
export type RoomEventListener = (
  event: WebhookEventName,
  room: Room,
  participant: ParticipantInfo | undefined,
) => void;

type RoomState = { room: Room; participants: Map<string, ParticipantInfo> };

export class FakeRoomStore {
  readonly #rooms = new Map<string, RoomState>();
  readonly #now: () => number;
  readonly #onEvent: RoomEventListener;

  constructor(options: { now: () => number; onEvent: RoomEventListener }) {
    this.#now = options.now;
    this.#onEvent = options.onEvent;
  }

  clear(): void {
    this.#rooms.clear();
  }

  has(name: string): boolean {
    return this.#rooms.has(name);
  }

  /** Rooms whose name is in `names` (every room when empty). */
  rooms(names: readonly string[] = []): Room[] {
    return [...this.#rooms.values()]
      .filter((state) => names.length === 0 || names.includes(state.room.name))
      .map((state) => this.#snapshot(state));
  }

  room(name: string): Room | undefined {
    const state = this.#rooms.get(name);
    return state === undefined ? undefined : this.#snapshot(state);
  }

  /** An unknown room has no participants (ListParticipants answers 200 with an empty list). */
  participants(room: string): ParticipantInfo[] {
    return [...(this.#rooms.get(room)?.participants.values() ?? [])].map((participant) =>
      participant.clone(),
    );
  }

  participant(room: string, identity: string): ParticipantInfo | undefined {
    return this.#rooms.get(room)?.participants.get(identity)?.clone();
  }

  /** An upsert: a new room gets the server defaults; an existing one takes the non-zero fields. */
  createRoom(request: CreateRoomRequest): Room {
    if (request.name.length > MAX_NAME_LENGTH) {
      throw new TwirpFailure('invalid_argument', 'room name length exceeds limits');
    }
    const state = this.#ensureRoom(request.name);
    const room = state.room;
    if (request.emptyTimeout > 0) room.emptyTimeout = request.emptyTimeout;
    if (request.departureTimeout > 0) room.departureTimeout = request.departureTimeout;
    if (request.maxParticipants > 0) room.maxParticipants = request.maxParticipants;
    if (request.metadata !== '') room.metadata = request.metadata;
    return this.#snapshot(state);
  }

  /** Everyone is disconnected, then the room finishes. */
  deleteRoom(name: string): void {
    const state = this.#requireRoom(name);
    for (const identity of [...state.participants.keys()]) {
      this.#disconnect(state, identity);
    }
    this.#rooms.delete(name);
    this.#onEvent('room_finished', this.#snapshot(state), undefined);
  }

  updateRoomMetadata(name: string, metadata: string): Room {
    const state = this.#requireRoom(name);
    state.room.metadata = metadata;
    return this.#snapshot(state);
  }

  requireRoom(name: string): Room {
    return this.#snapshot(this.#requireRoom(name));
  }

  requireParticipant(room: string, identity: string): ParticipantInfo {
    return this.#requireParticipant(room, identity).participant.clone();
  }

  /**
   * A participant connects to a room that exists, or is created here (`auto_create`). An identity
   * already in the room is replaced, as the server does with a duplicate identity.
   */
  join(room: string, identity: string, options: JoinOptions = {}): ParticipantInfo {
    const state = this.#ensureRoom(room);
    if (state.participants.has(identity)) {
      this.#disconnect(state, identity);
    }
    const nowMs = this.#now();
    const permission = options.permission ?? {};
    const canPublish = permission.canPublish ?? true;
    const participant = new ParticipantInfo({
      sid: newSid('PA_'),
      identity,
      name: options.name ?? '',
      metadata: options.metadata ?? '',
      attributes: options.attributes ?? {},
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(Math.floor(nowMs / MS_PER_SECOND)),
      joinedAtMs: BigInt(nowMs),
      version: 1,
      permission: new ParticipantPermission({
        canPublish,
        canSubscribe: permission.canSubscribe ?? true,
        canPublishData: permission.canPublishData ?? canPublish,
        canPublishSources: permission.canPublishSources ?? [],
        hidden: permission.hidden ?? false,
      }),
    });
    state.participants.set(identity, participant);
    this.#onEvent('participant_joined', this.#snapshot(state), participant.clone());
    return participant.clone();
  }

  /** Resolves to false when nobody had that identity. */
  leave(room: string, identity: string): boolean {
    const state = this.#rooms.get(room);
    if (state === undefined || !state.participants.has(identity)) {
      return false;
    }
    this.#disconnect(state, identity);
    return true;
  }

  removeParticipant(room: string, identity: string): void {
    const { state } = this.#requireParticipant(room, identity);
    this.#disconnect(state, identity);
  }

  /** Permission replaces every bit; empty metadata / name = unchanged; attributes merge, "" deletes. */
  updateParticipant(request: UpdateParticipantRequest): ParticipantInfo {
    const { participant } = this.#requireParticipant(request.room, request.identity);
    if (request.permission !== undefined) {
      participant.permission = request.permission.clone();
    }
    if (request.metadata !== '') participant.metadata = request.metadata;
    if (request.name !== '') participant.name = request.name;
    for (const [key, value] of Object.entries(request.attributes)) {
      if (value === '') {
        delete participant.attributes[key];
      } else {
        participant.attributes[key] = value;
      }
    }
    participant.version += 1;
    return participant.clone();
  }

  #ensureRoom(name: string): RoomState {
    const existing = this.#rooms.get(name);
    if (existing !== undefined) {
      return existing;
    }
    const nowMs = this.#now();
    const state: RoomState = {
      room: new Room({
        sid: newSid('RM_'),
        name,
        emptyTimeout: DEFAULT_EMPTY_TIMEOUT_SECONDS,
        departureTimeout: DEFAULT_DEPARTURE_TIMEOUT_SECONDS,
        creationTime: BigInt(Math.floor(nowMs / MS_PER_SECOND)),
        creationTimeMs: BigInt(nowMs),
        enabledCodecs: DEFAULT_ENABLED_CODECS.map((mime) => new Codec({ mime })),
      }),
      participants: new Map(),
    };
    this.#rooms.set(name, state);
    this.#onEvent('room_started', this.#snapshot(state), undefined);
    return state;
  }

  #requireRoom(name: string): RoomState {
    const state = this.#rooms.get(name);
    if (state === undefined) {
      throw new TwirpFailure('not_found', ROOM_NOT_FOUND_MESSAGE);
    }
    return state;
  }

  #requireParticipant(room: string, identity: string): { state: RoomState; participant: ParticipantInfo } {
    const state = this.#rooms.get(room);
    const participant = state?.participants.get(identity);
    if (state === undefined || participant === undefined) {
      throw new TwirpFailure('not_found', PARTICIPANT_NOT_FOUND_MESSAGE);
    }
    return { state, participant };
  }

  #disconnect(state: RoomState, identity: string): void {
    const participant = state.participants.get(identity);
    if (participant === undefined) {
      return;
    }
    state.participants.delete(identity);
    participant.state = ParticipantInfo_State.DISCONNECTED;
    this.#onEvent('participant_left', this.#snapshot(state), participant.clone());
  }

  #snapshot(state: RoomState): Room {
    const room = state.room.clone();
    room.numParticipants = [...state.participants.values()].filter(
      (p) => p.permission?.hidden !== true,
    ).length;
    room.numPublishers = [...state.participants.values()].filter((p) => p.isPublisher).length;
    return room;
  }
}
