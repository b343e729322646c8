import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * A bare WebSocket server whose every move the test makes: what it sends, when it closes, and
 * whether it answers at all. For what the real server does not do on demand (a silent peer, a
 * close 1008, frames from a newer protocol).
 */
export class ScriptedServer {
  readonly #wss: WebSocketServer;
  readonly sockets: WebSocket[] = [];
  /** Every frame received, parsed, per connection in order. */
  readonly frames: Record<string, unknown>[][] = [];
  readonly #waiters = new Set<() => void>();

  private constructor(wss: WebSocketServer) {
    this.#wss = wss;
    wss.on('connection', (socket) => {
      const index = this.sockets.push(socket) - 1;
      this.frames[index] = [];
      socket.on('message', (data) => {
        this.frames[index]?.push(JSON.parse(String(data)) as Record<string, unknown>);
        this.#wake();
      });
      this.#wake();
    });
  }

  static async start(): Promise<ScriptedServer> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new ScriptedServer(wss);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.#wss.address() as AddressInfo).port}`;
  }

  /** Resolves with connection number `index` (0-based) once it is open. */
  connection(index: number): Promise<WebSocket> {
    return this.#until(() => this.sockets[index]);
  }

  /** Resolves with the first frame of connection `index` that matches. */
  frame(index: number, match: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    return this.#until(() => this.frames[index]?.find(match));
  }

  #until<T>(check: () => T | undefined): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const wake = () => {
        const value = check();
        if (value === undefined) return;
        this.#waiters.delete(wake);
        resolve(value);
      };
      this.#waiters.add(wake);
    });
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
