import { type ClientOptions, WebSocket } from 'ws';

/** How long `next` waits by default before failing the test (never a fixed sleep: a deadline). */
export const WS_TEST_TIMEOUT_MS = 10_000;

export type WsMessage = Record<string, unknown> & { type: string };

export interface WsClose {
  code: number;
  reason: string;
}

/**
 * A real `ws` client for tests: every incoming JSON frame is kept in order, and a test awaits the
 * next one that matches (`next`) with a bounded wait, or asserts that none came (`settle`, then `all`).
 */
export class WsTestClient {
  readonly socket: WebSocket;
  /** Every message received so far, in order. */
  readonly received: WsMessage[] = [];
  readonly #closed: Promise<WsClose>;
  /** Index of the first message `next` has not consumed yet. */
  #cursor = 0;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.received.push(JSON.parse(String(data)) as WsMessage);
      for (const wake of [...this.#waiters]) wake();
    });
    this.#closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of [...this.#waiters]) wake();
      });
    });
    socket.on('error', () => undefined);
  }

  /** Opens `url` (`ws://host:port/ws`); resolves when open, rejects on a refused upgrade. */
  static connect(url: string, options: ClientOptions = {}): Promise<WsTestClient> {
    const socket = new WebSocket(url, options);
    const client = new WsTestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (req, res) => {
        // With this listener, ws leaves the refused request to us.
        req.destroy();
        reject(new Error(`upgrade refused: ${res.statusCode ?? 'no status'}`));
      });
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * The next not-yet-consumed message that matches; messages before it are skipped (consumed).
   * Fails after `timeoutMs`, listing what did arrive.
   */
  next(
    match: (message: WsMessage) => boolean = () => true,
    timeoutMs = WS_TEST_TIMEOUT_MS,
  ): Promise<WsMessage> {
    return this.#until(() => {
      for (let i = this.#cursor; i < this.received.length; i++) {
        const message = this.received[i] as WsMessage;
        if (match(message)) {
          this.#cursor = i + 1;
          return message;
        }
      }
      return undefined;
    }, timeoutMs);
  }

  /** The next message of `type` (optionally also matching `match`). */
  nextOfType(type: string, match: (message: WsMessage) => boolean = () => true): Promise<WsMessage> {
    return this.next((m) => m.type === type && match(m));
  }

  /**
   * Sends a ping and resolves at its pong, consuming nothing: every message the server sent before
   * the pong has then arrived (one ordered socket), so a test can assert that something did NOT.
   */
  async settle(): Promise<void> {
    const from = this.received.length;
    this.send({ type: 'ping' });
    await this.#until(() => this.received.slice(from).find((m) => m.type === 'pong'), WS_TEST_TIMEOUT_MS);
  }

  #until<T>(check: () => T | undefined, timeoutMs: number): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    if (this.socket.readyState === WebSocket.CLOSED) {
      return Promise.reject(new Error('connection closed before a matching message arrived'));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        const seen = this.received.slice(this.#cursor).map((m) => m.type);
        reject(new Error(`no matching message within ${timeoutMs} ms; unconsumed: [${seen.join(', ')}]`));
      }, timeoutMs);
      const wake = () => {
        const value = check();
        if (value === undefined && this.socket.readyState !== WebSocket.CLOSED) return;
        clearTimeout(timer);
        this.#waiters.delete(wake);
        if (value !== undefined) resolve(value);
        else reject(new Error('connection closed before a matching message arrived'));
      };
      this.#waiters.add(wake);
    });
  }

  /** Messages received so far that match (consumed or not). */
  all(match: (message: WsMessage) => boolean): WsMessage[] {
    return this.received.filter(match);
  }

  /** Resolves with the close code and reason once the connection has closed. */
  closed(): Promise<WsClose> {
    return this.#closed;
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.#closed;
  }
}
