import type { Logger } from 'pino';
import type { BlockKind } from '../chain/BestBlockFollower.js';
import type { ChainBlock } from '../chain/livestreamEvents.js';
import type { BlockRef } from '../chain/types.js';
import type { ViewerPresence } from '../presence/ViewerPresence.js';
import type { RoomViews } from '../rooms/RoomViews.js';
import type { RoomView } from '../rooms/roomView.js';
import type { ClientConnection } from './ClientConnection.js';
import { compareEventIds, type Route, routeChainEvent } from './chainEventMessage.js';
import type { RoomLeftReason, WsErrorCode } from './protocol.js';
import type { RoomBroadcastRelay } from './RoomBroadcastRelay.js';
import { RoomReplayBuffer } from './RoomReplayBuffer.js';
import { TrailingCoalescer, VIEWERS_COUNT_WINDOW_MS } from './TrailingCoalescer.js';
import { UnfinalizedEvents } from './UnfinalizedEvents.js';
import { frameOf, wsTextFrame } from './wsTextFrame.js';

/** Sends per event-loop turn: a fan-out to thousands must not stall HTTP requests meanwhile. */
export const FANOUT_SLICE_SENDS = 500;
export const MAX_ROOMS_PER_CONNECTION = 20;

interface FanoutJob {
  frame: Buffer;
  /** `frame` as a WebSocket frame, built once for every target. */
  wire: Buffer;
  targets: ClientConnection[];
  next: number;
}

export interface RealtimeHubOptions {
  rooms: RoomViews;
  presence: ViewerPresence;
  logger: Logger;
  replay?: RoomReplayBuffer;
  sliceSends?: number;
  maxRoomsPerConnection?: number;
  /**
   * Whether the chain has kicked `account` from the room (its blacklist). Rejects when the chain
   * cannot tell. Default: nobody is kicked.
   */
  isKicked?: (roomId: number, account: string) => Promise<boolean>;
}

/** A kick that lands while a join is being checked makes the join check again, this many times. */
const MAX_JOIN_CHECKS = 3;

export interface RealtimeStats {
  connections: number;
  rooms: number;
  messagesSent: number;
  clientsDropped: number;
}

/**
 * Room membership and fan-out. Each event is serialized once and the same frame goes to every
 * recipient, through one ordered queue drained in slices.
 */
export class RealtimeHub implements RoomBroadcastRelay {
  readonly #rooms: RoomViews;
  readonly #presence: ViewerPresence;
  readonly #logger: Logger;
  readonly #replay: RoomReplayBuffer;
  readonly #sliceSends: number;
  readonly #maxRooms: number;
  readonly #isKicked: (roomId: number, account: string) => Promise<boolean>;
  /** Counts kicks published: a join check that raced one is made again. */
  #kicks = 0;
  readonly #connections = new Set<ClientConnection>();
  readonly #members = new Map<number, Set<ClientConnection>>();
  readonly #byAccount = new Map<string, Set<ClientConnection>>();
  /** (room, account) → joined connections of that account, for viewer:joined / viewer:left. */
  readonly #presenceRefs = new Map<string, number>();
  readonly #queue: FanoutJob[] = [];
  readonly #viewerCounts: TrailingCoalescer<number>;
  readonly #relayListeners = new Set<(roomId: number, frame: Buffer) => void>();
  readonly #membershipListeners = new Set<(roomId: number, hasMembers: boolean) => void>();
  readonly #unfinalized = new UnfinalizedEvents();
  #draining = false;
  /** The last event published as final: no event at or before it is published as final again. */
  #lastEventId = '0-0';
  /** The furthest event published at all (final or not): a `since` past it is from elsewhere. */
  #furthestEventId = '0-0';
  #sent = 0;
  #dropped = 0;

