import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ClientPolicy } from '../clients/clientPolicy.js';
import { clientIpKeyOf } from './middleware/clientIpKey.js';

/**
 * Unfinished requests one connection may have; one more closes it. Browsers and HTTP clients do
 * not pipeline (one at a time per connection), so only a client that sends without waiting meets it.
 */
export const HTTP_MAX_PIPELINED_REQUESTS = 16;
/** A response the client has not read for this long (its socket still full) closes the connection. */
export const HTTP_STALLED_RESPONSE_MS = 10_000;
/**
 * After one of its connections was closed for pipelining, an address's new connections are refused
 * on arrival for this long: a flood that reconnects at once would otherwise make the server parse a
 * socket buffer of requests (~1,000 in 64 KiB) for every connection it opens.
 */
export const HTTP_PIPELINING_COOLDOWN_MS = 10_000;
/** Addresses remembered in cooldown at most; past it the oldest are forgotten first. */
const MAX_COOLDOWN_ADDRESSES = 10_000;
/** What a client told to slow down waits before trying again. */
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/** Why the guard refused a connection or a request, or closed a connection (a metric label). */
export const GuardRefusal = {
  /** The server holds `maxConnections` already (the socket is dropped before it is set up). */
  Connections: 'connections',
  /** This address holds `maxConnectionsPerIp` already (closed as it is accepted). */
  ConnectionsPerIp: 'connections_per_ip',
  /** This client has `maxInFlightPerIp` requests in progress (answered 429). */
  InFlightPerIp: 'in_flight_per_ip',
  /** More than `maxPipelined` unfinished requests on one connection (closed). */
  Pipelined: 'pipelined',
  /** A response unread past `stalledResponseMs` (closed). */
  Stalled: 'stalled',
  /** A connection of an address in its cooldown after pipelining (closed as it is accepted). */
  Cooldown: 'cooldown',
} as const;
export type GuardRefusal = (typeof GuardRefusal)[keyof typeof GuardRefusal];

export interface HttpConnectionLimits {
  /** Connections open at once from everyone (WebSockets included: each holds a file descriptor). */
  maxConnections: number;
  /** Connections open at once from one address; not applied to trusted proxies (see TRUST_PROXY). */
  maxConnectionsPerIp: number;
  /** Requests of one client (as TRUST_PROXY names it) in progress at once. */
  maxInFlightPerIp: number;
  maxPipelined?: number;
  stalledResponseMs?: number;
  pipeliningCooldownMs?: number;
  now?: () => number;
}

export interface HttpConnectionGuardOptions extends HttpConnectionLimits {
  /** The client address policy shared with the API and the WebSocket gateway. */
  clients: Pick<ClientPolicy, 'clientIp' | 'trust'>;
  /** Called for each refusal (counted in a metric by the caller). */
  onRefused?: (reason: GuardRefusal) => void;
}

interface Connection {
  readonly socket: Socket;
  /** Key of the per-address count; `undefined` for a trusted proxy's connection (not capped). */
  readonly address: string | undefined;
  /** Responses not finished yet, each with the client key it counts against (none: a 429). */
  readonly unfinished: Map<ServerResponse, string | undefined>;
  /** Armed while a response waits for the client to read (reading from it is paused meanwhile). */
  stall: NodeJS.Timeout | undefined;
  /** Pauses the socket again when something resumes it while stalled. */
  readonly repause: () => void;
  /** Closed by the guard: whatever else it had sent is ignored. */
  condemned: boolean;
}

/**
 * Bounds what one connection and one client can make the HTTP server hold, so one address cannot
 * stall the service for everyone (a client pipelining requests on 300 sockets without reading the
 * answers grew the server by 270–470 MB and kept it busy for 40 s after it left):
 * - connections: at most `maxConnections` in all (Node drops the socket before setting it up) and
 *   `maxConnectionsPerIp` per address (closed as it is accepted, before Node makes a Socket of it:
 *   no bytes are read or written, the client sees a reset; cheaper and surer than a 503 it may never
 *   read);
 * - per connection: a response the client does not read pauses reading from it (Node would go on
 *   parsing and running pipelined requests), and closes it if still unread after
 *   `stalledResponseMs`; more than `maxPipelined` unfinished requests close it, the rest of what
 *   it sent never reaches the app, and its address's new connections are refused on arrival for
 *   `pipeliningCooldownMs` (not a trusted proxy's: it speaks for many clients);
 * - per client: more than `maxInFlightPerIp` requests in progress get 429 with Retry-After, before
 *   routing, logging or body parsing.
 * Closing a connection releases everything it held at once. WebSocket upgrades pass untouched
 * (their sockets count as connections).
 */
export class HttpConnectionGuard {
  readonly #options: HttpConnectionGuardOptions;
  readonly #maxPipelined: number;
  readonly #stalledResponseMs: number;
  readonly #connections = new WeakMap<Socket, Connection>();
  readonly #perAddress = new Map<string, number>();
  readonly #inFlight = new Map<string, number>();
  /** Address → when its cooldown ends (ms), oldest first. */
  readonly #cooldowns = new Map<string, number>();
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #open = 0;

