import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { ZodError } from 'zod';
import type { Account } from '../auth/parseAccount.js';
import type { SignedMessageAuthenticator } from '../auth/SignedMessageAuthenticator.js';
import { authMessage } from '../auth/signedMessages.js';
import type { ClientPolicy } from '../clients/clientPolicy.js';
import { AppError } from '../errors/AppError.js';
import type { SessionService } from '../sessions/SessionService.js';
import { ClientConnection } from './ClientConnection.js';
import { ClientFrame, CloseCode, type WsErrorCode } from './protocol.js';
import type { RealtimeHub } from './RealtimeHub.js';
import { SignInBudget, type SignInBudgetOptions } from './SignInBudget.js';
import { frameOf } from './wsTextFrame.js';

export const WS_PATHS = ['/', '/ws'];
export const WS_MAX_PAYLOAD_BYTES = 16 * 1024;
export const WS_HEARTBEAT_MS = 30_000;
export const WS_MAX_CONNECTIONS_PER_IP = 100;
export const WS_FRAMES_PER_SECOND = 10;
export const WS_FRAME_BURST = 30;

export interface WebSocketGatewayOptions {
  hub: RealtimeHub;
  authenticator: SignedMessageAuthenticator;
  /** The same client-address and Origin policy as the HTTP API's. */
  clients: ClientPolicy;
  /** Checks `{type: "auth", token}` frames (a sign-in session's access token). */
  sessions: Pick<SessionService, 'authenticate'>;
  logger: Logger;
  heartbeatMs?: number;
  maxConnectionsPerIp?: number;
  /** Sign-in frame budgets per address and per account (defaults: SignInBudget's). */
  signIns?: SignInBudgetOptions;
  maxPayloadBytes?: number;
  frameRate?: { perSecond: number; burst: number };
}

/**
 * The WebSocket endpoint on the HTTP server's port: upgrades at `/` and `/ws` after an Origin
 * check, then frames → hub operations, with heartbeat, frame-rate and size limits.
 */
export class WebSocketGateway {
  readonly #hub: RealtimeHub;
  readonly #auth: SignedMessageAuthenticator;
  readonly #options: WebSocketGatewayOptions;
  readonly #logger: Logger;
  /** Each connection's room frames (join, leave), answered one after the other. */
  readonly #roomFrames = new WeakMap<ClientConnection, Promise<void>>();
  readonly #wss: WebSocketServer;
  readonly #perIp = new Map<string, number>();
  readonly #signIns: SignInBudget;
  #heartbeat: NodeJS.Timeout | undefined;
  #server: Server | undefined;
  readonly #onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    this.#upgrade(req, socket, head);

