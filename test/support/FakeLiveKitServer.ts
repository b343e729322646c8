import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Codec,
  CreateRoomRequest,
  DeleteRoomRequest,
  DeleteRoomResponse,
  ListParticipantsRequest,
  ListParticipantsResponse,
  ListRoomsRequest,
  ListRoomsResponse,
  MuteRoomTrackRequest,
  ParticipantInfo,
  ParticipantInfo_State,
  ParticipantPermission,
  RemoveParticipantResponse,
  Room,
  RoomParticipantIdentity,
  SendDataRequest,
  SendDataResponse,
  TrackSource,
  UpdateParticipantRequest,
  UpdateRoomMetadataRequest,
  UpdateSubscriptionsRequest,
  UpdateSubscriptionsResponse,
} from '@livekit/protocol';
import { z } from 'zod';
import { newSid, type WebhookEventName, type WebhookResponse, webhookSender } from './webhookSender.js';

/*
 * A LiveKit server as the backend sees it: the RoomService Twirp API with the real server's auth
 * rules, status codes and JSON shapes (livekit-notes.md §7, §8), in-memory rooms and participants,
 * and webhooks for joins and leaves. Not modelled: media, tracks, egress/ingress/SIP services.
 */

const HOST = '127.0.0.1';
const TWIRP_PREFIX = '/twirp/';
const ROOM_SERVICE = 'livekit.RoomService';
/** go-jose's default leeway, used by the server for `exp`, `nbf` and `iat`. */
const JWT_LEEWAY_SECONDS = 60;
const MS_PER_SECOND = 1000;
/** livekit/livekit `pkg/config/config.go` room defaults, applied when CreateRoom leaves them 0. */
const DEFAULT_EMPTY_TIMEOUT_SECONDS = 300;
const DEFAULT_DEPARTURE_TIMEOUT_SECONDS = 20;
const MAX_NAME_LENGTH = 256;
const DEFAULT_ENABLED_CODECS = [
  'audio/opus',
  'audio/red',
  'video/VP8',
  'video/H264',
  'video/VP9',
  'video/AV1',
];

/** twirp `ServerHTTPStatusFromErrorCode`. */
const TWIRP_STATUS = {
  canceled: 408,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  dataloss: 500,
  unknown: 500,
} as const;
export type TwirpCode = keyof typeof TWIRP_STATUS;

/** livekit/livekit `pkg/service/errors.go`. */
export const ROOM_NOT_FOUND_MESSAGE = 'requested room does not exist';
export const PARTICIPANT_NOT_FOUND_MESSAGE = 'participant does not exist';
export const PERMISSION_DENIED_MESSAGE = 'permissions denied';

const VideoGrantSchema = z.looseObject({
  roomCreate: z.boolean().optional(),
  roomJoin: z.boolean().optional(),
  roomList: z.boolean().optional(),
  roomRecord: z.boolean().optional(),
  roomAdmin: z.boolean().optional(),
  room: z.string().optional(),
  ingressAdmin: z.boolean().optional(),
  canPublish: z.boolean().optional(),
  canSubscribe: z.boolean().optional(),
  canPublishData: z.boolean().optional(),
  canPublishSources: z.array(z.string()).optional(),
  canUpdateOwnMetadata: z.boolean().optional(),
  hidden: z.boolean().optional(),
  recorder: z.boolean().optional(),
  agent: z.boolean().optional(),
  destinationRoom: z.string().optional(),
});
export type VideoGrantClaims = z.infer<typeof VideoGrantSchema>;

const ClaimsSchema = z.looseObject({
  iss: z.string().optional(),
  sub: z.string().optional(),
  exp: z.number().optional(),
  nbf: z.number().optional(),
  iat: z.number().optional(),
  name: z.string().optional(),
  metadata: z.string().optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  video: VideoGrantSchema.optional(),
  kind: z.string().optional(),
  sha256: z.string().optional(),
});
export type TokenClaims = z.infer<typeof ClaimsSchema>;

const JwtHeaderSchema = z.looseObject({ alg: z.string() });

