import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoffDelay.js';
import { compareEventIds, EVENT_ID_PATTERN, previousEventId } from './eventIds.js';
import { RealtimeError } from './RealtimeError.js';
import {
  type AnyChainEventMessage,
  CHAIN_EVENT_TYPES,
  type ChainEventMessage,
  type ChainEventType,
  CLOSE_CODES,
  FINALITY_MESSAGE_TYPES,
  type FinalityMessages,
  NOT_ROOM_EVENT_TYPES,
  type ServerMessages,
} from './realtimeMessages.js';
import { TypedEmitter } from './TypedEmitter.js';
import { type WebSocketConstructor, type WebSocketLike, WS_OPEN } from './transport.js';

/** The server's limit of rooms per connection. */
export const MAX_ROOMS = 20;
/** A frame larger than this is not the server's (room snapshots are ~1 KB): dropped and reported. */
export const MAX_MESSAGE_CHARS = 1024 * 1024;
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 20_000;
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000;
/** After a 4429 close (too many frames or connections) the next attempt waits at least this. */
export const DEFAULT_RATE_LIMITED_DELAY_MS = 15_000;
/** A connection that stayed open this long resets the backoff; shorter ones keep growing it. */
export const DEFAULT_STABLE_AFTER_MS = 5_000;
/** Close code the client uses when it gives up on a silent connection (4000–4999: application). */
const CLIENT_HEARTBEAT_CLOSE = 4000;

export type ConnectionState =
  /** Opening the socket. */
  | 'connecting'
  /** Open; waiting for `auth:ok`. */
  | 'authenticating'
  /** Open (and authenticated when a signer or session was given): rooms are joined. */
  | 'open'
  /** Lost; the next attempt is scheduled (`retryInMs`). */
  | 'reconnecting'
  /** Stopped for good: `close()` was called or a fatal error happened. */
  | 'closed';

export interface StateChange {
  state: ConnectionState;
  /** The close code that ended the previous connection, when there was one. */
  closeCode?: number;
  reason?: string;
  /** `reconnecting`: how long until the next attempt, and how many failed in a row. */
  retryInMs?: number;
  attempt?: number;
}

/** The chain event types, each with its typed message. */
export type ChainEventMap = { [T in ChainEventType]: ChainEventMessage<T> };

export type RealtimeEvents = ChainEventMap &
  Omit<ServerMessages, 'pong' | 'error'> &
  FinalityMessages & {
    /** Every chain event, whatever its type. */
    'chain:event': AnyChainEventMessage;
    state: StateChange;
    /** Protocol errors, refused joins, bad frames, close codes that stop the connection. */
    error: RealtimeError;
    /** A message of a type this client does not know (a newer server): passed on, never thrown. */
    unknown: { message: Record<string, unknown> & { type: string } };
  };

/** Builds the `auth` frame for each new connection (freshly signed, or with the current token). */
export type AuthFrameFactory = () => Promise<Record<string, unknown> & { type: 'auth' }>;

export interface RealtimeConnectionOptions {
  /** `ws://host:port/ws` or `wss://…`. */
  url: string;
  WebSocket: WebSocketConstructor;
  /** Without it the connection is anonymous (room events only; no presence, no own-account events). */
  auth?: AuthFrameFactory;
  /**
   * Asked once per connection when the server refused the `auth` frame (a session's access token
   * that expired early): its frame is sent instead of giving up. Without it a refusal stops.
   */
  retryAuth?: AuthFrameFactory;
  backoff?: BackoffOptions;
  rateLimitedDelayMs?: number;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  stableAfterMs?: number;
  /** Source of jitter (tests pin it). */
  random?: () => number;
}

type Joined = ServerMessages['room:joined'];

interface JoinWaiter {
  resolve: (joined: Joined) => void;
  reject: (error: RealtimeError) => void;
}

