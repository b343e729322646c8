import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ipKeyGenerator } from 'express-rate-limit';
import type { ClientPolicy } from '../clients/clientPolicy.js';
import { IPV6_SUBNET_PREFIX_BITS } from './middleware/rateLimits.js';

/**
 * Unfinished requests one connection may have; one more closes it. Browsers and HTTP clients do
 * not pipeline (one at a time per connection), so only a client that sends without waiting meets it.
 */
export const HTTP_MAX_PIPELINED_REQUESTS = 16;
/** A response the client has not read for this long (its socket still full) closes the connection. */
export const HTTP_STALLED_RESPONSE_MS = 10_000;
/** What a client told to slow down waits before trying again. */
const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/** Why the guard refused a connection or a request, or closed a connection (a metric label). */
export const GuardRefusal = {
  /** The server holds `maxConnections` already (the socket is dropped before it is set up). */
  Connections: 'connections',
  /** This address holds `maxConnectionsPerIp` already (the socket is destroyed at once). */
  ConnectionsPerIp: 'connections_per_ip',
  /** This client has `maxInFlightPerIp` requests in progress (answered 429). */
  InFlightPerIp: 'in_flight_per_ip',
  /** More than `maxPipelined` unfinished requests on one connection (closed). */
  Pipelined: 'pipelined',
  /** A response unread past `stalledResponseMs` (closed). */
  Stalled: 'stalled',
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
 *   `maxConnectionsPerIp` per address (destroyed on arrival: no bytes are read or written, the
 *   client sees a reset; cheaper and surer than a 503 it may never read);
 * - per connection: a response the client does not read pauses reading from it (Node would go on
 *   parsing and running pipelined requests), and closes it if still unread after
 *   `stalledResponseMs`; more than `maxPipelined` unfinished requests close it, and the rest of what
 *   it sent never reaches the app;
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
  #open = 0;

  constructor(options: HttpConnectionGuardOptions) {
    this.#options = options;
    this.#maxPipelined = options.maxPipelined ?? HTTP_MAX_PIPELINED_REQUESTS;
    this.#stalledResponseMs = options.stalledResponseMs ?? HTTP_STALLED_RESPONSE_MS;
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

  #connected(socket: Socket): void {
    const remote = socket.remoteAddress;
    if (remote === undefined) {
      // Already gone (reset before it was accepted).
      socket.destroy();
      return;
    }
    const address = this.#options.clients.trust(remote, 0) ? undefined : clientKey(remote);
    if (address !== undefined) {
      const count = (this.#perAddress.get(address) ?? 0) + 1;
      if (count > this.#options.maxConnectionsPerIp) {
        socket.destroy();
        this.#options.onRefused?.(GuardRefusal.ConnectionsPerIp);
        return;
      }
      this.#perAddress.set(address, count);
    }
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
      return false;
    }
    const client = clientKey(this.#options.clients.clientIp(req));
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

  #release(client: string): void {
    decrement(this.#inFlight, client);
  }
}

const TOO_MANY_IN_FLIGHT_BODY = Buffer.from(
  JSON.stringify({
    error: {
      code: 'RATE_LIMIT_EXCEEDED',
      message: 'Too many requests in progress from this address; retry shortly',
    },
  }),
);

/** As the rate limits key clients: IPv6 by its /56, IPv4-mapped IPv6 as IPv4. */
function clientKey(ip: string): string {
  return ipKeyGenerator(ip, IPV6_SUBNET_PREFIX_BITS);
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left <= 0) counts.delete(key);
  else counts.set(key, left);
}
