import type { Logger } from 'pino';
import type { RoomIndex } from '../chain/RoomIndex.js';
import type { ViewerPresence } from '../presence/ViewerPresence.js';
import type { LiveKitGateway } from './LiveKitGateway.js';
import { livekitRoomName } from './livekitRoomName.js';

export const RECONCILE_INTERVAL_MS = 60_000;
/** Rooms checked per round, so a round stays cheap however many rooms are live. */
export const RECONCILE_ROOMS_PER_ROUND = 200;
const MS_PER_SECOND = 1000;
const RECONCILED_STATUSES = ['Live', 'Paused'] as const;

export interface PresenceReconcilerOptions {
  gateway: LiveKitGateway;
  presence: ViewerPresence;
  /** Rooms as of the last block: which are live, and each one's status. */
  index: Pick<RoomIndex, 'get' | 'idsWithStatus'>;
  logger: Logger;
  intervalMs?: number;
}

/**
 * Webhooks can be lost: every round, the live rooms and the rooms anybody is known to watch are
 * compared with LiveKit's own participant list, which then replaces what the webhooks said. Live
 * rooms nobody is known in count too: after a restart, viewers already connected send no webhook.
 */
export class PresenceReconciler {
  readonly #options: PresenceReconcilerOptions;
  #timer: NodeJS.Timeout | undefined;
  #cursor = 0;

  constructor(options: PresenceReconcilerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.reconcile(), this.#options.intervalMs ?? RECONCILE_INTERVAL_MS);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One round; resolves with the number of rooms checked. */
  async reconcile(): Promise<number> {
    const { gateway, presence, index } = this.#options;
    const live = RECONCILED_STATUSES.flatMap((status) => index.idsWithStatus(status));
    const rooms = [...new Set([...presence.activeRooms(), ...live])].sort((a, b) => a - b);
    if (rooms.length === 0) return 0;
    const start = this.#cursor % rooms.length;
    const round = [...rooms.slice(start), ...rooms.slice(0, start)].slice(0, RECONCILE_ROOMS_PER_ROUND);
    this.#cursor = start + round.length;
    for (const roomId of round) {
      const room = index.get(roomId);
      if (!room || !(RECONCILED_STATUSES as readonly string[]).includes(room.status)) {
        presence.clear(roomId);
        continue;
      }
      try {
        // In webhook resolution (whole seconds, taken before the call): a join reported just after
        // the list, in the same second, is not mistaken for an older one.
        const at = Math.floor(Date.now() / MS_PER_SECOND) * MS_PER_SECOND;
        const participants = await gateway.listParticipants(livekitRoomName(roomId));
        presence.replaceLiveKit(
          roomId,
          participants.filter((p) => p.state !== 'disconnected').map((p) => p.identity),
          at,
        );
      } catch (error) {
        // LiveKit unreachable: keep what we have; the next round tries again.
        this.#options.logger.debug({ err: error, roomId }, 'presence reconciliation skipped');
        break;
      }
    }
    return round.length;
  }
}
