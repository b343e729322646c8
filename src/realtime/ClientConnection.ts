import type { WebSocket } from 'ws';

/** A send buffer past this is a consumer that does not keep up: it is dropped, not buffered. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One client's socket and what the hub knows about it. */
export class ClientConnection {
  readonly socket: WebSocket;
  readonly ip: string;
  readonly rooms = new Set<number>();
  /** SS58-42 address once `auth` succeeded. */
  account: string | null = null;
  alive = true;
  closed = false;
  #tokens: number;
  #refilledAt: number;
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #onDrop: () => void;

  constructor(socket: WebSocket, ip: string, rate: { perSecond: number; burst: number }, onDrop: () => void) {
    this.socket = socket;
    this.ip = ip;
    this.#burst = rate.burst;
    this.#perSecond = rate.perSecond;
    this.#tokens = rate.burst;
    this.#refilledAt = Date.now();
    this.#onDrop = onDrop;
  }

  /** Sends one text frame; a client whose send buffer is past the bound is dropped instead. */
  send(frame: Buffer | string): boolean {
    if (this.closed) return false;
    const size = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    if (this.socket.bufferedAmount + size > MAX_BUFFERED_BYTES) {
      this.closed = true;
      this.socket.terminate();
      this.#onDrop();
      return false;
    }
    this.socket.send(frame, { binary: false });
    return true;
  }

  /** Token bucket for incoming frames: false when the client sends faster than allowed. */
  takeFrameToken(now = Date.now()): boolean {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#perSecond);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
    // A peer that does not answer the close handshake is cut off.
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }
}

export const CLOSE_GRACE_MS = 2_000;
