import { type ParticipantInfo, ParticipantInfo_State } from 'livekit-server-sdk';
import type { ParticipantState, ParticipantSummary, PublishSource } from './LiveKitGateway.js';
import { fromTrackSource } from './trackSources.js';

const MS_PER_SECOND = 1000;
/** `ParticipantInfo.Kind.STANDARD` (the SDK does not re-export the enum). */
const STANDARD_PARTICIPANT_KIND = 0;

const PARTICIPANT_STATES: Record<ParticipantInfo_State, ParticipantState> = {
  [ParticipantInfo_State.JOINING]: 'joining',
  [ParticipantInfo_State.JOINED]: 'joined',
  [ParticipantInfo_State.ACTIVE]: 'active',
  [ParticipantInfo_State.DISCONNECTED]: 'disconnected',
};

/** A participant as the server API and webhooks report it, in our terms. */
export function summarizeParticipant(participant: ParticipantInfo): ParticipantSummary {
  const permission = participant.permission;
  return {
    identity: participant.identity,
    state: PARTICIPANT_STATES[participant.state] ?? 'joining',
    joinedAtMs:
      participant.joinedAtMs > 0n
        ? Number(participant.joinedAtMs)
        : Number(participant.joinedAt) * MS_PER_SECOND,
    permission: {
      canPublish: permission?.canPublish ?? false,
      canSubscribe: permission?.canSubscribe ?? false,
      canPublishData: permission?.canPublishData ?? false,
      canPublishSources: (permission?.canPublishSources ?? [])
        .map(fromTrackSource)
        .filter((source): source is PublishSource => source !== null),
    },
    attributes: { ...participant.attributes },
    standard: participant.kind === STANDARD_PARTICIPANT_KIND,
  };
}