const SOURCE_BY_NAME: Record<string, TrackSource> = {
  camera: TrackSource.CAMERA,
  microphone: TrackSource.MICROPHONE,
  screen_share: TrackSource.SCREEN_SHARE,
  screen_share_audio: TrackSource.SCREEN_SHARE_AUDIO,
};

export type RecordedCall = {
  /** e.g. `livekit.RoomService`. */
  service: string;
  /** e.g. `UpdateParticipant`. */
  method: string;
  /** The JSON body as sent (the SDK omits false / 0 / empty fields). */
  body: unknown;
  /** The decoded request with every field present (camelCase), when it decoded. */
  request: Record<string, unknown> | undefined;
  /** The token's `video` grant, when the token verified. */
  grants: VideoGrantClaims | undefined;
  claims: TokenClaims | undefined;
  /** undefined: the request was stalled and never answered. */
  status: number | undefined;
  requestId: string | undefined;
};

/** A canned answer for `failNext`: JSON Twirp error when `code` is set, plain text otherwise. */
export type FakeFailure = { status: number; code?: TwirpCode; msg: string };
const UNAVAILABLE: FakeFailure = {
  status: 503,
  code: 'unavailable',
  msg: 'fake LiveKit server: injected outage',
};

export type JoinOptions = {
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  /** Default: what a token with no publish/subscribe flags gets (everything allowed). */
  permission?: Partial<
    Pick<ParticipantPermission, 'canPublish' | 'canSubscribe' | 'canPublishData' | 'hidden'>
  > & {
    canPublishSources?: TrackSource[];
  };
};

export type WebhookDeliveryRecord = {
  event: WebhookEventName;
  room: string;
  identity: string | undefined;
  response: WebhookResponse | undefined;
  error: unknown;
};

export type FakeLiveKitServerOptions = {
  /** Default `devkey` / `secret`, as `livekit-server --dev`. */
  apiKey?: string;
  apiSecret?: string;
  /** More key → secret pairs the server accepts. */
  extraKeys?: Record<string, string>;
  /** Default 0 (any free port); kept across `restart()`. */
  port?: number;
  /** ms since the epoch; used for token checks, creation and join times. */
  now?: () => number;
  /** When set, joins, leaves and room starts/ends are POSTed here as signed webhooks. */
  webhookUrl?: string;
  /**
   * Default false: every answer says `Connection: close`. A client that pooled a keep-alive socket
   * races its FIN after `stop()`/`restart()` and fails its next call about half the time, which
   * would make restart tests flaky. The real server keeps connections alive; set true to test that
   * race on purpose.
   */
  keepAlive?: boolean;
};

type RoomState = { room: Room; participants: Map<string, ParticipantInfo> };
type Requirement = { grant: 'roomCreate' } | { grant: 'roomList' } | { grant: 'roomAdmin'; room: string };
type FieldLike = {
  kind: string;
  name: string;
  localName: string;
  repeated: boolean;
  oneof?: unknown;
  T?: unknown;
};
type Reply = {
  toJson(options: { useProtoFieldName: boolean; emitDefaultValues: boolean }): unknown;
  toBinary(): Uint8Array;
  getType(): { fields: { list(): readonly FieldLike[] } };
};
type Decoded = { request: Reply; requirement: Requirement; run: () => Reply };
type MethodHandler = (body: Buffer, format: 'json' | 'protobuf') => Decoded;

class TwirpFailure extends Error {
  readonly code: TwirpCode;
  constructor(code: TwirpCode, msg: string) {
    super(msg);
    this.code = code;
  }
}

type Authentication = { ok: true; claims: TokenClaims | undefined } | { ok: false; message: string };

/** A faithful in-memory LiveKit server for tests. */
export class FakeLiveKitServer {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly #secrets: Map<string, string>;
  readonly #now: () => number;
  readonly #rooms = new Map<string, RoomState>();
  readonly #calls: RecordedCall[] = [];
  readonly #failures: FakeFailure[] = [];
  readonly #deliveries: WebhookDeliveryRecord[] = [];
  readonly #methods: Record<string, MethodHandler>;
  readonly #keepAlive: boolean;
  #stallsLeft = 0;
  #port: number;
  #server: Server | undefined;
  #webhookUrl: string | undefined;
  #webhookQueue: Promise<void> = Promise.resolve();