const CHAIN_EVENT_TYPE_SET: ReadonlySet<string> = new Set(CHAIN_EVENT_TYPES);
const NOT_ROOM_EVENT_SET: ReadonlySet<string> = new Set(NOT_ROOM_EVENT_TYPES);
const FINALITY_TYPE_SET: ReadonlySet<string> = new Set(FINALITY_MESSAGE_TYPES);
/** Error codes that refuse a `join-room` (the server answers joins in frame order). */
const JOIN_REFUSED_CODES: ReadonlySet<string> = new Set([
  'ROOM_NOT_FOUND',
  'TOO_MANY_ROOMS',
  'VALIDATION_ERROR',
  'VIEWER_BANNED',
]);
/** A join the server cannot answer yet (its chain is not loaded): tried again after a backoff. */
const JOIN_RETRY_CODE = 'CHAIN_UNAVAILABLE';
const PASSED_ON_TYPES: ReadonlySet<string> = new Set([
  'auth:ok',
  'room:left',
  'room:reset',
  'viewer:joined',
  'viewer:left',
  'viewers:count',
  'server:shutdown',
]);

/**
 * One realtime connection that stays up: reconnects with jittered exponential backoff, keeps a
 * heartbeat, re-authenticates, re-joins its rooms and resumes each from the last event it saw
 * (`since`), dropping any event it already delivered. Events arrive through typed `on(type, …)`.
 */
