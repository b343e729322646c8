import { PresenceQuota } from './PresenceQuota.js';
import type { PresenceChange, PresenceReplication } from './PresenceReplication.js';

/** Tombstones of departed participants are kept this long, so a late duplicate join stays ignored. */
export const PRESENCE_TOMBSTONE_MS = 10 * 60_000;
/**
 * A viewer known only from a viewer token is counted this long after its last token, unless LiveKit
 * or an open WebSocket in the room confirms it again: a viewer who never says goodbye does not stay
 * forever. As long as a LiveKit join token (LIVEKIT_TOKEN_TTL's default).
 */
export const PRESENCE_TTL_MS = 10 * 60_000;
/** How often expired viewers are dropped (the TTL is kept to within this). */
export const PRESENCE_SWEEP_MS = 10_000;
/** How often the viewers this instance's WebSockets hold are confirmed to the other instances. */
export const PRESENCE_CONFIRM_MS = 60_000;
/** Identities per confirmation message (one Redis message stays small). */
export const PRESENCE_CONFIRM_BATCH = 5_000;
/** An identity held by an open WebSocket here: it expires only when the WebSocket leaves. */
const HELD = Number.POSITIVE_INFINITY;

export interface ViewerPresenceOptions {
  /** The clock (ms); tests pass their own. */
  now?: () => number;
  ttlMs?: number;
  /** Distinct accounts one client IP may add per TTL through viewer tokens. */
  accountsPerIp?: number;
  sweepMs?: number;
  confirmMs?: number;
}

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
 *
 * The fallback trusts requests anyone can make with fresh keys, so it is bounded: a client IP adds
 * at most `accountsPerIp` accounts per TTL, and a token's viewer expires after the TTL unless
 * confirmed again (another token, LiveKit reporting it, or an open WebSocket in the room, which
 * holds it until it leaves and re-confirms it to the other instances).
 */
export class ViewerPresence implements PresenceReplication {
  /** room → identity → when it expires (`HELD`: an open WebSocket here holds it). */
  readonly #fallback = new Map<number, Map<string, number>>();
  readonly #livekit = new Map<number, LiveKitRoom>();
  readonly #countListeners = new Set<(roomId: number, count: number) => void>();
  readonly #changeListeners = new Set<(change: PresenceChange) => void>();
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #sweepMs: number;
  readonly #confirmMs: number;
  readonly #quota: PresenceQuota;
  #version = 0;
  #lastConfirm: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ViewerPresenceOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? PRESENCE_TTL_MS;
    this.#sweepMs = options.sweepMs ?? PRESENCE_SWEEP_MS;
    this.#confirmMs = options.confirmMs ?? PRESENCE_CONFIRM_MS;
    this.#quota = new PresenceQuota({
      windowMs: this.#ttlMs,
      now: this.#now,
      ...(options.accountsPerIp === undefined ? {} : { accountsPerIp: options.accountsPerIp }),
    });
    this.#lastConfirm = this.#now();
  }

  /** Drops expired viewers every `sweepMs` until `stop`. */
  start(): void {
    this.#timer = setInterval(() => this.sweep(), this.#sweepMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

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

  /**
   * A viewer token was issued: the identity counts for the TTL. With the client's `ip`, a new
   * identity past that IP's quota is not counted (false); one already counted is renewed.
   */
  join(roomId: number, identity: string, ip?: string): boolean {
    if (ip !== undefined && !this.#fallback.get(roomId)?.has(identity) && !this.#quota.admit(ip, identity)) {
      return false;
    }
    this.#local({ op: 'join', roomId, identity });
    return true;
  }

  /** An open WebSocket here joined the room as `identity`: counted until `leave`. */
  hold(roomId: number, identity: string): void {
    const before = this.count(roomId);
    this.#entries(roomId).set(identity, HELD);
    this.#counted(roomId, before);
    // The others count it for the TTL; `sweep` confirms it to them while it is held here.
    for (const listener of this.#changeListeners) listener({ op: 'join', roomId, identity });
  }

  leave(roomId: number, identity: string): void {
    this.#local({ op: 'leave', roomId, identity });
  }

  /**
   * Drops the viewers whose TTL ran out, and (every `confirmMs`) confirms to the other instances
   * those that WebSockets here hold. Run by `start`'s timer; tests call it with their clock.
   */
  sweep(): void {
    const now = this.#now();
    this.#quota.sweep();
    const confirm = now - this.#lastConfirm >= this.#confirmMs;
    if (confirm) this.#lastConfirm = now;
    for (const [roomId, entries] of [...this.#fallback]) {
      const before = this.count(roomId);
      const held: string[] = [];
      for (const [identity, until] of entries) {
        if (until === HELD) held.push(identity);
        else if (until <= now) entries.delete(identity);
      }
      if (entries.size === 0) this.#fallback.delete(roomId);
      this.#counted(roomId, before);
      if (!confirm) continue;
      for (let i = 0; i < held.length; i += PRESENCE_CONFIRM_BATCH) {
        const change: PresenceChange = {
          op: 'confirm',
          roomId,
          identities: held.slice(i, i + PRESENCE_CONFIRM_BATCH),
        };
        for (const listener of this.#changeListeners) listener(change);
      }
    }
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
    // Only what changed something here needs replicating (a viewer's second token does, as it
    // renews the viewer's TTL everywhere).
    if (!this.#apply(change)) return;
    for (const listener of this.#changeListeners) listener(change);
  }

  /** Applies a change; false when it changed nothing. */
  #apply(change: PresenceChange): boolean {
    const { roomId } = change;
    const before = this.count(roomId);
    let changed = true;
    switch (change.op) {
      case 'join':
        this.#renew(roomId, change.identity, true);
        break;
      case 'confirm':
        for (const identity of change.identities) this.#renew(roomId, identity, true);
        break;
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
        // LiveKit seeing the viewer confirms it for when the room falls back to tokens again.
        if (change.present) this.#renew(roomId, change.identity, false);
        this.#prune(room, change.at);
        break;
      }
      case 'replace': {
        const room = this.#livekitRoom(roomId);
        if (change.at <= room.floor) break;
        const listed = new Set(change.identities);
        for (const identity of listed) this.#renew(roomId, identity, false);
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
    this.#counted(roomId, before);
    return changed;
  }

  /** Tells the listeners when the room's count is no longer `before`. */
  #counted(roomId: number, before: number): void {
    const after = this.count(roomId);
    if (after === before) return;
    this.#version++;
    for (const listener of this.#countListeners) listener(roomId, after);
  }

  #entries(roomId: number): Map<string, number> {
    const entries = this.#fallback.get(roomId) ?? new Map<string, number>();
    this.#fallback.set(roomId, entries);
    return entries;
  }

  /** Starts the identity's TTL again (`add`: counting it if it is not yet). */
  #renew(roomId: number, identity: string, add: boolean): void {
    const until = this.#fallback.get(roomId)?.get(identity);
    if (until === undefined && !add) return;
    this.#entries(roomId).set(identity, Math.max(until ?? 0, this.#now() + this.#ttlMs));
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
