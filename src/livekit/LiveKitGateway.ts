/**
 * Our view of the LiveKit server API. Implementations translate SDK types and
 * errors; callers only see these shapes and `LiveKitError`.
 */

/** Track sources a participant may publish, named as in LiveKit's token grants. */
export const PUBLISH_SOURCES = ['camera', 'microphone', 'screen_share', 'screen_share_audio'] as const;
export type PublishSource = (typeof PUBLISH_SOURCES)[number];

export type CreateRoomInput = {
  name: string;
  /** How long the room stays open before anyone joins and after everyone has left. */
  emptyTimeoutSeconds: number;
  /** 0 = no limit. */
  maxParticipants: number;
  metadata: string;
};

/**
 * The complete permission of a participant. LiveKit replaces every bit on update (a missing flag
 * becomes false), so there is deliberately no partial form.
 */
export type ParticipantPermissionSet = {
  canPublish: boolean;
  canSubscribe: boolean;
  canPublishData: boolean;
  /** Empty = every source (when `canPublish`). */
  canPublishSources: readonly PublishSource[];
};

export const PARTICIPANT_STATES = ['joining', 'joined', 'active', 'disconnected'] as const;
export type ParticipantState = (typeof PARTICIPANT_STATES)[number];

export type ParticipantSummary = {
  identity: string;
  state: ParticipantState;
  joinedAtMs: number;
  /** What the participant may do now (from its token, or the last permission update). */
  permission: ParticipantPermissionSet;
  /** Set by its token (participants cannot change them: `canUpdateOwnMetadata` is never granted). */
  attributes: Readonly<Record<string, string>>;
  /** A normal client; egress, ingress, SIP and agent participants are not ours to judge. */
  standard: boolean;
};

/** `participantAbsent`: nobody with that identity is in the room (or the room does not exist). */
export type PermissionUpdateOutcome = 'updated' | 'participantAbsent';

/**
 * Every method rejects with `LiveKitError` (check `retryable`). Outcomes that mean "already done"
 * resolve: deleting an unknown room, removing an absent participant.
 */
export interface LiveKitGateway {
  /** Creates the room, or updates the given non-zero settings of an existing one (upsert). */
  createRoom(input: CreateRoomInput): Promise<void>;
  deleteRoom(name: string): Promise<void>;
  removeParticipant(room: string, identity: string): Promise<void>;
  setParticipantPermission(
    room: string,
    identity: string,
    permission: ParticipantPermissionSet,
  ): Promise<PermissionUpdateOutcome>;
  /** An unknown room has no participants. */
  listParticipants(room: string): Promise<ParticipantSummary[]>;
  /** null when nobody with that identity is in the room (or the room does not exist). */
  getParticipant(room: string, identity: string): Promise<ParticipantSummary | null>;
  /** The names of every room the server has open. */
  listRooms(): Promise<string[]>;
  /** Resolves when the server API answers an authenticated call within the ping timeout. */
  ping(): Promise<void>;
}
