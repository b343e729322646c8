import type { ChainRoom } from '../chain/types.js';
import { isOpenRoom } from './isOpenRoom.js';
import type { ParticipantSummary } from './LiveKitGateway.js';
import type { LiveKitAction } from './livekitActionsFor.js';
import { livekitRoomName } from './livekitRoomName.js';
import { type StageRole, stagePermissionUpdate } from './stagePermission.js';

/** What the chain says about the accounts of one room. */
export interface RoomRoleFacts {
  /** Active co-hosts, SS58-42. */
  coHosts: readonly string[];
  /** Kicked accounts, SS58-42. */
  blacklisted: (identity: string) => boolean;
}

/** The role the chain gives `account` in `room`: host, active co-host, or anyone else. */
export function chainRoleOf(room: ChainRoom, account: string, coHosts: readonly string[]): StageRole {
  if (room.host === account) return 'publisher';
  return coHosts.includes(account) ? 'coHost' : 'viewer';
}

/**
 * What LiveKit must do so that a connected participant has exactly what the chain gives them:
 * a kicked account is removed, everyone else gets their role's permission (a co-host keeps the
 * media their last token asked for). null when nothing is wrong, when the participant is not an
 * ordinary client (egress, agents), or when the room is not open (rooms are corrected as a whole).
 */
export function participantCorrection(
  room: ChainRoom,
  participant: ParticipantSummary,
  facts: RoomRoleFacts,
): LiveKitAction | null {
  if (!isOpenRoom(room) || !participant.standard || participant.state === 'disconnected') return null;
  const name = livekitRoomName(room.id);
  const { identity } = participant;
  if (identity !== room.host && facts.blacklisted(identity)) {
    return { kind: 'removeParticipant', room: name, identity };
  }
  const permission = stagePermissionUpdate(chainRoleOf(room, identity, facts.coHosts), participant);
  return permission ? { kind: 'setPermission', room: name, identity, permission } : null;
}