  constructor(options: WebSocketGatewayOptions) {
    this.#hub = options.hub;
    this.#auth = options.authenticator;
    this.#signIns = new SignInBudget(options.signIns);
    this.#options = options;
    this.#logger = options.logger.child({ module: 'ws' });
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayloadBytes ?? WS_MAX_PAYLOAD_BYTES,
      perMessageDeflate: false,
    });
  }

  attach(server: Server): void {
    this.#server = server;
    server.on('upgrade', this.#onUpgrade);
    const interval = this.#options.heartbeatMs ?? WS_HEARTBEAT_MS;
    this.#heartbeat = setInterval(() => this.#checkHeartbeats(), interval);
    this.#heartbeat.unref();
  }

  /** Stops accepting upgrades; with `frame`, tells every client first, then closes them (1001). */
  close(frame?: object): void {
    this.#server?.off('upgrade', this.#onUpgrade);
    clearInterval(this.#heartbeat);
    if (frame) this.#hub.broadcastNow(frameOf(frame));
    for (const conn of this.#hub.connections()) conn.close(CloseCode.GoingAway, 'server shutting down');
    this.#wss.close();
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!WS_PATHS.includes(path)) {
      refuse(socket, 404, 'Not Found');
    } else if (!this.#options.clients.originAllowed(req.headers.origin)) {
      refuse(socket, 403, 'Forbidden');
    } else {
      const ip = this.#options.clients.clientIp(req);
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, ip, socket));
    }
  }

  #accept(ws: WebSocket, ip: string, wire: Duplex): void {
    const conn = new ClientConnection(
      ws,
      ip,
      this.#options.frameRate ?? { perSecond: WS_FRAMES_PER_SECOND, burst: WS_FRAME_BURST },
      () => this.#hub.recordDrop(),
      wire,
    );
    const count = (this.#perIp.get(ip) ?? 0) + 1;
    this.#perIp.set(ip, count);
    ws.on('close', () => {
      conn.closed = true;
      this.#hub.remove(conn);
      const left = (this.#perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.#perIp.delete(ip);
      else this.#perIp.set(ip, left);
    });
    ws.on('error', () => ws.terminate());
    if (count > (this.#options.maxConnectionsPerIp ?? WS_MAX_CONNECTIONS_PER_IP)) {
      conn.close(CloseCode.TooManyRequests, 'too many connections from this address');
      return;
    }
    this.#hub.add(conn);
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data, isBinary) => void this.#onFrame(conn, data, isBinary));
  }

  #checkHeartbeats(): void {
    for (const conn of this.#hub.connections()) {
      if (!conn.alive) {
        conn.close(CloseCode.HeartbeatTimeout, 'heartbeat timeout');
        continue;
      }
      conn.alive = false;
      conn.socket.ping();
    }
  }

  async #onFrame(conn: ClientConnection, data: RawData, isBinary: boolean): Promise<void> {
    if (conn.closed) return;
    if (!conn.takeFrameToken()) {
      conn.close(CloseCode.TooManyRequests, 'too many frames');
      return;
    }
    conn.alive = true;
    let frame: ClientFrame;
    try {
      const json: unknown = JSON.parse(isBinary ? '' : rawText(data));
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        return this.#error(conn, 'BAD_FRAME', 'frames are JSON objects with a type');
      }
      const type = (json as { type?: unknown }).type;
      if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
        return this.#error(conn, 'UNKNOWN_TYPE', `unknown frame type ${JSON.stringify(type)?.slice(0, 40)}`);
      }
      frame = ClientFrame.parse(json);
    } catch (error) {
      if (error instanceof ZodError) {
        const issue = error.issues[0];
        return this.#error(
          conn,
          'VALIDATION_ERROR',
          `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
        );
      }
      return this.#error(conn, 'BAD_FRAME', 'frames must be JSON text');
    }
    switch (frame.type) {
      case 'ping':
        conn.send(PONG);
        return;
      case 'join-room':
        return this.#inOrder(conn, async () => {
          const error = await this.#hub.join(conn, frame.roomId, frame.since, frame.finalOnly);
          if (error) this.#error(conn, error, joinErrorMessage(error, frame.roomId));
        });
      case 'leave-room':
        return this.#inOrder(conn, async () => {
          if (!this.#hub.leave(conn, frame.roomId))
            return this.#error(conn, 'NOT_JOINED', 'not in that room');
          conn.send(frameOf({ type: 'room:left', roomId: frame.roomId }));
        });
      case 'auth': {
        // Budgets before the signature check: past them the connection is closed with a hint.
        // A session token stands for its account until verified (the check is one HMAC).
        const waitSeconds = this.#signIns.take(conn.ip, frame.address ?? frame.token ?? '');
        if (waitSeconds > 0) {
          conn.close(CloseCode.TooManyRequests, `too many sign-ins: retry after ${waitSeconds} s`);
          return;
        }
        return this.#authenticate(conn, frame);
      }
    }
  }

  /**
   * Room frames are answered in the order they came, although a join may wait for a chain read:
   * clients match answers to their joins by order.
   */
  #inOrder(conn: ClientConnection, task: () => Promise<void>): void {
    const next = (this.#roomFrames.get(conn) ?? Promise.resolve()).then(task).catch((error: unknown) => {
      this.#logger.error({ err: error }, 'room frame failed unexpectedly');
    });
    this.#roomFrames.set(conn, next);
  }

  async #authenticate(conn: ClientConnection, frame: Extract<ClientFrame, { type: 'auth' }>): Promise<void> {
    try {
      const { token, address, signature, timestamp } = frame;
      let account: Account;
      if (token !== undefined) account = await this.#options.sessions.authenticate(token);
      else if (address !== undefined && signature !== undefined && timestamp !== undefined) {
        account = await this.#auth.authenticate({
          address,
          signature,
          timestamp,
          message: authMessage(timestamp),
        });
      } else
        return this.#error(
          conn,
          'VALIDATION_ERROR',
          'send either token, or address, signature and timestamp',
        );
      if (conn.closed) return;
      this.#hub.authenticate(conn, account.address);
      conn.send(frameOf({ type: 'auth:ok', address: account.address }));
    } catch (error) {
      if (error instanceof AppError)
        return this.#error(conn, 'AUTH_FAILED', `${error.code}: ${error.message}`);
      this.#logger.error({ err: error }, 'auth failed unexpectedly');
      this.#error(conn, 'AUTH_FAILED', 'authentication failed');
    }
  }

  #error(conn: ClientConnection, code: WsErrorCode, message: string): void {
    conn.send(frameOf({ type: 'error', code, message }));
  }
}

const KNOWN_TYPES = new Set(['auth', 'join-room', 'leave-room', 'ping']);
const PONG = frameOf({ type: 'pong' });

function joinErrorMessage(code: WsErrorCode, roomId: number): string {
  switch (code) {
    case 'ROOM_NOT_FOUND':
      return `room ${roomId} does not exist`;
    case 'TOO_MANY_ROOMS':
      return 'too many rooms joined on this connection';
    case 'VIEWER_BANNED':
      return `you are kicked from room ${roomId}`;
    default:
      return 'rooms are not loaded yet; try again shortly';
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