export class RealtimeConnection {
  readonly #options: Required<Omit<RealtimeConnectionOptions, 'auth' | 'retryAuth'>> & {
    auth?: AuthFrameFactory;
    retryAuth?: AuthFrameFactory;
  };
  readonly #events: TypedEmitter<RealtimeEvents>;
  /** Rooms the app wants to be in, with the last room event delivered (the resume point). */
  readonly #rooms = new Map<number, string | null>();
  readonly #joinWaiters = new Map<number, JoinWaiter[]>();
  /** Rooms of `join-room` frames sent on this socket and not answered yet, in order. */
  #joinsInFlight: number[] = [];
  /** Joins answered CHAIN_UNAVAILABLE, waiting to be sent again, with their attempt counts. */
  readonly #joinRetries = new Map<number, { timer: ReturnType<typeof setTimeout>; attempt: number }>();
  #socket: WebSocketLike | undefined;
  #state: ConnectionState = 'connecting';
  #attempt = 0;
  #openedAt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #silenceTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** `retryAuth` was used on this socket. */
  #authRetried = false;
  #stateWaiters: { state: ConnectionState; resolve: () => void }[] = [];

  constructor(options: RealtimeConnectionOptions) {
    this.#options = {
      backoff: DEFAULT_BACKOFF,
      rateLimitedDelayMs: DEFAULT_RATE_LIMITED_DELAY_MS,
      heartbeatIntervalMs: DEFAULT_HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: DEFAULT_HEARTBEAT_TIMEOUT_MS,
      stableAfterMs: DEFAULT_STABLE_AFTER_MS,
      random: Math.random,
      ...options,
    };
    this.#events = new TypedEmitter<RealtimeEvents>((error, type) => {
      if (type === 'error') return; // an error listener that throws cannot be told about it
      this.#report(
        new RealtimeError('LISTENER_ERROR', `a "${String(type)}" listener threw`, { cause: error }),
      );
    });
    this.#open();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The rooms joined (or being joined), each with the id of the last event delivered for it. */
  get rooms(): ReadonlyMap<number, string | null> {
    return this.#rooms;
  }

  on<K extends keyof RealtimeEvents>(type: K, listener: (event: RealtimeEvents[K]) => void): () => void {
    return this.#events.on(type, listener);
  }

  off<K extends keyof RealtimeEvents>(type: K, listener: (event: RealtimeEvents[K]) => void): void {
    this.#events.off(type, listener);
  }

  /** Resolves once the connection is in `state` (at once when it is). */
  when(state: ConnectionState): Promise<void> {
    if (this.#state === state) return Promise.resolve();
    return new Promise((resolve) => this.#stateWaiters.push({ state, resolve }));
  }

  /**
   * Joins `roomId` (now, or as soon as connected) and keeps it joined across reconnects. With
   * `since`, the server first replays the room's events after that id. Resolves with `room:joined`.
   */
  join(roomId: number, options: { since?: string } = {}): Promise<Joined> {
    if (!Number.isSafeInteger(roomId) || roomId < 0) {
      return Promise.reject(new RealtimeError('VALIDATION_ERROR', 'roomId must be a non-negative integer'));
    }
    if (options.since !== undefined && !EVENT_ID_PATTERN.test(options.since)) {
      return Promise.reject(new RealtimeError('VALIDATION_ERROR', 'since must be an event id like "120-3"'));
    }
    if (this.#stopped) return Promise.reject(new RealtimeError('CLOSED', 'the connection is closed'));
    if (!this.#rooms.has(roomId) && this.#rooms.size >= MAX_ROOMS) {
      return Promise.reject(new RealtimeError('TOO_MANY_ROOMS', `at most ${MAX_ROOMS} rooms per connection`));
    }
    const known = this.#rooms.get(roomId) ?? null;
    this.#rooms.set(roomId, options.since ?? known);
    const joined = new Promise<Joined>((resolve, reject) => {
      const waiters = this.#joinWaiters.get(roomId) ?? [];
      waiters.push({ resolve, reject });
      this.#joinWaiters.set(roomId, waiters);
    });
    if (this.#state === 'open') this.#sendJoin(roomId);
    return joined;
  }

  /** Leaves `roomId`: no more of its events, and it is not re-joined after a reconnect. */
  leave(roomId: number): void {
    if (!this.#rooms.delete(roomId)) return;
    this.#clearJoinRetry(roomId);
    this.#rejectJoin(roomId, new RealtimeError('CLOSED', `left room ${roomId} before it was joined`));
    if (this.#state === 'open') this.#send({ type: 'leave-room', roomId });
  }

  /**
   * Tries now instead of waiting out the backoff (the app came back to the foreground, the network
   * is back). Does nothing unless the connection is waiting to reconnect.
   */
  reconnect(): void {
    if (this.#state !== 'reconnecting' || this.#stopped) return;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#open();
  }

  /** Stops for good: closes the socket, cancels reconnects, rejects waiting joins. Idempotent. */
  close(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#clearTimers();
    const socket = this.#detach();
    socket?.close(CLOSE_CODES.Normal, 'client closed');
    for (const roomId of [...this.#joinWaiters.keys()]) {
      this.#rejectJoin(roomId, new RealtimeError('CLOSED', 'the connection was closed'));
    }
    this.#setState({ state: 'closed' });
  }

  #open(): void {
    if (this.#stopped) return;
    this.#setState({ state: 'connecting' });
    let socket: WebSocketLike;
    try {
      socket = new this.#options.WebSocket(this.#options.url);
    } catch (cause) {
      this.#fail(new RealtimeError('BAD_URL', `cannot open ${this.#options.url}`, { fatal: true, cause }));
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (socket === this.#socket) void this.#onOpen();
    };
    socket.onmessage = (event) => {
      if (socket === this.#socket) this.#onMessage(event.data);
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#onClose(event.code, event.reason);
    };
    // A failed connection also fires `close`, which decides what happens next.
    socket.onerror = () => undefined;
  }

  async #onOpen(): Promise<void> {
    this.#openedAt = Date.now();
    this.#joinsInFlight = [];
    this.#authRetried = false;
    this.#startHeartbeat();
    const auth = this.#options.auth;
    if (!auth) {
      this.#ready();
      return;
    }
    this.#setState({ state: 'authenticating' });
    await this.#sendAuth(auth);
  }

  async #sendAuth(auth: AuthFrameFactory): Promise<void> {
    const socket = this.#socket;
    let frame: Awaited<ReturnType<AuthFrameFactory>>;
    try {
      frame = await auth();
    } catch (cause) {
      this.#fail(
        new RealtimeError('SIGNER_FAILED', 'could not sign in to the realtime API', { fatal: true, cause }),
      );
      return;
    }
    if (socket === this.#socket && this.#state === 'authenticating') this.#send(frame);
  }

  #ready(): void {
    this.#setState({ state: 'open' });
    for (const roomId of this.#rooms.keys()) this.#sendJoin(roomId);
  }

  #sendJoin(roomId: number): void {
    const since = this.#rooms.get(roomId);
    this.#joinsInFlight.push(roomId);
    this.#send(since ? { type: 'join-room', roomId, since } : { type: 'join-room', roomId });
  }

  #onMessage(data: unknown): void {
    this.#heard();
    if (typeof data !== 'string' || data.length > MAX_MESSAGE_CHARS) {
      this.#report(
        new RealtimeError('BAD_MESSAGE', 'a frame that is not JSON text, or too large, was dropped'),
      );
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      this.#report(new RealtimeError('BAD_MESSAGE', 'a frame that is not JSON was dropped'));
      return;
    }
    if (
      typeof message !== 'object' ||
      message === null ||
      typeof (message as { type?: unknown }).type !== 'string'
    ) {
      this.#report(new RealtimeError('BAD_MESSAGE', 'a frame without a type was dropped'));
      return;
    }
    this.#dispatch(message as Record<string, unknown> & { type: string });
  }

  #dispatch(message: Record<string, unknown> & { type: string }): void {
    const { type } = message;
    if (CHAIN_EVENT_TYPE_SET.has(type)) {
      this.#onChainEvent(message as unknown as AnyChainEventMessage);
      return;
    }
    switch (type) {
      case 'pong':
        return;
      case 'auth:ok':
        this.#events.emit('auth:ok', message as unknown as ServerMessages['auth:ok']);
        if (this.#state === 'authenticating') this.#ready();
        return;
      case 'room:joined':
        this.#onJoined(message as unknown as Joined);
        return;
      case 'room:reset':
        // Nothing to replay from: `room:joined` follows with the room as it is now.
        if (this.#rooms.has(message.roomId as number)) this.#rooms.set(message.roomId as number, null);
        break;
      case 'error':
        this.#onError(message as unknown as ServerMessages['error']);
        return;
      case 'events:retracted':
        this.#onRetracted(message);
        break;
    }
    if (PASSED_ON_TYPES.has(type) || FINALITY_TYPE_SET.has(type)) {
      this.#events.emit(type as keyof RealtimeEvents, message as never);
    } else {
      this.#events.emit('unknown', { message });
    }
  }

  #onChainEvent(event: AnyChainEventMessage): void {
    const roomId = event.roomId;
    if (roomId !== null && this.#rooms.has(roomId) && !NOT_ROOM_EVENT_SET.has(event.type)) {
      const last = this.#rooms.get(roomId);
      // Already delivered (a replay overlapping what arrived before the reconnect): skip it.
      if (last && compareEventIds(event.id, last) <= 0) return;
      this.#rooms.set(roomId, event.id);
    }
    this.#events.emit(event.type, event as never);
    this.#events.emit('chain:event', event);
  }

  #onJoined(joined: Joined): void {
    const inFlight = this.#joinsInFlight.indexOf(joined.roomId);
    if (inFlight >= 0) this.#joinsInFlight.splice(inFlight, 1);
    this.#clearJoinRetry(joined.roomId);
    if (!this.#rooms.has(joined.roomId)) return; // left meanwhile
    const last = this.#rooms.get(joined.roomId);
    if (joined.lastEventId && (!last || compareEventIds(joined.lastEventId, last) > 0)) {
      this.#rooms.set(joined.roomId, joined.lastEventId);
    }
    const waiters = this.#joinWaiters.get(joined.roomId) ?? [];
    this.#joinWaiters.delete(joined.roomId);
    for (const waiter of waiters) waiter.resolve(joined);
    this.#events.emit('room:joined', joined);
  }

  #onError(frame: ServerMessages['error']): void {
    const error = new RealtimeError(frame.code, frame.message, { fatal: frame.code === 'AUTH_FAILED' });
    if (frame.code === 'AUTH_FAILED') {
      const retry = this.#options.retryAuth;
      if (retry && !this.#authRetried && this.#state === 'authenticating') {
        this.#authRetried = true;
        void this.#sendAuth(retry);
        return;
      }
      this.#fail(error);
      return;
    }
    const answersJoin = JOIN_REFUSED_CODES.has(frame.code) || frame.code === JOIN_RETRY_CODE;
    if (answersJoin && this.#joinsInFlight.length > 0) {
      const roomId = this.#joinsInFlight.shift() as number;
      if (frame.code === JOIN_RETRY_CODE) this.#retryJoin(roomId);
      else {
        this.#rooms.delete(roomId);
        this.#rejectJoin(roomId, error);
      }
    }
    this.#report(error);
  }

  /** The server is still loading its rooms: the join stays wanted and is sent again later. */
  #retryJoin(roomId: number): void {
    if (!this.#rooms.has(roomId)) return;
    const attempt = (this.#joinRetries.get(roomId)?.attempt ?? 0) + 1;
    const delay = backoffDelay(attempt - 1, this.#options.backoff, this.#options.random);
    const timer = setTimeout(() => {
      if (this.#state === 'open' && this.#rooms.has(roomId)) this.#sendJoin(roomId);
    }, delay);
    this.#joinRetries.set(roomId, { timer, attempt });
  }

  /** Events of a dropped best block: the resume point moves before them so their replacements arrive. */
  #onRetracted(message: Record<string, unknown>): void {
    const ids = Array.isArray(message.ids)
      ? message.ids.filter((id): id is string => typeof id === 'string' && EVENT_ID_PATTERN.test(id))
      : [];
    if (ids.length === 0) return;
    const first = ids.reduce((a, b) => (compareEventIds(a, b) <= 0 ? a : b));
    for (const [roomId, last] of this.#rooms) {
      if (typeof message.roomId === 'number' && message.roomId !== roomId) continue;
      if (last && compareEventIds(last, first) >= 0) this.#rooms.set(roomId, previousEventId(first));
    }
  }

  #onClose(code: number, reason: string): void {
    const openedFor = this.#openedAt ? Date.now() - this.#openedAt : 0;
    this.#detach();
    this.#clearTimers();
    if (this.#stopped) return;
    if (code === CLOSE_CODES.PolicyViolation) {
      this.#fail(
        new RealtimeError(
          'POLICY_VIOLATION',
          `the server refused this connection: ${reason || 'policy violation'}`,
          {
            fatal: true,
          },
        ),
      );
      return;
    }
    if (openedFor >= this.#options.stableAfterMs) this.#attempt = 0;
    let delay = backoffDelay(this.#attempt, this.#options.backoff, this.#options.random);
    if (code === CLOSE_CODES.TooManyRequests) {
      this.#report(new RealtimeError('RATE_LIMITED', `the server is rate limiting this client: ${reason}`));
      delay = Math.max(delay, this.#options.rateLimitedDelayMs);
    }
    this.#attempt++;
    this.#setState({
      state: 'reconnecting',
      closeCode: code,
      reason,
      retryInMs: delay,
      attempt: this.#attempt,
    });
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#open();
    }, delay);
  }

  #startHeartbeat(): void {
    this.#heartbeatTimer = setInterval(() => {
      this.#send({ type: 'ping' });
      this.#silenceTimer ??= setTimeout(() => {
        // No answer: the network path is gone. Closing may never complete, so move on without it.
        const socket = this.#socket;
        this.#onClose(CLIENT_HEARTBEAT_CLOSE, 'heartbeat timeout');
        socket?.close(CLIENT_HEARTBEAT_CLOSE, 'heartbeat timeout');
      }, this.#options.heartbeatTimeoutMs);
    }, this.#options.heartbeatIntervalMs);
  }

  /** Anything from the server proves the connection alive. */
  #heard(): void {
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = undefined;
  }

  #send(frame: object): void {
    if (this.#socket?.readyState === WS_OPEN) this.#socket.send(JSON.stringify(frame));
  }

  #detach(): WebSocketLike | undefined {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#openedAt = 0;
    this.#joinsInFlight = [];
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
    }
    return socket;
  }

  #clearJoinRetry(roomId: number): void {
    clearTimeout(this.#joinRetries.get(roomId)?.timer);
    this.#joinRetries.delete(roomId);
  }

  #clearTimers(): void {
    for (const retry of this.#joinRetries.values()) clearTimeout(retry.timer);
    this.#joinRetries.clear();
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#heartbeatTimer);
    clearTimeout(this.#silenceTimer);
    this.#reconnectTimer = undefined;
    this.#heartbeatTimer = undefined;
    this.#silenceTimer = undefined;
  }

  #rejectJoin(roomId: number, error: RealtimeError): void {
    const waiters = this.#joinWaiters.get(roomId) ?? [];
    this.#joinWaiters.delete(roomId);
    for (const waiter of waiters) waiter.reject(error);
  }

  /** A fatal error: report it and stop. */
  #fail(error: RealtimeError): void {
    this.#report(error);
    this.close();
  }

  #report(error: RealtimeError): void {
    this.#events.emit('error', error);
  }

  #setState(change: StateChange): void {
    if (this.#state === change.state && change.state !== 'reconnecting') return;
    this.#state = change.state;
    this.#events.emit('state', change);
    const waiting = this.#stateWaiters;
    this.#stateWaiters = [];
    for (const waiter of waiting) {
      if (waiter.state === change.state) waiter.resolve();
      else this.#stateWaiters.push(waiter);
    }
  }
}