  constructor(options: FakeLiveKitServerOptions = {}) {
    this.apiKey = options.apiKey ?? 'devkey';
    this.apiSecret = options.apiSecret ?? 'secret';
    this.#secrets = new Map([[this.apiKey, this.apiSecret], ...Object.entries(options.extraKeys ?? {})]);
    this.#port = options.port ?? 0;
    this.#now = options.now ?? Date.now;
    this.#webhookUrl = options.webhookUrl;
    this.#keepAlive = options.keepAlive ?? false;
    this.#methods = this.#buildMethods();
  }

  /** Creates and starts a server. */
  static async start(options: FakeLiveKitServerOptions = {}): Promise<FakeLiveKitServer> {
    const server = new FakeLiveKitServer(options);
    await server.start();
    return server;
  }

  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://${HOST}:${this.#port}`;
  }

  /** `ws://127.0.0.1:<port>`: what clients are given; the SDK rewrites it to http. */
  get wsUrl(): string {
    return `ws://${HOST}:${this.#port}`;
  }

  get running(): boolean {
    return this.#server !== undefined;
  }

  async start(): Promise<void> {
    if (this.#server !== undefined) {
      return;
    }
    const server = createServer((request, response) => {
      this.#handle(request, response).catch(() => response.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Closes the port and cuts open connections (including stalled requests). */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) {
      return;
    }
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /**
   * Stops and starts again on the same port. By default rooms and participants are lost, as with a
   * single livekit-server without Redis; `keepState: true` models a server backed by Redis.
   */
  async restart(options: { keepState?: boolean } = {}): Promise<void> {
    await this.stop();
    if (options.keepState !== true) {
      this.#rooms.clear();
    }
    await this.start();
  }

  /** Forgets rooms, participants, recorded calls, webhook records and pending failures. */
  reset(): void {
    this.#rooms.clear();
    this.#calls.length = 0;
    this.#failures.length = 0;
    this.#deliveries.length = 0;
    this.#stallsLeft = 0;
  }

  /** The next `count` Twirp requests get `failure` (default 503 `unavailable`) before any auth. */
  failNext(count = 1, failure: FakeFailure = UNAVAILABLE): void {
    for (let index = 0; index < count; index += 1) {
      this.#failures.push(failure);
    }
  }

  /** The next `count` Twirp requests are read and never answered (until `stop()`). */
  stallNext(count = 1): void {
    this.#stallsLeft += count;
  }

  get calls(): readonly RecordedCall[] {
    return this.#calls;
  }

  callsTo(method: string): RecordedCall[] {
    return this.#calls.filter((call) => call.method === method);
  }

  clearCalls(): void {
    this.#calls.length = 0;
  }

  set webhookUrl(url: string | undefined) {
    this.#webhookUrl = url;
  }

  get webhookUrl(): string | undefined {
    return this.#webhookUrl;
  }

  get webhookDeliveries(): readonly WebhookDeliveryRecord[] {
    return this.#deliveries;
  }

  /** Resolves once every webhook queued so far has been delivered (or has failed). */
  webhooksSettled(): Promise<void> {
    return this.#webhookQueue;
  }

  rooms(): Room[] {
    return [...this.#rooms.values()].map((state) => this.#roomSnapshot(state));
  }

  room(name: string): Room | undefined {
    const state = this.#rooms.get(name);
    return state === undefined ? undefined : this.#roomSnapshot(state);
  }

  participants(room: string): ParticipantInfo[] {
    return [...(this.#rooms.get(room)?.participants.values() ?? [])].map((participant) =>
      participant.clone(),
    );
  }

  participant(room: string, identity: string): ParticipantInfo | undefined {
    return this.#rooms.get(room)?.participants.get(identity)?.clone();
  }

  /**
   * A participant connects (room auto-created, as with `auto_create`). An identity already in the
   * room is replaced, as the server does with a duplicate identity. Resolves after the webhooks.
   */
  async join(room: string, identity: string, options: JoinOptions = {}): Promise<ParticipantInfo> {
    const state = this.#ensureRoom(room);
    if (state.participants.has(identity)) {
      this.#disconnect(state, identity);
    }
    const nowMs = this.#now();
    const permission = options.permission ?? {};
    const canPublish = permission.canPublish ?? true;
    const participant = new ParticipantInfo({
      sid: newSid('PA_'),
      identity,
      name: options.name ?? '',
      metadata: options.metadata ?? '',
      attributes: options.attributes ?? {},
      state: ParticipantInfo_State.ACTIVE,
      joinedAt: BigInt(Math.floor(nowMs / MS_PER_SECOND)),
      joinedAtMs: BigInt(nowMs),
      version: 1,
      permission: new ParticipantPermission({
        canPublish,
        canSubscribe: permission.canSubscribe ?? true,
        canPublishData: permission.canPublishData ?? canPublish,
        canPublishSources: permission.canPublishSources ?? [],
        hidden: permission.hidden ?? false,
      }),
    });
    state.participants.set(identity, participant);
    this.#emit('participant_joined', state, participant);
    await this.webhooksSettled();
    return participant.clone();
  }

  /**
   * Joins with a join token, checked as the server's `/rtc` endpoint does: valid signature and
   * times, `roomJoin`, a room and an identity; permissions from the grant with the server defaults.
   */
  async joinWithToken(token: string): Promise<ParticipantInfo> {
    const auth = this.#authenticate(`Bearer ${token}`);
    if (!auth.ok) {
      throw new Error(auth.message);
    }
    const claims = auth.claims;
    const video = claims?.video;
    if (video?.roomJoin !== true || video.room === undefined || video.room === '') {
      throw new Error(PERMISSION_DENIED_MESSAGE);
    }
    if (claims?.sub === undefined || claims.sub === '') {
      throw new Error('identity cannot be empty');
    }
    const canPublish = video.canPublish ?? true;
    return this.join(video.room, claims.sub, {
      ...(claims.name === undefined ? {} : { name: claims.name }),
      ...(claims.metadata === undefined ? {} : { metadata: claims.metadata }),
      ...(claims.attributes === undefined ? {} : { attributes: claims.attributes }),
      permission: {
        canPublish,
        canSubscribe: video.canSubscribe ?? true,
        canPublishData: video.canPublishData ?? canPublish,
        canPublishSources: (video.canPublishSources ?? []).map(
          (name) => SOURCE_BY_NAME[name] ?? TrackSource.UNKNOWN,
        ),
        hidden: video.hidden ?? false,
      },
    });
  }

  /** A participant disconnects. Resolves to false when nobody had that identity. */
  async leave(room: string, identity: string): Promise<boolean> {
    const state = this.#rooms.get(room);
    if (state === undefined || !state.participants.has(identity)) {
      return false;
    }
    this.#disconnect(state, identity);
    await this.webhooksSettled();
    return true;
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!this.#keepAlive) {
      response.setHeader('connection', 'close');
    }
    const body = await readBody(request);
    const path = new URL(request.url ?? '/', this.url).pathname;
    if (!path.startsWith(TWIRP_PREFIX)) {
      writeText(response, 404, '404 page not found');
      return;
    }
    const [service = '', method = ''] = path.slice(TWIRP_PREFIX.length).split('/');
    const call: RecordedCall = {
      service,
      method,
      body: parseJsonOrUndefined(body),
      request: undefined,
      grants: undefined,
      claims: undefined,
      status: undefined,
      requestId: headerValue(request, 'x-livekit-request-id'),
    };
    this.#calls.push(call);

    if (this.#stallsLeft > 0) {
      this.#stallsLeft -= 1;
      return;
    }
    const failure = this.#failures.shift();
    if (failure !== undefined) {
      call.status = failure.status;
      if (failure.code === undefined) {
        writeText(response, failure.status, failure.msg);
      } else {
        writeJson(response, failure.status, { code: failure.code, msg: failure.msg });
      }
      return;
    }

    // The real server authenticates in middleware, before Twirp routing.
    const auth = this.#authenticate(headerValue(request, 'authorization'));
    if (!auth.ok) {
      call.status = 401;
      writeText(response, 401, auth.message);
      return;
    }
    call.claims = auth.claims;
    call.grants = auth.claims?.video;

    try {
      call.status = this.#serveTwirp(request, response, service, method, body, call, auth.claims);
    } catch (error) {
      call.status = writeTwirpError(response, 'internal', String(error));
    }
  }

  /** Returns the status written. */
  #serveTwirp(
    request: IncomingMessage,
    response: ServerResponse,
    service: string,
    method: string,
    body: Buffer,
    call: RecordedCall,
    claims: TokenClaims | undefined,
  ): number {
    if (request.method !== 'POST') {
      return writeTwirpError(
        response,
        'bad_route',
        `unsupported method "${request.method}" (only POST is allowed)`,
      );
    }
    const handler = service === ROOM_SERVICE ? this.#methods[method] : undefined;
    if (handler === undefined) {
      return writeTwirpError(response, 'bad_route', `no handler for path "${request.url}"`);
    }
    const contentType = (headerValue(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    const format =
      contentType === 'application/json'
        ? 'json'
        : contentType === 'application/protobuf'
          ? 'protobuf'
          : undefined;
    if (format === undefined) {
      return writeTwirpError(response, 'bad_route', `unexpected Content-Type: "${contentType}"`);
    }
    let decoded: Decoded;
    try {
      decoded = handler(body, format);
    } catch {
      return writeTwirpError(response, 'malformed', `the ${format} request could not be decoded`);
    }
    call.request = decoded.request.toJson({ useProtoFieldName: false, emitDefaultValues: true }) as Record<
      string,
      unknown
    >;
    if (!hasGrant(claims, decoded.requirement)) {
      return writeTwirpError(response, 'unauthenticated', PERMISSION_DENIED_MESSAGE);
    }
    let reply: Reply;
    try {
      reply = decoded.run();
    } catch (error) {
      if (error instanceof TwirpFailure) {
        return writeTwirpError(response, error.code, error.message);
      }
      throw error;
    }
    if (format === 'protobuf') {
      response.writeHead(200, { 'content-type': 'application/protobuf' });
      response.end(Buffer.from(reply.toBinary()));
      return 200;
    }
    return writeJson(response, 200, twirpJson(reply));
  }

  /** livekit/livekit `pkg/service/auth.go` + livekit/protocol `auth/verifier.go`. */
  #authenticate(header: string | undefined): Authentication {
    if (header === undefined || header === '') {
      // No token: the request goes on without grants and fails the per-method check.
      return { ok: true, claims: undefined };
    }
    if (!header.startsWith('Bearer ')) {
      return { ok: false, message: 'invalid authorization header. Must start with Bearer ' };
    }
    const token = header.slice('Bearer '.length);
    const parsed = parseJwt(token);
    if (parsed === undefined) {
      return { ok: false, message: 'invalid authorization token' };
    }
    const secret = this.#secrets.get(parsed.claims.iss ?? '');
    if (secret === undefined) {
      return { ok: false, message: `invalid API key: ${parsed.claims.iss ?? ''}` };
    }
    const problem = verifyJwt(parsed, secret, Math.floor(this.#now() / MS_PER_SECOND));
    if (problem !== undefined) {
      return { ok: false, message: `invalid token: ${token}, error: ${problem}` };
    }
    return { ok: true, claims: parsed.claims };
  }

  // ---- RoomService ----------------------------------------------------------------------------

  #buildMethods(): Record<string, MethodHandler> {
    const admin = (room: string): Requirement => ({ grant: 'roomAdmin', room });
    return {
      CreateRoom: handler(
        CreateRoomRequest,
        () => ({ grant: 'roomCreate' }),
        (request) => this.#createRoom(request),
      ),
      ListRooms: handler(
        ListRoomsRequest,
        () => ({ grant: 'roomList' }),
        (request) =>
          new ListRoomsResponse({
            rooms: [...this.#rooms.values()]
              .filter((state) => request.names.length === 0 || request.names.includes(state.room.name))
              .map((state) => this.#roomSnapshot(state)),
          }),
      ),
      DeleteRoom: handler(
        DeleteRoomRequest,
        () => ({ grant: 'roomCreate' }),
        (request) => {
          const state = this.#requireRoom(request.room);
          for (const identity of [...state.participants.keys()]) {
            this.#disconnect(state, identity);
          }
          this.#rooms.delete(request.room);
          this.#emit('room_finished', state, undefined);
          return new DeleteRoomResponse();
        },
      ),
      UpdateRoomMetadata: handler(
        UpdateRoomMetadataRequest,
        (request) => admin(request.room),
        (request) => {
          const state = this.#requireRoom(request.room);
          state.room.metadata = request.metadata;
          return this.#roomSnapshot(state);
        },
      ),
      ListParticipants: handler(
        ListParticipantsRequest,
        (request) => admin(request.room),
        (request) => new ListParticipantsResponse({ participants: this.participants(request.room) }),
      ),
      GetParticipant: handler(
        RoomParticipantIdentity,
        (request) => admin(request.room),
        (request) => this.#requireParticipant(request.room, request.identity).participant.clone(),
      ),
      RemoveParticipant: handler(
        RoomParticipantIdentity,
        (request) => admin(request.room),
        (request) => {
          const { state } = this.#requireParticipant(request.room, request.identity);
          this.#disconnect(state, request.identity);
          return new RemoveParticipantResponse();
        },
      ),
      UpdateParticipant: handler(
        UpdateParticipantRequest,
        (request) => admin(request.room),
        (request) => this.#updateParticipant(request),
      ),
      MutePublishedTrack: handler(
        MuteRoomTrackRequest,
        (request) => admin(request.room),
        (request) => {
          this.#requireParticipant(request.room, request.identity);
          // Fake participants publish no tracks.
          throw new TwirpFailure('not_found', 'track is not found');
        },
      ),
      UpdateSubscriptions: handler(
        UpdateSubscriptionsRequest,
        (request) => admin(request.room),
        (request) => {
          this.#requireParticipant(request.room, request.identity);
          return new UpdateSubscriptionsResponse();
        },
      ),
      SendData: handler(
        SendDataRequest,
        (request) => admin(request.room),
        (request) => {
          this.#requireRoom(request.room);
          return new SendDataResponse();
        },
      ),
    };
  }

  /** An upsert: a new room gets the server defaults; an existing one takes the non-zero fields. */
  #createRoom(request: CreateRoomRequest): Room {
    if (request.name.length > MAX_NAME_LENGTH) {
      throw new TwirpFailure('invalid_argument', 'room name length exceeds limits');
    }
    const state = this.#ensureRoom(request.name);
    const room = state.room;
    if (request.emptyTimeout > 0) room.emptyTimeout = request.emptyTimeout;
    if (request.departureTimeout > 0) room.departureTimeout = request.departureTimeout;
    if (request.maxParticipants > 0) room.maxParticipants = request.maxParticipants;
    if (request.metadata !== '') room.metadata = request.metadata;
    return this.#roomSnapshot(state);
  }

  /** Permission replaces every bit; empty metadata / name = unchanged; attributes merge, "" deletes. */
  #updateParticipant(request: UpdateParticipantRequest): ParticipantInfo {
    const { participant } = this.#requireParticipant(request.room, request.identity);
    if (request.permission !== undefined) {
      participant.permission = request.permission.clone();
    }
    if (request.metadata !== '') participant.metadata = request.metadata;
    if (request.name !== '') participant.name = request.name;
    for (const [key, value] of Object.entries(request.attributes)) {
      if (value === '') {
        delete participant.attributes[key];
      } else {
        participant.attributes[key] = value;
      }
    }
    participant.version += 1;
    return participant.clone();
  }

  #ensureRoom(name: string): RoomState {
    const existing = this.#rooms.get(name);
    if (existing !== undefined) {
      return existing;
    }
    const nowMs = this.#now();
    const state: RoomState = {
      room: new Room({
        sid: newSid('RM_'),
        name,
        emptyTimeout: DEFAULT_EMPTY_TIMEOUT_SECONDS,
        departureTimeout: DEFAULT_DEPARTURE_TIMEOUT_SECONDS,
        creationTime: BigInt(Math.floor(nowMs / MS_PER_SECOND)),
        creationTimeMs: BigInt(nowMs),
        enabledCodecs: DEFAULT_ENABLED_CODECS.map((mime) => new Codec({ mime })),
      }),
      participants: new Map(),
    };
    this.#rooms.set(name, state);
    this.#emit('room_started', state, undefined);
    return state;
  }

  #requireRoom(name: string): RoomState {
    const state = this.#rooms.get(name);
    if (state === undefined) {
      throw new TwirpFailure('not_found', ROOM_NOT_FOUND_MESSAGE);
    }
    return state;
  }

  #requireParticipant(room: string, identity: string): { state: RoomState; participant: ParticipantInfo } {
    const state = this.#rooms.get(room);
    const participant = state?.participants.get(identity);
    if (state === undefined || participant === undefined) {
      throw new TwirpFailure('not_found', PARTICIPANT_NOT_FOUND_MESSAGE);
    }
    return { state, participant };
  }

  #disconnect(state: RoomState, identity: string): void {
    const participant = state.participants.get(identity);
    if (participant === undefined) {
      return;
    }
    state.participants.delete(identity);
    participant.state = ParticipantInfo_State.DISCONNECTED;
    this.#emit('participant_left', state, participant);
  }

  #roomSnapshot(state: RoomState): Room {
    const room = state.room.clone();
    room.numParticipants = [...state.participants.values()].filter(
      (p) => p.permission?.hidden !== true,
    ).length;
    room.numPublishers = [...state.participants.values()].filter((p) => p.isPublisher).length;
    return room;
  }

  // ---- Webhooks -------------------------------------------------------------------------------

  /** Queued in order, like the server's per-room queue; the snapshot is taken now. */
  #emit(event: WebhookEventName, state: RoomState, participant: ParticipantInfo | undefined): void {
    const url = this.#webhookUrl;
    if (url === undefined) {
      return;
    }
    const sender = webhookSender({ url, apiKey: this.apiKey, apiSecret: this.apiSecret, now: this.#now });
    const prepared = sender.prepare({
      event,
      room: this.#roomSnapshot(state),
      ...(participant === undefined ? {} : { participant: participant.clone() }),
    });
    const record: WebhookDeliveryRecord = {
      event,
      room: state.room.name,
      identity: participant?.identity,
      response: undefined,
      error: undefined,
    };
    this.#deliveries.push(record);
    this.#webhookQueue = this.#webhookQueue.then(async () => {
      try {
        record.response = await sender.deliver(prepared);
      } catch (error) {
        record.error = error;
      }
    });
  }
}