  constructor(options: RealtimeHubOptions) {
    this.#rooms = options.rooms;
    this.#presence = options.presence;
    this.#logger = options.logger.child({ module: 'realtime' });
    this.#replay = options.replay ?? new RoomReplayBuffer();
    this.#sliceSends = options.sliceSends ?? FANOUT_SLICE_SENDS;
    this.#maxRooms = options.maxRoomsPerConnection ?? MAX_ROOMS_PER_CONNECTION;
    this.#isKicked = options.isKicked ?? (() => Promise.resolve(false));
    // However fast viewers come and go, each member gets a room's count a few times a second at most.
    this.#viewerCounts = new TrailingCoalescer({
      windowMs: VIEWERS_COUNT_WINDOW_MS,
      deliver: (roomId, count) =>
        this.#enqueue(frameOf({ type: 'viewers:count', roomId, count }), this.#roomTargets(roomId)),
    });
    this.#presence.onCountChange((roomId, count) => this.#viewerCounts.push(roomId, count));
  }

  get stats(): RealtimeStats {
    return {
      connections: this.#connections.size,
      rooms: this.#members.size,
      messagesSent: this.#sent,
      clientsDropped: this.#dropped,
    };
  }

  /** Counts a client dropped for backpressure (called by the connection). */
  recordDrop(): void {
    this.#dropped++;
    this.#logger.warn(
      { dropped: this.#dropped },
      'WebSocket client dropped: its send buffer passed the bound',
    );
  }

  add(conn: ClientConnection): void {
    this.#connections.add(conn);
  }

  remove(conn: ClientConnection): void {
    if (!this.#connections.delete(conn)) return;
    for (const roomId of [...conn.rooms]) this.leave(conn, roomId);
    if (conn.account) this.#byAccount.get(conn.account)?.delete(conn);
    if (conn.account && this.#byAccount.get(conn.account)?.size === 0) this.#byAccount.delete(conn.account);
  }

  authenticate(conn: ClientConnection, address: string): void {
    if (conn.account === address) return;
    // Rooms already joined stay joined (no second snapshot); only who is watching changes.
    const previous = conn.account;
    if (previous) {
      for (const roomId of conn.rooms) this.#presenceLeave(roomId, previous);
      this.#byAccount.get(previous)?.delete(conn);
      if (this.#byAccount.get(previous)?.size === 0) this.#byAccount.delete(previous);
    }
    conn.account = address;
    const set = this.#byAccount.get(address) ?? new Set();
    set.add(conn);
    this.#byAccount.set(address, set);
    for (const roomId of conn.rooms) this.#presenceJoin(roomId, address);
    // Rooms joined before signing in: a kicked account does not stay in them.
    if (conn.rooms.size > 0) void this.#leaveRoomsKickedFrom(conn, address);
  }

  /**
   * Subscribes `conn` to a room. With `since`, first replays the room's final events after it, then
   * (unless `finalOnly`) its events not final yet again (or sends `room:reset` when they are no
   * longer all buffered); then the `room:joined` snapshot. `finalOnly`: the room's events come
   * once final only, never from a best block (so never retracted).
   */
  async join(
    conn: ClientConnection,
    roomId: number,
    since?: string,
    finalOnly = false,
  ): Promise<WsErrorCode | null> {
    const account = conn.account;
    if (account && !conn.rooms.has(roomId) && this.#rooms.has(roomId)) {
      // A kicked account cannot come back while it is kicked (anonymous connections see events only).
      for (let check = 1; ; check++) {
        const kicks = this.#kicks;
        let kicked: boolean;
        try {
          kicked = await this.#isKicked(roomId, account);
        } catch {
          return 'CHAIN_UNAVAILABLE';
        }
        if (kicked) return 'VIEWER_BANNED';
        if (kicks === this.#kicks || check >= MAX_JOIN_CHECKS) break;
      }
      if (conn.closed || conn.account !== account) return null;
    }
    return this.#joinNow(conn, roomId, since, finalOnly);
  }

  #joinNow(
    conn: ClientConnection,
    roomId: number,
    since: string | undefined,
    finalOnly: boolean,
  ): WsErrorCode | null {
    if (!this.#rooms.has(roomId)) return this.#rooms.loaded ? 'ROOM_NOT_FOUND' : 'CHAIN_UNAVAILABLE';
    if (!conn.rooms.has(roomId) && conn.rooms.size >= this.#maxRooms) return 'TOO_MANY_ROOMS';
    if (finalOnly) conn.finalOnlyRooms.add(roomId);
    else conn.finalOnlyRooms.delete(roomId);
    if (since !== undefined) {
      // An id past everything published here comes from another chain (a reset dev chain) or a
      // node ahead of ours: its position means nothing in this buffer, so the client must reload.
      const final =
        compareEventIds(since, this.#furthestEventId) > 0 ? null : this.#replay.after(roomId, since);
      const unfinal = finalOnly ? [] : this.#unfinalized.frames(roomId);
      if (final === null || unfinal === null) conn.send(frameOf({ type: 'room:reset', roomId }));
      else for (const frame of [...final, ...unfinal]) this.#sendDirect(conn, frame);
    }
    if (!conn.rooms.has(roomId)) {
      conn.rooms.add(roomId);
      const members = this.#members.get(roomId) ?? new Set();
      members.add(conn);
      this.#members.set(roomId, members);
      if (members.size === 1) for (const listener of this.#membershipListeners) listener(roomId, true);
      if (conn.account) this.#presenceJoin(roomId, conn.account);
    }
    // Viewed after joining: the snapshot counts this connection's account.
    const room = this.#rooms.view(roomId) as RoomView;
    this.#sendDirect(
      conn,
      frameOf({
        type: 'room:joined',
        roomId,
        room,
        viewers: room.currentViewers,
        lastEventId: this.#replay.lastEventId(roomId),
      }),
    );
    return null;
  }

  leave(conn: ClientConnection, roomId: number): boolean {
    if (!conn.rooms.delete(roomId)) return false;
    conn.finalOnlyRooms.delete(roomId);
    const members = this.#members.get(roomId);
    members?.delete(conn);
    if (conn.account) this.#presenceLeave(roomId, conn.account);
    if (members?.size === 0) {
      this.#members.delete(roomId);
      for (const listener of this.#membershipListeners) listener(roomId, false);
    }
    return true;
  }

  /**
   * Publishes a block's events. A best block's room events go at once (`final: false`) to the
   * room's members that did not ask for final events only, and are kept until the block is
   * confirmed or retracted; the rest (broadcasts to everyone, to an account alone) waits for
   * finality. A confirmed block's events go, final, to whoever has not had them; a finalized one's
   * to everyone concerned. Each event is published as final once, even if its block comes again.
   */
  publishBlock(block: ChainBlock, kind: BlockKind = 'finalized'): void {
    if (kind !== 'best') this.#unfinalized.take(block.hash);
    for (const event of block.events) {
      if (compareEventIds(event.id, this.#lastEventId) <= 0) continue;
      if (kind !== 'best') this.#lastEventId = event.id;
      if (compareEventIds(event.id, this.#furthestEventId) > 0) this.#furthestEventId = event.id;
      for (const { message, route } of routeChainEvent(event, kind !== 'best')) {
        const early = route.room !== null && !route.everyone;
        if (kind === 'best' && !early) continue;
        const frame = frameOf(message);
        if (kind === 'best') {
          if (route.replayable) this.#unfinalized.add(block, route.room as number, event.id, frame);
          this.#enqueue(frame, this.#targets(route, 'early'));
          continue;
        }
        if (route.replayable && route.room !== null) this.#replay.add(route.room, event.id, frame);
        this.#enqueue(frame, this.#targets(route, kind === 'confirmed' && early ? 'late' : 'all'));
      }
      // A kick acts from the best block on; when its block is confirmed, nobody is left to take out.
      if (event.name === 'ViewerKicked' && kind !== 'confirmed') {
        this.#kicks++;
        this.#takeOut(event.roomId, event.data.viewer, 'kicked');
      }
    }
  }

  /**
   * A best block left the best chain: the members that had its events are told which ids are
   * void (`events:retracted`), or to reload (`room:reset`) where not all of them were kept.
   */
  retract(block: BlockRef): void {
    const gone = this.#unfinalized.take(block.hash);
    if (!gone) return;
    const ref = { number: block.number, hash: block.hash };
    for (const [roomId, { ids }] of gone.rooms) {
      if (gone.lost.has(roomId)) continue;
      this.#enqueue(
        frameOf({ type: 'events:retracted', roomId, ids, block: ref }),
        this.#earlyMembers(roomId),
      );
    }
    for (const roomId of gone.lost)
      this.#enqueue(frameOf({ type: 'room:reset', roomId }), this.#earlyMembers(roomId));
  }

  /** Finality advanced: one frame to every connection (clients mark the events up to it final). */
  finalized(head: BlockRef): void {
    this.#enqueue(frameOf({ type: 'block:finalized', number: head.number, hash: head.hash }), [
      ...this.#connections,
    ]);
  }

  /** The account's connections leave the room, each told why (after the frames queued before). */
  #takeOut(roomId: number, account: string, reason: RoomLeftReason): void {
    for (const conn of [...(this.#byAccount.get(account) ?? [])]) {
      if (this.leave(conn, roomId)) this.#enqueue(frameOf({ type: 'room:left', roomId, reason }), [conn]);
    }
  }

  async #leaveRoomsKickedFrom(conn: ClientConnection, account: string): Promise<void> {
    for (const roomId of [...conn.rooms]) {
      const kicked = await this.#isKicked(roomId, account).catch(() => false);
      if (kicked && conn.account === account && this.leave(conn, roomId)) {
        this.#enqueue(frameOf({ type: 'room:left', roomId, reason: 'kicked' }), [conn]);
      }
    }
  }

  /** The chain changed under us (new genesis): buffered history is void; members must reload. */
  reset(headNumber: number): void {
    this.#replay.reset(`${headNumber}-999999`);
    this.#unfinalized.clear();
    this.#lastEventId = `${headNumber}-999999`;
    this.#furthestEventId = this.#lastEventId;
    for (const [roomId, members] of this.#members)
      this.#enqueue(frameOf({ type: 'room:reset', roomId }), [...members]);
  }

  /** Sends `frame` to every connection now (shutdown). */
  broadcastNow(frame: Buffer): void {
    for (const conn of this.#connections) conn.send(frame);
  }

  connections(): ClientConnection[] {
    return [...this.#connections];
  }

  #sendDirect(conn: ClientConnection, frame: Buffer): void {
    if (conn.send(frame)) this.#sent++;
  }

  #roomTargets(roomId: number): ClientConnection[] {
    return [...(this.#members.get(roomId) ?? [])];
  }

  /** The room's members that take events from best blocks. */
  #earlyMembers(roomId: number): ClientConnection[] {
    return this.#roomTargets(roomId).filter((c) => !c.finalOnlyRooms.has(roomId));
  }

  /**
   * Who gets a routed message: `all` of them; `early`, those that take best-block events (the
   * room's members that did not ask for final only, and the accounts concerned); `late`, the rest
   * (the room's final-only members), once the event is final.
   */
  #targets(route: Route, who: 'all' | 'early' | 'late'): ClientConnection[] {
    if (route.everyone) return [...this.#connections];
    const { room } = route;
    const takes = (c: ClientConnection, roomId: number) =>
      who === 'all' || c.finalOnlyRooms.has(roomId) === (who === 'late');
    // Built straight into the array (no set of the whole room): a best block's gift to thousands.
    const targets: ClientConnection[] = [];
    if (room !== null) for (const c of this.#members.get(room) ?? []) if (takes(c, room)) targets.push(c);
    if (who === 'late' || route.accounts.length === 0) return targets;
    const added = new Set<ClientConnection>();
    for (const account of route.accounts) {
      for (const c of this.#byAccount.get(account) ?? []) {
        const hadIt = room !== null && c.rooms.has(room) && takes(c, room);
        if (hadIt || added.has(c)) continue;
        added.add(c);
        targets.push(c);
      }
    }
    return targets;
  }

  #presenceJoin(roomId: number, account: string): void {
    const key = `${roomId}:${account}`;
    const refs = (this.#presenceRefs.get(key) ?? 0) + 1;
    this.#presenceRefs.set(key, refs);
    if (refs > 1) return;
    this.#broadcastToRoom(roomId, frameOf({ type: 'viewer:joined', roomId, address: account }));
    this.#presence.hold(roomId, account);
  }

  #presenceLeave(roomId: number, account: string): void {
    const key = `${roomId}:${account}`;
    const refs = (this.#presenceRefs.get(key) ?? 0) - 1;
    if (refs > 0) {
      this.#presenceRefs.set(key, refs);
      return;
    }
    this.#presenceRefs.delete(key);
    this.#broadcastToRoom(roomId, frameOf({ type: 'viewer:left', roomId, address: account }));
    this.#presence.leave(roomId, account);
  }

  /** A room broadcast that does not come from the chain: other instances' members get it too. */
  #broadcastToRoom(roomId: number, frame: Buffer): void {
    this.#enqueue(frame, this.#roomTargets(roomId));
    for (const listener of this.#relayListeners) listener(roomId, frame);
  }

  /** Listens to room broadcasts made here that other instances must relay (presence). */
  onRelay(listener: (roomId: number, frame: Buffer) => void): () => void {
    this.#relayListeners.add(listener);
    return () => this.#relayListeners.delete(listener);
  }

  /** Told when this instance gets its first member of a room, or loses its last one. */
  onMembership(listener: (roomId: number, hasMembers: boolean) => void): () => void {
    this.#membershipListeners.add(listener);
    return () => this.#membershipListeners.delete(listener);
  }

  /** A room broadcast relayed from another instance: delivered to the members here. */
  deliverRelayed(roomId: number, frame: Buffer): void {
    this.#enqueue(frame, this.#roomTargets(roomId));
  }

  /** Rooms with members on this instance. */
  memberRooms(): number[] {
    return [...this.#members.keys()];
  }

  #enqueue(frame: Buffer, targets: ClientConnection[]): void {
    if (targets.length === 0) return;
    this.#queue.push({ frame, wire: wsTextFrame(frame), targets, next: 0 });
    if (!this.#draining) this.#drain();
  }

  #drain(): void {
    this.#draining = true;
    let budget = this.#sliceSends;
    while (budget > 0 && this.#queue.length > 0) {
      const job = this.#queue[0] as FanoutJob;
      const end = Math.min(job.targets.length, job.next + budget);
      for (let i = job.next; i < end; i++) {
        if ((job.targets[i] as ClientConnection).sendFramed(job.frame, job.wire)) this.#sent++;
      }
      budget -= end - job.next;
      job.next = end;
      if (job.next >= job.targets.length) this.#queue.shift();
    }
    if (this.#queue.length > 0) setImmediate(() => this.#drain());
    else this.#draining = false;
  }

  /** Resolves once every queued message (and every count held back) has been handed to the sockets. */
  async flushed(): Promise<void> {
    await this.#viewerCounts.idle();
    while (this.#draining) await new Promise((resolve) => setImmediate(resolve));
  }
}
