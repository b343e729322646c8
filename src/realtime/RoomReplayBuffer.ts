import { compareEventIds } from './chainEventMessage.js';

export const REPLAY_MAX_EVENTS_PER_ROOM = 256;
export const REPLAY_MAX_AGE_MS = 10 * 60_000;

interface Entry {
  id: string;
  frame: Buffer;
  at: number;
}

interface RoomLog {
  entries: Entry[];
  /** Every room event after this id is in `entries` (ids at or before it may have been dropped). */
  completeAfter: string;
}

export interface ReplayBufferOptions {
  maxEvents?: number;
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * Recent serialized events per room, bounded by count and age, for `since` resumes. A resume is
 * exact or refused: either every event after `since` is here, or the caller must reset.
 */
export class RoomReplayBuffer {
  readonly #logs = new Map<number, RoomLog>();
  readonly #maxEvents: number;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  /** Events before this id were never seen by this process (it started, or the chain reset). */
  #origin = '0-0';

  constructor(options: ReplayBufferOptions = {}) {
    this.#maxEvents = options.maxEvents ?? REPLAY_MAX_EVENTS_PER_ROOM;
    this.#maxAgeMs = options.maxAgeMs ?? REPLAY_MAX_AGE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Forgets everything; events up to `originId` (inclusive) are unknown from now on. */
  reset(originId: string): void {
    this.#logs.clear();
    this.#origin = originId;
  }

  add(roomId: number, id: string, frame: Buffer): void {
    const log = this.#logs.get(roomId) ?? { entries: [], completeAfter: this.#origin };
    this.#logs.set(roomId, log);
    log.entries.push({ id, frame, at: this.#now() });
    this.#trim(log);
  }

  lastEventId(roomId: number): string | null {
    const log = this.#logs.get(roomId);
    return log?.entries[log.entries.length - 1]?.id ?? null;
  }

  /** Frames of the room after `since`, in order; null when some may be missing (reset needed). */
  after(roomId: number, since: string): Buffer[] | null {
    const log = this.#logs.get(roomId);
    if (!log) return compareEventIds(since, this.#origin) >= 0 ? [] : null;
    this.#trim(log);
    if (compareEventIds(since, log.completeAfter) < 0) return null;
    return log.entries.filter((e) => compareEventIds(e.id, since) > 0).map((e) => e.frame);
  }

  #trim(log: RoomLog): void {
    const oldest = this.#now() - this.#maxAgeMs;
    let drop = 0;
    while (
      drop < log.entries.length &&
      (log.entries.length - drop > this.#maxEvents || (log.entries[drop] as Entry).at < oldest)
    ) {
      drop++;
    }
    if (drop === 0) return;
    log.completeAfter = (log.entries[drop - 1] as Entry).id;
    log.entries.splice(0, drop);
  }
}
