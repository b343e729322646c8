import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/** A send buffer past this is a consumer that does not keep up: it is dropped, not buffered. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One client's socket and what the hub knows about it. */
export class ClientConnection {
  readonly socket: WebSocket;
  readonly ip: string;
  readonly rooms = new Set<number>();
  /** Rooms joined with `finalOnly`: their events come once final, never from a best block. */
  readonly finalOnlyRooms = new Set<number>();
  /** SS58-42 address once `auth` succeeded. */
  account: string | null = null;
  alive = true;
  closed = false;
  #tokens: number;
  #refilledAt: number;
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #onDrop: () => void;
  /** The upgraded TCP socket under `socket`, for frames that are already WebSocket-framed. */
  readonly #wire: Duplex | undefined;

  constructor(
    socket: WebSocket,
    ip: string,
    rate: { perSecond: number; burst: number },
    onDrop: () => void,
    wire?: Duplex,
  ) {
    this.socket = socket;
    this.#wire = wire;
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
    if (!this.#fits(typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length)) return false;
    this.socket.send(frame, { binary: false });
    return true;
  }

  /**
   * `send` for fan-out: `wire` is `frame` already framed by `wsTextFrame`, once per event, and is
   * written as is to the TCP socket. Through `ws` every client would get it framed again (two option
   * objects, header and payload as two chunks): in bench/ws/wsFanout.ts a hub message then cost 1.3–1.8×
   * the server CPU of a bare ws broadcast; pre-framed it costs about the same or less. Falls back to
   * `ws` while `ws` still holds queued frames of its own, so a frame never overtakes them.
   */
  sendFramed(frame: Buffer, wire: Buffer): boolean {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return false;
    const buffered = this.socket.bufferedAmount;
    if (!this.#fits(wire.length, buffered)) return false;
    if (this.#wire && !this.#wire.destroyed && buffered === this.#wire.writableLength) this.#wire.write(wire);
    else this.socket.send(frame, { binary: false });
    return true;
  }

  /** False, after dropping the client, when `bytes` more would pass the send-buffer bound. */
  #fits(bytes: number, buffered = this.socket.bufferedAmount): boolean {
    if (buffered + bytes <= MAX_BUFFERED_BYTES) return true;
    this.closed = true;
    this.socket.terminate();
    this.#onDrop();
    return false;
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