/**
 * Go protojson with `UseProtoNames` and `EmitUnpopulated`, as the Twirp server writes: snake_case,
 * every field present, unset sub-messages as `null` (protobuf-es leaves those out).
 */
function twirpJson(message: Reply): unknown {
  const json = message.toJson({ useProtoFieldName: true, emitDefaultValues: true });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return json;
  }
  const out: Record<string, unknown> = { ...json };
  for (const field of message.getType().fields.list()) {
    // Unset oneof members stay absent in protojson; well-known types have their own JSON form.
    if (field.kind !== 'message' || field.oneof !== undefined || isWellKnownType(field.T)) {
      continue;
    }
    const value: unknown = Reflect.get(message, field.localName);
    if (field.repeated && Array.isArray(value)) {
      out[field.name] = value.map((item: unknown) => (isMessage(item) ? twirpJson(item) : item));
    } else if (value === undefined) {
      out[field.name] = null;
    } else if (isMessage(value)) {
      out[field.name] = twirpJson(value);
    }
  }
  return out;
}

function isWellKnownType(type: unknown): boolean {
  return (
    typeof type === 'object' &&
    type !== null &&
    'typeName' in type &&
    String(type.typeName).startsWith('google.protobuf.')
  );
}

function isMessage(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && 'getType' in value && 'toJson' in value;
}

