/** Tombstones of departed participants are kept this long, so a late duplicate join stays ignored. */
export const PRESENCE_TOMBSTONE_MS = 10 * 60_000;

interface Seen {
  present: boolean;
  /** When LiveKit reported it (ms); older reports about the same identity are ignored. */
  at: number;
}

/**
 * Who is watching which room. LiveKit (webhooks, reconciled with `listParticipants`) is the truth
 * for a room as soon as it has reported on it; until then the token endpoints and WebSocket
 * joiners are the fallback source: a viewer token or an authenticated join adds the identity,
 * viewer-leave or leaving removes it. Identities are sets: a rejoin never counts twice.
 */
export class ViewerPresence {
  readonly #fallback = new Map<number, Set<string>>();
  readonly #livekit = new Map<number, Map<string, Seen>>();
  readonly #listeners = new Set<(roomId: number, count: number) => void>();

  /** Called with the new count whenever a room's count changes. */
  onCountChange(listener: (roomId: number, count: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  join(roomId: number, identity: string): void {
    this.#update(roomId, () => {
      const viewers = this.#fallback.get(roomId) ?? new Set<string>();
      this.#fallback.set(roomId, viewers);
      viewers.add(identity);
    });
  }

  leave(roomId: number, identity: string): void {
    this.#update(roomId, () => {
      const viewers = this.#fallback.get(roomId);
      viewers?.delete(identity);
      if (viewers?.size === 0) this.#fallback.delete(roomId);
    });
  }

  /** A LiveKit report (webhook) that `identity` joined or left at `atMs`; stale reports are ignored. */
  applyLiveKit(roomId: number, identity: string, present: boolean, atMs: number): void {
    this.#update(roomId, () => {
      const room = this.#livekit.get(roomId) ?? new Map<string, Seen>();
      this.#livekit.set(roomId, room);
      const seen = room.get(identity);
      if (seen && seen.at > atMs) return;
      room.set(identity, { present, at: atMs });
      this.#prune(room, atMs);
    });
  }

  /** LiveKit's full participant list of a room at `atMs` (reconciliation). */
  replaceLiveKit(roomId: number, identities: readonly string[], atMs: number): void {
    this.#update(roomId, () => {
      const room = this.#livekit.get(roomId) ?? new Map<string, Seen>();
      this.#livekit.set(roomId, room);
      const listed = new Set(identities);
      for (const [identity, seen] of room) {
        if (!listed.has(identity) && seen.at <= atMs) room.set(identity, { present: false, at: atMs });
      }
      for (const identity of listed) {
        const seen = room.get(identity);
        if (!seen || seen.at <= atMs) room.set(identity, { present: true, at: atMs });
      }
      this.#prune(room, atMs);
    });
  }

  /** The room ended, was banned or finished in LiveKit: nobody is watching any more. */
  clear(roomId: number): void {
    this.#update(roomId, () => {
      this.#fallback.delete(roomId);
      this.#livekit.delete(roomId);
    });
  }

  count(roomId: number): number {
    const room = this.#livekit.get(roomId);
    if (!room) return this.#fallback.get(roomId)?.size ?? 0;
    let present = 0;
    for (const seen of room.values()) if (seen.present) present++;
    return present;
  }

  /** Rooms anybody is known to be watching (for reconciliation). */
  activeRooms(): number[] {
    return [...new Set([...this.#fallback.keys(), ...this.#livekit.keys()])];
  }

  #update(roomId: number, change: () => void): void {
    const before = this.count(roomId);
    change();
    const after = this.count(roomId);
    if (after !== before) for (const listener of this.#listeners) listener(roomId, after);
  }

  #prune(room: Map<string, Seen>, now: number): void {
    for (const [identity, seen] of room) {
      if (!seen.present && now - seen.at > PRESENCE_TOMBSTONE_MS) room.delete(identity);
    }
  }
}
