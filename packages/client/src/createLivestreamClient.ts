import type { CoHostMedia, RoomDetail, RoomsPage, RoomsQuery, TokenResponse, TokenRole } from './apiTypes.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, HttpApi } from './HttpApi.js';
import { LivestreamApiError } from './LivestreamApiError.js';
import {
  type AuthFrameFactory,
  RealtimeConnection,
  type RealtimeConnectionOptions,
} from './RealtimeConnection.js';
import { authMessage, roomMessage, type SessionCredentials, type Signer } from './signers.js';
import { type FetchLike, globalFetch, globalWebSocket, type WebSocketConstructor } from './transport.js';

export interface LivestreamClientOptions {
  /** `http(s)://host:port` of the backend. */
  baseUrl: string;
  /** Signs each token call and WebSocket sign-in (keyring pair or extension, see `keyringSigner`). */
  signer?: Signer;
  /** A sign-in session: Bearer access tokens instead of a signature per call. */
  session?: SessionCredentials;
  /** Where there is no global `fetch`. */
  fetch?: FetchLike;
  /** Where there is no global `WebSocket` (Node < 22: pass `ws`'s). */
  WebSocket?: WebSocketConstructor;
  requestTimeoutMs?: number;
}

export type RealtimeOptions = Omit<RealtimeConnectionOptions, 'url' | 'WebSocket' | 'auth' | 'retryAuth'> & {
  /** Sign in on the socket (default: when the client has a signer or session). */
  authenticate?: boolean;
};

export interface LivestreamClient {
  /** The signer's or session's address, when the client has one. */
  readonly address: string | undefined;
  rooms(query?: RoomsQuery): Promise<RoomsPage>;
  room(roomId: number): Promise<RoomDetail>;
  publisherToken(roomId: number): Promise<TokenResponse>;
  viewerToken(roomId: number): Promise<TokenResponse>;
  coHostToken(roomId: number, media?: CoHostMedia): Promise<TokenResponse>;
  /** Tells the backend the viewer left (viewer counts without LiveKit webhooks). */
  viewerLeave(roomId: number): Promise<void>;
  /** A token for `role` (what the LiveKit token source calls). */
  token(role: TokenRole, roomId: number, media?: CoHostMedia): Promise<TokenResponse>;
  /** Opens a realtime connection that reconnects, re-joins and resumes by itself. */
  connect(options?: RealtimeOptions): RealtimeConnection;
}

const UNAUTHORIZED_STATUS = 401;

const TOKEN_PATHS: Record<TokenRole, string> = {
  publisher: '/publisher-token',
  viewer: '/viewer-token',
  'co-host': '/co-host-token',
};

/** The backend's HTTP API and realtime connection, typed; signs what needs signing. */
export function createLivestreamClient(options: LivestreamClientOptions): LivestreamClient {
  const fetchImpl = options.fetch ?? globalFetch();
  if (!fetchImpl) throw new TypeError('no global fetch: pass options.fetch');
  const http = new HttpApi({
    baseUrl: options.baseUrl,
    fetch: fetchImpl,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
  const { signer, session } = options;
  const clock = new MonotonicClock();

  /** The body fields and headers that prove who calls, for `roomId`. */
  const credentials = async (roomId: number): Promise<{ body: object; headers: Record<string, string> }> => {
    if (session) {
      return { body: {}, headers: { authorization: `Bearer ${await session.accessToken()}` } };
    }
    if (!signer) {
      throw new LivestreamApiError('UNAUTHORIZED', 'this call needs a signer or a session');
    }
    const timestamp = clock.next();
    const signature = await signer.signText(roomMessage(roomId, timestamp));
    return { body: { address: signer.address, signature, timestamp }, headers: {} };
  };

  const signedPost = async <T>(path: string, roomId: number, extra: object = {}): Promise<T> => {
    const proof = await credentials(roomId);
    try {
      return await http.post<T>(path, { roomId, ...proof.body, ...extra }, proof.headers);
    } catch (error) {
      // The server refused the access token (expired early, a clock apart): refresh once, try again.
      if (
        !(session?.refresh && error instanceof LivestreamApiError && error.status === UNAUTHORIZED_STATUS)
      ) {
        throw error;
      }
      const headers = { authorization: `Bearer ${await session.refresh()}` };
      return http.post<T>(path, { roomId, ...extra }, headers);
    }
  };

  const token = (role: TokenRole, roomId: number, media?: CoHostMedia) =>
    signedPost<TokenResponse>(TOKEN_PATHS[role], roomId, role === 'co-host' && media ? { type: media } : {});

  const authFrame: AuthFrameFactory | undefined = session
    ? async () => ({ type: 'auth', token: await session.accessToken() })
    : signer
      ? async () => {
          const timestamp = clock.next();
          const signature = await signer.signText(authMessage(timestamp));
          return { type: 'auth', address: signer.address, signature, timestamp };
        }
      : undefined;

  return {
    address: session?.address ?? signer?.address,
    rooms: (query = {}) => http.get<RoomsPage>('/rooms', { ...query }),
    room: (roomId) => http.get<RoomDetail>(`/room/${encodeURIComponent(String(roomId))}`),
    publisherToken: (roomId) => token('publisher', roomId),
    viewerToken: (roomId) => token('viewer', roomId),
    coHostToken: (roomId, media) => token('co-host', roomId, media),
    viewerLeave: async (roomId) => {
      await signedPost<{ success: true }>('/viewer-leave', roomId);
    },
    token,
    connect: (realtime = {}) => {
      const WebSocketImpl = options.WebSocket ?? globalWebSocket();
      if (!WebSocketImpl) throw new TypeError('no global WebSocket: pass options.WebSocket');
      const { authenticate = true, ...rest } = realtime;
      return new RealtimeConnection({
        ...rest,
        url: realtimeUrl(options.baseUrl),
        WebSocket: WebSocketImpl,
        ...(authenticate && authFrame ? { auth: authFrame } : {}),
        ...(authenticate && session?.refresh ? { retryAuth: retryAuthFrame(session) } : {}),
      });
    },
  };
}

/** The `auth` frame with a refreshed access token, for when the server refused the current one. */
function retryAuthFrame(session: SessionCredentials): AuthFrameFactory {
  return async () => ({ type: 'auth', token: await (session.refresh?.() ?? session.accessToken()) });
}

/**
 * `http://host/…` → `ws://host/…/ws`. By hand rather than with `URL`, whose React Native version
 * cannot set `protocol` or `pathname`.
 */
export function realtimeUrl(baseUrl: string): string {
  const match = /^(https?):\/\/([^/?#]+)([^?#]*)/i.exec(baseUrl.trim());
  if (!match) throw new TypeError(`baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`);
  const [, scheme = '', host = '', path = ''] = match;
  return `${scheme.toLowerCase() === 'https' ? 'wss' : 'ws'}://${host}${path.replace(/\/+$/, '')}/ws`;
}

/**
 * Milliseconds since the epoch, strictly increasing: the server accepts each signed text once, so
 * two calls in the same millisecond must not sign the same text.
 */
class MonotonicClock {
  #last = 0;

  next(): number {
    this.#last = Math.max(Date.now(), this.#last + 1);
    return this.#last;
  }
}
