import type { Logger } from 'pino';
import type { RoomIndex } from '../chain/RoomIndex.js';
import type { ViewerPresence } from '../presence/ViewerPresence.js';
import type { LiveKitGateway } from './LiveKitGateway.js';
import { livekitRoomName } from './livekitRoomName.js';

export const RECONCILE_INTERVAL_MS = 60_000;
/** Rooms checked per round, so a round stays cheap however many rooms are live. */
export const RECONCILE_ROOMS_PER_ROUND = 200;

export interface PresenceReconcilerOptions {
  gateway: LiveKitGateway;
  presence: ViewerPresence;
  index: RoomIndex;
  logger: Logger;
  intervalMs?: number;
}

/**
 * Webhooks can be lost: every round, the rooms anybody is known to watch are compared with
 * LiveKit's own participant list, which then replaces what the webhooks said.
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
    const rooms = presence.activeRooms().sort((a, b) => a - b);
    if (rooms.length === 0) return 0;
    const start = this.#cursor % rooms.length;
    const round = [...rooms.slice(start), ...rooms.slice(0, start)].slice(0, RECONCILE_ROOMS_PER_ROUND);
    this.#cursor = start + round.length;
    for (const roomId of round) {
      const room = index.get(roomId);
      if (!room || (room.status !== 'Live' && room.status !== 'Paused')) {
        presence.clear(roomId);
        continue;
      }
      try {
        const at = Date.now();
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
