import type { PresenceChange, PresenceReplication } from './PresenceReplication.js';

/** Tombstones of departed participants are kept this long, so a late duplicate join stays ignored. */
export const PRESENCE_TOMBSTONE_MS = 10 * 60_000;

interface LiveKitRoom {
  /** Reports from before this moment (the room finished) are stale. */
  floor: number;
  seen: Map<string, Seen>;
}

interface Seen {
  present: boolean;
  /** When LiveKit reported it (ms); older reports about the same identity are ignored. */
  at: number;
  /** LiveKit's participant sid: tells two connections of one identity apart within a second. */
  session: string | undefined;
}

/**
 * Who is watching which room. LiveKit (webhooks, reconciled with `listParticipants`) is the truth
 * for a room as soon as it has reported on it; until then the token endpoints and WebSocket
 * joiners are the fallback source: a viewer token or an authenticated join adds the identity,
 * viewer-leave or leaving removes it. Identities are sets: a rejoin never counts twice.
 */
export class ViewerPresence implements PresenceReplication {
  readonly #fallback = new Map<number, Set<string>>();
  readonly #livekit = new Map<number, LiveKitRoom>();
  readonly #countListeners = new Set<(roomId: number, count: number) => void>();
  readonly #changeListeners = new Set<(change: PresenceChange) => void>();
  #version = 0;

  /** Changes whenever any room's count changes (for caches of derived answers). */
  get version(): number {
    return this.#version;
  }

  /** Called with the new count whenever a room's count changes (local or replicated change). */
  onCountChange(listener: (roomId: number, count: number) => void): () => void {
    this.#countListeners.add(listener);
    return () => this.#countListeners.delete(listener);
  }

  /** Called for every change made on this instance (not for `applyRemote`), to replicate it. */
  onLocalChange(listener: (change: PresenceChange) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  join(roomId: number, identity: string): void {
    this.#local({ op: 'join', roomId, identity });
  }

  leave(roomId: number, identity: string): void {
    this.#local({ op: 'leave', roomId, identity });
  }

  /**
   * A LiveKit report (webhook) that `identity` joined or left at `atMs`; stale reports are ignored:
   * older ones, and a leave of another session in the same second as a newer join.
   */
  applyLiveKit(roomId: number, identity: string, present: boolean, atMs: number, session?: string): void {
    this.#local({ op: 'livekit', roomId, identity, present, at: atMs, ...(session ? { session } : {}) });
  }

  /** LiveKit's full participant list of a room at `atMs` (reconciliation). */
  replaceLiveKit(roomId: number, identities: readonly string[], atMs: number): void {
    this.#local({ op: 'replace', roomId, identities: [...identities], at: atMs });
  }

  /**
   * The room ended, was banned or finished in LiveKit: nobody is watching any more. With `atMs`
   * (LiveKit's room_finished), joins reported after that moment are kept.
   */
  clear(roomId: number, atMs?: number): void {
    this.#local(atMs === undefined ? { op: 'clear', roomId } : { op: 'clear', roomId, at: atMs });
  }

  /** A change made on another instance. */
  applyRemote(change: PresenceChange): void {
    this.#apply(change);
  }

  count(roomId: number): number {
    const room = this.#livekit.get(roomId);
    if (!room) return this.#fallback.get(roomId)?.size ?? 0;
    let present = 0;
    for (const seen of room.seen.values()) if (seen.present) present++;
    return present;
  }

  /** Rooms anybody is known to be watching (for reconciliation). */
  activeRooms(): number[] {
    const rooms = new Set(this.#fallback.keys());
    for (const roomId of this.#livekit.keys()) if (this.count(roomId) > 0) rooms.add(roomId);
    return [...rooms];
  }

  #local(change: PresenceChange): void {
    // Only what changed something here needs replicating (a viewer's second token does not).
    if (!this.#apply(change)) return;
    for (const listener of this.#changeListeners) listener(change);
  }

  /** Applies a change; false when it changed nothing. */
  #apply(change: PresenceChange): boolean {
    const { roomId } = change;
    const before = this.count(roomId);
    let changed = true;
    switch (change.op) {
      case 'join': {
        const viewers = this.#fallback.get(roomId) ?? new Set<string>();
        this.#fallback.set(roomId, viewers);
        changed = !viewers.has(change.identity);
        viewers.add(change.identity);
        break;
      }
      case 'leave': {
        const viewers = this.#fallback.get(roomId);
        changed = viewers?.delete(change.identity) ?? false;
        if (viewers?.size === 0) this.#fallback.delete(roomId);
        break;
      }
      case 'livekit': {
        const room = this.#livekitRoom(roomId);
        if (change.at <= room.floor) break;
        if (isNewer(change, room.seen.get(change.identity))) {
          room.seen.set(change.identity, { present: change.present, at: change.at, session: change.session });
        }
        this.#prune(room, change.at);
        break;
      }
      case 'replace': {
        const room = this.#livekitRoom(roomId);
        if (change.at <= room.floor) break;
        const listed = new Set(change.identities);
        for (const [identity, seen] of room.seen) {
          if (!listed.has(identity) && seen.at <= change.at) {
            room.seen.set(identity, { present: false, at: change.at, session: undefined });
          }
        }
        for (const identity of listed) {
          const seen = room.seen.get(identity);
          if (!seen || seen.at <= change.at) {
            room.seen.set(identity, { present: true, at: change.at, session: seen?.session });
          }
        }
        this.#prune(room, change.at);
        break;
      }
      case 'clear':
        this.#fallback.delete(roomId);
        if (change.at === undefined) this.#livekit.delete(roomId);
        else this.#livekit.set(roomId, { floor: change.at, seen: new Map() });
        break;
    }
    const after = this.count(roomId);
    if (after === before) return changed;
    this.#version++;
    for (const listener of this.#countListeners) listener(roomId, after);
    return changed;
  }

  #livekitRoom(roomId: number): LiveKitRoom {
    const room = this.#livekit.get(roomId) ?? {
      floor: Number.NEGATIVE_INFINITY,
      seen: new Map<string, Seen>(),
    };
    this.#livekit.set(roomId, room);
    return room;
  }

  #prune(room: LiveKitRoom, now: number): void {
    for (const [identity, seen] of room.seen) {
      if (!seen.present && now - seen.at > PRESENCE_TOMBSTONE_MS) room.seen.delete(identity);
    }
  }
}

/**
 * Later reports win; in the same second a join wins unless its own session already left (a sid is
 * one connection, it never comes back), and a leave only ends its own session.
 */
function isNewer(change: Extract<PresenceChange, { op: 'livekit' }>, seen: Seen | undefined): boolean {
  if (!seen || change.at > seen.at) return true;
  if (change.at < seen.at) return false;
  if (change.present) return seen.present || seen.session === undefined || change.session !== seen.session;
  return change.session === undefined || seen.session === undefined || change.session === seen.session;
}
