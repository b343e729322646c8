import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * One read buffer for every socket (`onread`): each read is handed to its callback synchronously
 * before the next read, and no Buffer is allocated per read, which keeps a client process cheaper
 * than the servers it measures. Partial frames are copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const HEADER_END = Buffer.from('\r\n\r\n');
const OPCODE_CONTINUATION = 0x0;
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
const FIN_BIT = 0x80;
const MASK_BIT = 0x80;
/** Largest payload with its length in the frame's second byte (RFC 6455 5.2); all a client sends here. */
const MAX_SMALL_PAYLOAD = 125;

export interface LightWebSocketHandler {
  /** The upgrade was answered with 101: frames can be sent. */
  open(socket: LightWebSocket): void;
  /**
   * A whole text or binary message, `data[start, end)`, read at `arrival` (µs on `eventClockUs`
   * when its last bytes were read). `data` may be the shared read buffer: read it here, keep nothing.
   */
  message(data: Buffer, start: number, end: number, arrival: number): void;
  /** The connection ended (closed by either side, refused, or failed). */
  closed(): void;
}

export interface LightWebSocketTarget {
  port: number;
  /** Request target of the upgrade, with its query. */
  path: string;
  /** Loopback source address (127.0.0.x), so a server's per-address limits see many clients. */
  source: string;
  /** `eventClockUs` or another clock, read once per socket read. */
  clock: () => number;
}

/**
 * A light WebSocket client on a plain TCP socket, for benchmark swarms of thousands in one process:
 * a hand-written upgrade, a minimal frame parser (partial and fragmented frames, ping answered with
 * pong, close), and whole messages handed over as byte ranges, never decoded to strings.
 */
export class LightWebSocket {
  readonly #socket: net.Socket;
  readonly #handler: LightWebSocketHandler;
  readonly #clock: () => number;
  #upgraded = false;
  #pending: Buffer | null = null;
  /** Payloads of a fragmented message so far (copies: the read buffer is reused). */
  #fragments: Buffer[] | null = null;
  dead = false;

  constructor(target: LightWebSocketTarget, handler: LightWebSocketHandler) {
    this.#handler = handler;
    this.#clock = target.clock;
    this.#socket = net.connect({
      host: '127.0.0.1',
      port: target.port,
      localAddress: target.source,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number, buffer: Uint8Array) => {
          this.#onRead(buffer, bytes);
          return true;
        },
      },
    });
    this.#socket.setNoDelay(true);
    this.#socket.on('connect', () => {
      this.#socket.write(
        `GET ${target.path} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    this.#socket.on('error', () => this.#socket.destroy());
    this.#socket.on('close', () => {
      this.dead = true;
      this.#handler.closed();
    });
  }

  /** Sends a text frame (small payloads only: join frames, protocol pongs). */
  sendText(payload: Buffer): void {
    this.#send(OPCODE_TEXT, payload);
  }

  destroy(): void {
    this.dead = true;
    this.#socket.destroy();
  }

  #onRead(buffer: Uint8Array, bytes: number): void {
    const arrival = this.#clock();
    const chunk = Buffer.from(buffer.buffer, buffer.byteOffset, bytes);
    const data = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = null;
    let offset = 0;
    if (!this.#upgraded) {
      const end = data.indexOf(HEADER_END);
      if (end < 0) {
        this.#pending = Buffer.from(data);
        return;
      }
      if (!data.subarray(0, end).toString('latin1').startsWith('HTTP/1.1 101')) {
        this.#socket.destroy();
        return;
      }
      this.#upgraded = true;
      offset = end + HEADER_END.length;
      this.#handler.open(this);
    }
    const length = data.length;
    while (offset + 2 <= length) {
      const first = data[offset] as number;
      let size = (data[offset + 1] as number) & 0x7f;
      let header = 2;
      if (size === 126) {
        if (offset + 4 > length) break;
        size = data.readUInt16BE(offset + 2);
        header = 4;
      } else if (size === 127) {
        if (offset + 10 > length) break;
        size = data.readUInt32BE(offset + 6);
        header = 10;
      }
      const end = offset + header + size;
      if (end > length) break;
      this.#onFrame(first & 0x0f, (first & FIN_BIT) !== 0, data, offset + header, end, arrival);
      if (this.dead) return;
      offset = end;
    }
    // The read buffer is reused by the next read: keep a copy of the incomplete frame.
    if (offset < length) this.#pending = Buffer.from(data.subarray(offset));
  }

  #onFrame(opcode: number, fin: boolean, data: Buffer, start: number, end: number, arrival: number): void {
    if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) {
      if (fin) this.#handler.message(data, start, end, arrival);
      else this.#fragments = [Buffer.from(data.subarray(start, end))];
    } else if (opcode === OPCODE_CONTINUATION) {
      // A continuation with no message begun: the stream is out of step, as a server would judge it.
      if (!this.#fragments) {
        this.destroy();
        return;
      }
      this.#fragments.push(Buffer.from(data.subarray(start, end)));
      if (!fin) return;
      const message = Buffer.concat(this.#fragments);
      this.#fragments = null;
      this.#handler.message(message, 0, message.length, arrival);
    } else if (opcode === OPCODE_PING) {
      this.#send(OPCODE_PONG, Buffer.from(data.subarray(start, end)));
    } else if (opcode === OPCODE_CLOSE) {
      this.destroy();
    }
  }

  /** A client frame (masked, as RFC 6455 requires of clients). */
  #send(opcode: number, payload: Buffer): void {
    if (payload.length > MAX_SMALL_PAYLOAD)
      throw new Error(`frame of ${payload.length} bytes: too large to send`);
    const mask = randomBytes(4);
    const frame = Buffer.allocUnsafe(6 + payload.length);
    frame[0] = FIN_BIT | opcode;
    frame[1] = MASK_BIT | payload.length;
    mask.copy(frame, 2);
    for (let i = 0; i < payload.length; i++) frame[6 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
    this.#socket.write(frame);
  }
}
