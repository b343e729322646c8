import type { Logger } from 'pino';
import type { ChainRooms } from '../chain/ChainRooms.js';
import type { ChainRoom } from '../chain/types.js';
import { OPEN_ROOM_STATUSES } from './isOpenRoom.js';
import type { LiveKitGateway } from './LiveKitGateway.js';
import type { LiveKitAction, RoomLimits } from './livekitActionsFor.js';
import { livekitRoomName } from './livekitRoomName.js';
import type { CorrectionSource } from './ParticipantRoleGuard.js';
import { participantCorrection } from './participantCorrection.js';
import { roomCorrections } from './roomCorrections.js';

export const LIVEKIT_RECONCILE_INTERVAL_MS = 60_000;
/** Rooms whose participants are checked per round (one ListParticipants each), round robin. */
export const RECONCILE_PARTICIPANT_ROOMS_PER_ROUND = 200;
/** Corrections queued per round; the rest are found again by the next round. */
export const MAX_CORRECTIONS_PER_ROUND = 500;

export interface LiveKitReconcilerOptions {
  gateway: LiveKitGateway;
  rooms: Pick<ChainRooms, 'loaded' | 'get' | 'idsWithStatus' | 'coHosts' | 'blacklist' | 'accessEpoch'>;
  limits: RoomLimits;
  /** Runs a correction (queued, retried). */
  correct: (action: LiveKitAction, source: CorrectionSource) => void;
  logger: Logger;
  intervalMs?: number;
}

export interface ReconcileRound {
  corrections: LiveKitAction[];
  /** Rooms whose participants were compared with the chain. */
  roomsChecked: number;
  /** False when LiveKit did not answer (the next round catches up). */
  complete: boolean;
}

/**
 * Compares LiveKit with the chain at start and every minute, in both directions, and queues what
 * differs: open rooms exist, ended or banned rooms are gone, every connected participant has the
 * permission of their chain role, kicked accounts are out. This is what heals missed chain actions
 * (LiveKit down for longer than the retries, a LiveKit restart without state, a backend restart
 * while rooms were live), and it needs nothing but the chain's current state.
 */
export class LiveKitReconciler {
  readonly #options: LiveKitReconcilerOptions;
  #timer: NodeJS.Timeout | undefined;
  #cursor = 0;
  #running: Promise<ReconcileRound> | undefined;

  constructor(options: LiveKitReconcilerOptions) {
    this.#options = options;
  }

  /** A round every interval (the first round is run by the caller once the chain is read). */
  start(): void {
    this.#timer = setInterval(
      () => void this.reconcile(),
      this.#options.intervalMs ?? LIVEKIT_RECONCILE_INTERVAL_MS,
    );
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One round (a round already running is joined, not doubled). */
  reconcile(): Promise<ReconcileRound> {
    this.#running ??= this.#round().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #round(): Promise<ReconcileRound> {
    const { gateway, rooms, limits, logger } = this.#options;
    const round: ReconcileRound = { corrections: [], roomsChecked: 0, complete: false };
    if (!rooms.loaded) return round;
    let livekitRooms: string[];
    try {
      livekitRooms = await gateway.listRooms();
    } catch (error) {
      logger.debug({ err: error }, 'LiveKit reconciliation skipped: LiveKit unreachable');
      return round;
    }
    const open = OPEN_ROOM_STATUSES.flatMap((status) => rooms.idsWithStatus(status))
      .map((id) => rooms.get(id))
      .filter((room): room is ChainRoom => room !== undefined);
    this.#queue(
      round,
      roomCorrections(open, livekitRooms, (id) => rooms.get(id), limits),
    );

    const existing = new Set(livekitRooms);
    const candidates = open
      .map((room) => room.id)
      .filter((id) => existing.has(livekitRoomName(id)))
      .sort((a, b) => a - b);
    const start = candidates.length === 0 ? 0 : this.#cursor % candidates.length;
    const turn = [...candidates.slice(start), ...candidates.slice(0, start)].slice(
      0,
      RECONCILE_PARTICIPANT_ROOMS_PER_ROUND,
    );
    this.#cursor = start + turn.length;
    for (const roomId of turn) {
      if (round.corrections.length >= MAX_CORRECTIONS_PER_ROUND) break;
      try {
        this.#queue(round, await this.#participantCorrections(roomId));
        round.roomsChecked++;
      } catch (error) {
        logger.debug({ err: error, roomId }, 'LiveKit reconciliation stopped early');
        return round;
      }
    }
    round.complete = true;
    return round;
  }

  async #participantCorrections(roomId: number): Promise<LiveKitAction[]> {
    const { gateway, rooms } = this.#options;
    const participants = await gateway.listParticipants(livekitRoomName(roomId));
    if (participants.length === 0) return [];
    // An event applied while the facts were read may have changed them: its own action is queued
    // after ours would be, but skip the room anyway and look again next round.
    const epoch = rooms.accessEpoch;
    const before = rooms.get(roomId);
    const [coHosts, blacklist] = await Promise.all([rooms.coHosts(roomId), rooms.blacklist(roomId)]);
    const room = rooms.get(roomId);
    if (!room || room !== before || rooms.accessEpoch !== epoch) return [];
    const kicked = new Set(blacklist);
    const facts = { coHosts, blacklisted: (identity: string) => kicked.has(identity) };
    return participants.flatMap((participant) => participantCorrection(room, participant, facts) ?? []);
  }

  #queue(round: ReconcileRound, actions: readonly LiveKitAction[]): void {
    for (const action of actions) {
      if (round.corrections.length >= MAX_CORRECTIONS_PER_ROUND) return;
      round.corrections.push(action);
      this.#options.correct(action, 'reconcile');
    }
  }
}
