import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ParticipantInfo, type Room, TrackSource } from '@livekit/protocol';
import { FakeRoomStore, type JoinOptions, ROOM_NOT_FOUND_MESSAGE } from './fakeLiveKit/FakeRoomStore.js';
import { JoinRefused } from './fakeLiveKit/JoinRefused.js';
import {
  type DecodedCall,
  hasGrant,
  type MethodHandler,
  roomServiceMethods,
} from './fakeLiveKit/roomServiceMethods.js';
import { TwirpFailure } from './fakeLiveKit/TwirpFailure.js';
import {
  headerValue,
  parseJsonOrUndefined,
  readBody,
  type TwirpCode,
  type TwirpMessage,
  twirpJson,
  writeJson,
  writeText,
  writeTwirpError,
} from './fakeLiveKit/twirpWire.js';
import {
  type Authentication,
  authenticateHeader,
  type TokenClaims,
  type VideoGrantClaims,
} from './fakeLiveKit/verifyLiveKitToken.js';
import { type WebhookDeliveryRecord, WebhookOutbox } from './fakeLiveKit/WebhookOutbox.js';

/*
 * A LiveKit server as the backend sees it: the RoomService Twirp API with the real server's auth
 * rules, status codes and JSON shapes (as livekit-server's Twirp handlers answer), in-memory rooms and
 * participants (`fakeLiveKit/`), joins checked as `/rtc` checks them, and webhooks for joins and leaves.
 * This file is the HTTP server and the test hooks. Not modelled: media, tracks, egress/ingress/SIP services.
 */

export { ROOM_NOT_FOUND_MESSAGE } from './fakeLiveKit/FakeRoomStore.js';
export { JoinRefused } from './fakeLiveKit/JoinRefused.js';
export type { JoinOptions, TokenClaims, TwirpCode, VideoGrantClaims, WebhookDeliveryRecord };

const HOST = '127.0.0.1';
const TWIRP_PREFIX = '/twirp/';
const ROOM_SERVICE = 'livekit.RoomService';
const MS_PER_SECOND = 1000;
const HTTP_UNAUTHORIZED = 401;
const HTTP_NOT_FOUND = 404;
export const PERMISSION_DENIED_MESSAGE = 'permissions denied';

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
   * The server's `room.auto_create` (default true, as LiveKit's). Production deployments turn it
   * off: then a join to a room that was not created through the API fails with 404.
   */
  autoCreate?: boolean;
  /**
   * Default false: every answer says `Connection: close`. A client that pooled a keep-alive socket
   * races its FIN after `stop()`/`restart()` and fails its next call about half the time, which
   * would make restart tests flaky. The real server keeps connections alive; set true to test that
   * race on purpose.
   */
  keepAlive?: boolean;
};

/** A faithful in-memory LiveKit server for tests. */
export class FakeLiveKitServer {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly #secrets: Map<string, string>;
  readonly #now: () => number;
  readonly #store: FakeRoomStore;
  readonly #webhooks: WebhookOutbox;
  readonly #calls: RecordedCall[] = [];
  readonly #failures: FakeFailure[] = [];
  readonly #methods: Record<string, MethodHandler>;
  readonly #keepAlive: boolean;
  autoCreate: boolean;
  #stallsLeft = 0;
  #port: number;
  #server: Server | undefined;

  constructor(options: FakeLiveKitServerOptions = {}) {
    this.apiKey = options.apiKey ?? 'devkey';
    this.apiSecret = options.apiSecret ?? 'secret';
    this.#secrets = new Map([[this.apiKey, this.apiSecret], ...Object.entries(options.extraKeys ?? {})]);
    this.#port = options.port ?? 0;
    this.#now = options.now ?? Date.now;
    this.#keepAlive = options.keepAlive ?? false;
    this.autoCreate = options.autoCreate ?? true;
    this.#webhooks = new WebhookOutbox({
      apiKey: this.apiKey,
      apiSecret: this.apiSecret,
      now: this.#now,
      url: options.webhookUrl,
    });
    this.#store = new FakeRoomStore({
      now: this.#now,
      onEvent: (event, room, participant) => this.#webhooks.emit(event, room, participant),
    });
    this.#methods = roomServiceMethods(this.#store);
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
      this.#store.clear();
    }
    await this.start();
  }

  /** Forgets rooms, participants, recorded calls, webhook records and pending failures. */
  reset(): void {
    this.#store.clear();
    this.#calls.length = 0;
    this.#failures.length = 0;
    this.#webhooks.clear();
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
    this.#webhooks.url = url;
  }

  get webhookUrl(): string | undefined {
    return this.#webhooks.url;
  }

  get webhookDeliveries(): readonly WebhookDeliveryRecord[] {
    return this.#webhooks.deliveries;
  }

  /** Resolves once every webhook queued so far has been delivered (or has failed). */
  webhooksSettled(): Promise<void> {
    return this.#webhooks.settled();
  }

  rooms(): Room[] {
    return this.#store.rooms();
  }

  room(name: string): Room | undefined {
    return this.#store.room(name);
  }

  participants(room: string): ParticipantInfo[] {
    return this.#store.participants(room);
  }

  participant(room: string, identity: string): ParticipantInfo | undefined {
    return this.#store.participant(room, identity);
  }

  /**
   * A participant connects. A room that does not exist is created when `autoCreate` is on and
   * refused with 404 (`JoinRefused`) when it is off, as livekit/livekit `pkg/service/rtcservice.go`
   * does. An identity already in the room is replaced. Resolves after the webhooks.
   */
  async join(room: string, identity: string, options: JoinOptions = {}): Promise<ParticipantInfo> {
    if (!this.autoCreate && !this.#store.has(room)) {
      throw new JoinRefused(HTTP_NOT_FOUND, ROOM_NOT_FOUND_MESSAGE);
    }
    const participant = this.#store.join(room, identity, options);
    await this.webhooksSettled();
    return participant;
  }

  /**
   * Joins with a join token, checked as the server's `/rtc` endpoint does: valid signature and
   * times, `roomJoin`, a room and an identity; permissions from the grant with the server defaults.
   */
  async joinWithToken(token: string): Promise<ParticipantInfo> {
    const auth = this.#authenticate(`Bearer ${token}`);
    if (!auth.ok) {
      throw new JoinRefused(HTTP_UNAUTHORIZED, auth.message);
    }
    const claims = auth.claims;
    const video = claims?.video;
    if (video?.roomJoin !== true || video.room === undefined || video.room === '') {
      throw new JoinRefused(HTTP_UNAUTHORIZED, PERMISSION_DENIED_MESSAGE);
    }
    if (claims?.sub === undefined || claims.sub === '') {
      throw new JoinRefused(HTTP_UNAUTHORIZED, 'identity cannot be empty');
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
    const left = this.#store.leave(room, identity);
    await this.webhooksSettled();
    return left;
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
    let decoded: DecodedCall;
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
    let reply: TwirpMessage;
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

  #authenticate(header: string | undefined): Authentication {
    return authenticateHeader(header, this.#secrets, Math.floor(this.#now() / MS_PER_SECOND));
  }
}
