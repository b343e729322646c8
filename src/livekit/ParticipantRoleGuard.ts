import type { Logger } from 'pino';
import { parseAccount } from '../auth/parseAccount.js';
import type { ChainRooms } from '../chain/ChainRooms.js';
import type { ParticipantSummary } from './LiveKitGateway.js';
import type { LiveKitAction } from './livekitActionsFor.js';
import { participantCorrection } from './participantCorrection.js';

/** Where a correction was found: a join reported by webhook, or a reconciliation round. */
export type CorrectionSource = 'webhook' | 'reconcile';

export interface ParticipantRoleGuardOptions {
  rooms: Pick<ChainRooms, 'get' | 'coHosts' | 'isBlacklisted'>;
  /** Runs a correction (queued, retried). */
  correct: (action: LiveKitAction, source: CorrectionSource) => void;
  logger: Logger;
}

/**
 * Checks a participant who just connected against the chain: a token minted before a role change
 * (a co-host ended, a viewer promoted, a kick) must not keep the old permissions. Joins to rooms
 * the chain does not know, and identities that are not accounts, are ignored.
 */
export class ParticipantRoleGuard {
  readonly #options: ParticipantRoleGuardOptions;

  constructor(options: ParticipantRoleGuardOptions) {
    this.#options = options;
  }

  /** Never rejects: a chain read that fails leaves the check to the next reconciliation. */
  async check(roomId: number, participant: ParticipantSummary): Promise<LiveKitAction | null> {
    const { rooms, correct, logger } = this.#options;
    const room = rooms.get(roomId);
    const account = parseAccount(participant.identity);
    if (!room || !account || account.address !== participant.identity) return null;
    try {
      const [coHosts, blacklisted] = await Promise.all([
        rooms.coHosts(roomId),
        rooms.isBlacklisted(roomId, account.accountId),
      ]);
      const action = participantCorrection(room, participant, {
        coHosts,
        blacklisted: (identity) => blacklisted && identity === participant.identity,
      });
      if (action) correct(action, 'webhook');
      return action;
    } catch (error) {
      logger.debug({ err: error, roomId }, 'participant role check skipped');
      return null;
    }
  }
}