function handler<Request extends Reply>(
  type: {
    fromJson(json: Parameters<typeof Room.fromJson>[0], options: { ignoreUnknownFields: boolean }): Request;
    fromBinary(bytes: Uint8Array): Request;
  },
  requirement: (request: Request) => Requirement,
  run: (request: Request) => Reply,
): MethodHandler {
  return (body, format) => {
    const request =
      format === 'json'
        ? type.fromJson(JSON.parse(body.length === 0 ? '{}' : body.toString('utf8')), {
            ignoreUnknownFields: true,
          })
        : type.fromBinary(new Uint8Array(body));
    return { request, requirement: requirement(request), run: () => run(request) };
  };
}

/** livekit/protocol `auth` `EnsureCreatePermission` / `EnsureListPermission` / `EnsureAdminPermission`. */
function hasGrant(claims: TokenClaims | undefined, requirement: Requirement): boolean {
  const video = claims?.video;
  if (video === undefined) {
    return false;
  }
  switch (requirement.grant) {
    case 'roomCreate':
      return video.roomCreate === true;
    case 'roomList':
      return video.roomList === true;
    case 'roomAdmin':
      return video.roomAdmin === true && video.room === requirement.room;
  }
}

type ParsedJwt = { signingInput: string; signature: Buffer; alg: string; claims: TokenClaims };

