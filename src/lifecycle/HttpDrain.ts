import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/**
 * A connection accepted before the drain began that has sent nothing yet gets this long for its
 * first bytes (a request sent just before the signal may still be in the socket, unread).
 */
export const DRAIN_FIRST_REQUEST_GRACE_MS = 1_000;
/** Longest the listener stays open to accept connections the kernel already completed (see drain). */
export const MAX_BACKLOG_ACCEPT_MS = 1_000;
/** After the deadline's answers are written, connections get this long to flush them; then they are cut. */
export const DRAIN_FLUSH_MS = 200;

interface Connection {
  /** Requests received on it whose response has not finished. */
  active: number;
  /** Responses finished on it. */
  served: number;
  /** Taken over by a WebSocket: the gateway closes it; the deadline cuts it if that hangs. */
  upgraded: boolean;
}

export interface HttpDrainOptions {
  /** Answers a request still unanswered at the deadline (writes a complete response). */
  answerAtDeadline: (res: ServerResponse) => void;
  firstRequestGraceMs?: number;
}

/**
 * Stops an HTTP server the way a load balancer expects: stop accepting, answer every request
 * already received (each on a connection then closed), close idle connections, and at a deadline
 * answer what is left (a body still uploading, a handler still waiting) and cut every connection.
 *
 * Node's own `server.close()` also closes every connection that has no request in progress — a
 * connection accepted a moment before whose request has not been read yet among them, so that
 * request would be reset unanswered. Connections are tracked here instead.
 */
export class HttpDrain {
  readonly #server: Server;
  readonly #options: HttpDrainOptions;
  readonly #connections = new Map<Socket, Connection>();
  /** Responses of received requests that have not finished yet. */
  readonly #pending = new Set<ServerResponse>();
  #draining = false;
  /** Connections accepted so far. */
  #accepted = 0;

  constructor(server: Server, options: HttpDrainOptions) {
    this.#server = server;
    this.#options = options;
    server.on('connection', (socket: Socket) => {
      this.#accepted++;
      this.#connections.set(socket, { active: 0, served: 0, upgraded: false });
      socket.once('close', () => this.#connections.delete(socket));
    });
    // First, so a response decided during the drain closes its connection before a handler writes.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
      this.#onRequest(req, res),
    );
    server.prependListener('upgrade', (req: IncomingMessage) => {
      const connection = this.#connections.get(req.socket as Socket);
      if (connection) connection.upgraded = true;
    });
  }

  /** Resolves when every connection is closed: all received requests answered, or cut at `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    await this.#acceptBacklog(Math.min(MAX_BACKLOG_ACCEPT_MS, timeoutMs));
    // Stop listening without Node's closing of connections that have no request in progress yet.
    const closed = new Promise<void>((resolve) =>
      NetServer.prototype.close.call(this.#server, () => resolve()),
    );
    for (const [socket, connection] of this.#connections) {
      // Idle between two requests of a keep-alive client: nothing received to answer.
      if (!connection.upgraded && connection.active === 0 && connection.served > 0) socket.destroy();
    }
    const grace = setTimeout(
      () => this.#closeSilentConnections(),
      Math.min(this.#options.firstRequestGraceMs ?? DRAIN_FIRST_REQUEST_GRACE_MS, timeoutMs),
    );
    let flush: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      this.#answerPending();
      flush = setTimeout(() => {
        for (const socket of this.#connections.keys()) socket.destroy();
      }, DRAIN_FLUSH_MS);
    }, timeoutMs);
    try {
      await closed;
    } finally {
      clearTimeout(grace);
      clearTimeout(deadline);
      clearTimeout(flush);
    }
  }

  /**
   * Connections the kernel completed before the drain began may not be accepted yet, and closing
   * the listener would reset them with their requests unread. Node accepts one per turn of the event
   * loop: keep listening until a turn accepts none (bounded, should clients keep arriving).
   */
  async #acceptBacklog(boundMs: number): Promise<void> {
    const until = Date.now() + boundMs;
    let accepted = -1;
    while (accepted !== this.#accepted && Date.now() < until) {
      accepted = this.#accepted;
      await afterNextPoll();
    }
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const connection = this.#connections.get(req.socket as Socket);
    if (!connection) return;
    connection.active++;
    this.#pending.add(res);
    if (this.#draining) res.shouldKeepAlive = false;
    res.once('close', () => {
      this.#pending.delete(res);
      connection.active--;
      connection.served++;
      // Decided keep-alive before the drain began: close it now that its last response is out.
      if (this.#draining && connection.active === 0) req.socket.end();
    });
  }

  /** Connections that sent no byte within the grace: nothing was received on them. */
  #closeSilentConnections(): void {
    for (const [socket, connection] of this.#connections) {
      if (!connection.upgraded && connection.active === 0 && socket.bytesRead === 0) socket.destroy();
    }
  }

  #answerPending(): void {
    for (const res of this.#pending) {
      if (res.headersSent) continue;
      res.shouldKeepAlive = false;
      this.#options.answerAtDeadline(res);
    }
  }
}

/** Resolves after the event loop's next poll phase (where a pending connection is accepted). */
function afterNextPoll(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