  constructor(options: HttpConnectionGuardOptions) {
    this.#options = options;
    this.#maxPipelined = options.maxPipelined ?? HTTP_MAX_PIPELINED_REQUESTS;
    this.#stalledResponseMs = options.stalledResponseMs ?? HTTP_STALLED_RESPONSE_MS;
    this.#cooldownMs = options.pipeliningCooldownMs ?? HTTP_PIPELINING_COOLDOWN_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Connections open now (HTTP and WebSocket). */
  get connections(): number {
    return this.#open;
  }

  /** Requests in progress now, all clients together. */
  get inFlight(): number {
    let total = 0;
    for (const count of this.#inFlight.values()) total += count;
    return total;
  }

  /** Installs the connection caps on `server` (whose request listener is `handle(...)`). */
  attach(server: Server): void {
    // Node closes sockets past it before making a Socket of them, and says so with 'drop'.
    server.maxConnections = this.#options.maxConnections;
    server.on('drop', () => this.#options.onRefused?.(GuardRefusal.Connections));
    // Refused connections are closed as they are accepted, before Node makes a Socket of them.
    server.on('listening', () => this.#refuseOnAccept(server));
    // Before Node's own listener, which sets up a parser for the socket.
    server.prependListener('connection', (socket: Socket) => this.#connected(socket));
    server.prependListener('upgrade', (req: IncomingMessage) => this.#upgraded(req.socket));
  }

  /** The request listener: the guard's checks, then `next` for the requests it lets through. */
  handle(next: RequestListener): RequestListener {
    return (req, res) => {
      if (this.#admit(req, res)) next(req, res);
    };
  }

  /**
   * Wraps the listening handle's accept callback so that a connection the guard refuses on arrival
   * is closed there, as Node closes those past `maxConnections`: no Socket, stream state or
   * listeners are made for it. A flood reconnecting at once (~3,600–5,000 connections a second, all
   * refused during its cooldown) otherwise had a Socket made and destroyed for each, and V8 promotes
   * those to the old generation (~2 KB each, their handle holds them until closed): +100–200 MB of
   * garbage between major GCs. This reaches into Node's internals (`server._handle.onconnection`,
   * `getpeername`); where they are not as expected the 'connection' listener refuses instead.
   */
  #refuseOnAccept(server: Server): void {
    const handle = (server as unknown as { _handle?: { onconnection?: unknown } | null })._handle;
    const accept = handle?.onconnection;
    if (handle === undefined || handle === null || typeof accept !== 'function') return;
    handle.onconnection = (error: unknown, client?: AcceptedHandle) => {
      if (error === 0 && client !== undefined && typeof client.getpeername === 'function') {
        const peer: { address?: string } = {};
        client.getpeername(peer);
        const reason = peer.address === undefined ? undefined : this.#refusal(this.#addressKey(peer.address));
        if (reason !== undefined) {
          client.close();
          this.#options.onRefused?.(reason);
          return;
        }
      }
      (accept as (error: unknown, client?: AcceptedHandle) => void).call(handle, error, client);
    };
  }

  /** The per-address count's key of `remote`, `undefined` for a trusted proxy (not capped). */
  #addressKey(remote: string): string | undefined {
    return this.#options.clients.trust(remote, 0) ? undefined : clientIpKeyOf(remote);
  }

  /** Why a new connection from `address` is refused on arrival, if it is. */
  #refusal(address: string | undefined): GuardRefusal | undefined {
    if (address === undefined) return undefined;
    if (this.#coolingDown(address)) return GuardRefusal.Cooldown;
    if ((this.#perAddress.get(address) ?? 0) >= this.#options.maxConnectionsPerIp)
      return GuardRefusal.ConnectionsPerIp;
    return undefined;
  }

  #connected(socket: Socket): void {
    const remote = socket.remoteAddress;
    if (remote === undefined) {
      // Already gone (reset before it was accepted).
      socket.destroy();
      return;
    }
    const address = this.#addressKey(remote);
    const reason = this.#refusal(address);
    if (reason !== undefined) {
      socket.destroy();
      this.#options.onRefused?.(reason);
      return;
    }
    if (address !== undefined) this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
    const conn: Connection = {
      socket,
      address,
      unfinished: new Map(),
      stall: undefined,
      repause: () => socket.pause(),
      condemned: false,
    };
    this.#connections.set(socket, conn);
    this.#open++;
    socket.once('close', () => this.#closed(conn));
    socket.on('drain', () => this.#drained(conn));
  }

  #admit(req: IncomingMessage, res: ServerResponse): boolean {
    const conn = this.#connections.get(req.socket);
    // Node parses all of a chunk's pipelined requests even after the socket is destroyed.
    if (conn === undefined || conn.condemned) return false;
    if (conn.unfinished.size >= this.#maxPipelined) {
      this.#condemn(conn, GuardRefusal.Pipelined);
      if (conn.address !== undefined) this.#coolDown(conn.address);
      return false;
    }
    const client = clientIpKeyOf(this.#options.clients.clientIp(req));
    const inFlight = this.#inFlight.get(client) ?? 0;
    const admitted = inFlight < this.#options.maxInFlightPerIp;
    if (admitted) this.#inFlight.set(client, inFlight + 1);
    conn.unfinished.set(res, admitted ? client : undefined);
    res.once('finish', () => this.#finished(conn, res));
    res.once('prefinish', () => {
      // The whole response is with the socket now: if it could not take it, stop reading from the
      // client until it reads (Node checks only when the next request arrives, after parsing it).
      if (conn.socket.writableNeedDrain) this.#pause(conn);
    });
    if (!admitted) {
      this.#options.onRefused?.(GuardRefusal.InFlightPerIp);
      res.writeHead(429, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': TOO_MANY_IN_FLIGHT_BODY.length,
        'retry-after': String(IN_FLIGHT_RETRY_AFTER_SECONDS),
      });
      res.end(TOO_MANY_IN_FLIGHT_BODY);
    }
    return admitted;
  }

  #pause(conn: Connection): void {
    if (conn.stall !== undefined || conn.condemned) return;
    // Node resumes the socket whenever a request is read or answered; this listener, added after
    // Node's own (which starts reading on 'resume'), stops it again.
    conn.socket.on('resume', conn.repause);
    conn.socket.pause();
    conn.stall = setTimeout(() => this.#condemn(conn, GuardRefusal.Stalled), this.#stalledResponseMs);
    conn.stall.unref();
  }

  #drained(conn: Connection): void {
    if (conn.stall === undefined) return;
    clearTimeout(conn.stall);
    conn.stall = undefined;
    conn.socket.off('resume', conn.repause);
    // Node keeps its own pause (it re-pauses on 'resume') while its queued responses are too large.
    conn.socket.resume();
  }

  /** A WebSocket now: its frames are the gateway's business, not a response to wait for. */
  #upgraded(socket: Socket): void {
    const conn = this.#connections.get(socket);
    if (conn?.stall === undefined) return;
    clearTimeout(conn.stall);
    conn.stall = undefined;
    conn.socket.off('resume', conn.repause);
  }

  #finished(conn: Connection, res: ServerResponse): void {
    const client = conn.unfinished.get(res);
    if (conn.unfinished.delete(res) && client !== undefined) this.#release(client);
  }

  #condemn(conn: Connection, reason: GuardRefusal): void {
    if (conn.condemned) return;
    conn.condemned = true;
    this.#options.onRefused?.(reason);
    stopParsing(conn.socket);
    conn.socket.destroy();
  }

  #closed(conn: Connection): void {
    clearTimeout(conn.stall);
    conn.stall = undefined;
    conn.condemned = true;
    for (const client of conn.unfinished.values()) if (client !== undefined) this.#release(client);
    conn.unfinished.clear();
    this.#open--;
    if (conn.address !== undefined) decrement(this.#perAddress, conn.address);
  }

  #coolingDown(address: string): boolean {
    const until = this.#cooldowns.get(address);
    if (until === undefined) return false;
    if (until > this.#now()) return true;
    this.#cooldowns.delete(address);
    return false;
  }

  #coolDown(address: string): void {
    // Re-inserted, so the map stays ordered by when each cooldown ends.
    this.#cooldowns.delete(address);
    if (this.#cooldowns.size >= MAX_COOLDOWN_ADDRESSES) {
      const oldest = this.#cooldowns.keys().next();
      if (!oldest.done) this.#cooldowns.delete(oldest.value);
    }
    this.#cooldowns.set(address, this.#now() + this.#cooldownMs);
  }

  #release(client: string): void {
    decrement(this.#inFlight, client);
  }
}

/** A connection Node's listening handle accepted, before it is made a Socket. */
interface AcceptedHandle {
  getpeername?: (out: { address?: string }) => number;
  close(): void;
}

const TOO_MANY_IN_FLIGHT_BODY = Buffer.from(
  JSON.stringify({
    error: {
      code: 'RATE_LIMIT_EXCEEDED',
      message: 'Too many requests in progress from this address; retry shortly',
    },
  }),
);

/** What Node's HTTP parser takes from `onIncoming` as "the rest is another protocol": stop parsing. */
const LLHTTP_SKIP_REST = 2;
const skipRest = () => LLHTTP_SKIP_REST;

/**
 * Makes the socket's HTTP parser stop after the request it is at, instead of going through the rest
 * of what it read (64 KiB holds ~1,000 pipelined GETs, each of which Node would turn into a request
 * and a response before we could ignore it: that, for every connection of a flood, was what kept
 * the server busy). The next request's headers hand the parser the answer an upgrade gets, so it
 * stops there and drops the rest of the buffer; the socket is being destroyed anyway. This reaches
 * into Node's internals (`socket.parser.onIncoming`, reset for the parser's next connection); where
 * they are not as expected it does nothing and the requests are only ignored.
 */
function stopParsing(socket: Socket): void {
  const parser = (socket as { parser?: { onIncoming?: unknown } }).parser;
  if (parser !== undefined && parser !== null && typeof parser.onIncoming === 'function')
    parser.onIncoming = skipRest;
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left <= 0) counts.delete(key);
  else counts.set(key, left);
}