/** Decodes without verifying, as the server does to find the key (`iss`). */
function parseJwt(token: string): ParsedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return undefined;
  }
  const [header = '', payload = '', signature = ''] = parts;
  try {
    const headerJson = JwtHeaderSchema.safeParse(
      JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    );
    const claims = ClaimsSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!headerJson.success || !claims.success) {
      return undefined;
    }
    return {
      signingInput: `${header}.${payload}`,
      signature: Buffer.from(signature, 'base64url'),
      alg: headerJson.data.alg,
      claims: claims.data,
    };
  } catch {
    return undefined;
  }
}

/** Returns what is wrong, or undefined. HS256 only; `exp` required; 60 s leeway. */
function verifyJwt(jwt: ParsedJwt, secret: string, nowSeconds: number): string | undefined {
  if (jwt.alg !== 'HS256') {
    return `unexpected signature algorithm "${jwt.alg}"`;
  }
  const expected = createHmac('sha256', secret).update(jwt.signingInput).digest();
  if (expected.length !== jwt.signature.length || !timingSafeEqual(expected, jwt.signature)) {
    return 'go-jose/go-jose: error in cryptographic primitive';
  }
  const { exp, nbf, iat } = jwt.claims;
  if (exp === undefined) {
    return 'exp claim is required';
  }
  if (nowSeconds - JWT_LEEWAY_SECONDS > exp) {
    return 'go-jose/go-jose/jwt: validation failed, token is expired (exp)';
  }
  if (nbf !== undefined && nowSeconds + JWT_LEEWAY_SECONDS < nbf) {
    return 'go-jose/go-jose/jwt: validation failed, token not valid yet (nbf)';
  }
  if (iat !== undefined && nowSeconds + JWT_LEEWAY_SECONDS < iat) {
    return 'go-jose/go-jose/jwt: validation field, token issued in the future (iat)';
  }
  return undefined;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJsonOrUndefined(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Twirp's error body; the SDK parses it only when the content type is exactly `application/json`. */
function writeTwirpError(response: ServerResponse, code: TwirpCode, msg: string): number {
  return writeJson(response, TWIRP_STATUS[code], { code, msg });
}

function writeJson(response: ServerResponse, status: number, value: unknown): number {
  const payload = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
  return status;
}

/** Go's `http.Error`. */
function writeText(response: ServerResponse, status: number, text: string): number {
  const payload = `${text}\n`;
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
  return status;
}
