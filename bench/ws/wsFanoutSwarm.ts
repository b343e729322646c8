import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventClockUs, FANOUT_ROOM_ID } from './wsFanoutEvent.js';
import type { ClientProtocol, CollectResult } from './wsFanoutMessages.js';

/** Handshakes in flight at once while connecting. */
const CONNECT_CONCURRENCY = 200;
const CONNECT_TIMEOUT_MS = 60_000;
const COLLECT_POLL_MS = 20;
/**
 * One read buffer for every socket (`onread`): each read is handed to its callback synchronously
 * before the next read, and no Buffer is allocated per read, which keeps the client process cheaper
 * than the servers it measures. Partial frames are copied out.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const HEADER_END = Buffer.from('\r\n\r\n');
const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
const CHAR_QUOTE = 0x22;
const CHAR_COLON = 0x3a;
const CHAR_T = 0x74;
const CHAR_0 = 0x30;
const CHAR_9 = 0x39;
const CHAR_BRACE = 0x7d;
const CHAR_BRACKET = 0x5d;
const JOIN_ROOM = Buffer.from(JSON.stringify({ type: 'join-room', roomId: FANOUT_ROOM_ID }));
const ROOM_JOINED = Buffer.from('"room:joined"');
const ENGINE_IO_CONNECT = Buffer.from('40');
const ENGINE_IO_PONG = Buffer.from('3');
const FIRST_SOURCE_OCTET = 2;

export interface SwarmTarget {
  port: number;
  /** Request target of the upgrade, with its query. */
  path: string;
  protocol: ClientProtocol;
}

export interface Swarm {
  /**
   * Opens `count` more connections, `perSourceAddress` per loopback source address (127.0.0.2, …),
   * and resolves once each is subscribed (hub: `room:joined`; Socket.IO: namespace connected).
   */
  connect(count: number, perSourceAddress: number): Promise<{ ms: number; open: number; failed: number }>;
  /** Closes connections until `keep` remain. */
  trim(keep: number): number;
  /** Starts counting bench events afresh; `expected` sizes the latency record. */
  arm(expected: number): void;
  /** Resolves when `expected` events arrived, or none arrived for `idleMs`. */
  collect(idleMs: number): Promise<CollectResult>;
}

/**
 * A swarm of light WebSocket clients on plain TCP sockets: a hand-written upgrade, a minimal frame
 * parser, and the bench event's `t` read from the frame's tail without parsing the JSON.
 */
export function wsFanoutSwarm(target: SwarmTarget): Swarm {
  const conns: Connection[] = [];
  const run = {
    expected: 0,
    received: 0,
    firstT: Number.POSITIVE_INFINITY,
    lastArrival: 0,
    latenciesUs: new Float64Array(0),
    closed: 0,
    armed: false,
  };
  const recorder: Recorder = {
    event(t, arrival) {
      if (!run.armed) return;
      if (run.received < run.latenciesUs.length) run.latenciesUs[run.received] = arrival - t;
      run.received++;
      if (t < run.firstT) run.firstT = t;
      if (arrival > run.lastArrival) run.lastArrival = arrival;
    },
    closed() {
      if (run.armed) run.closed++;
    },
  };

  return {
    async connect(count, perSourceAddress) {
      const started = performance.now();
      let next = 0;
      let open = 0;
      let failed = 0;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`connect: ${open + failed}/${count} settled in ${CONNECT_TIMEOUT_MS} ms`)),
          CONNECT_TIMEOUT_MS,
        );
        const settle = (ok: boolean) => {
          if (ok) open++;
          else failed++;
          if (open + failed === count) {
            clearTimeout(timer);
            resolve();
          } else if (next < count) startOne();
        };
        const startOne = () => {
          const index = conns.length;
          next++;
          const source = `127.0.0.${FIRST_SOURCE_OCTET + Math.floor(index / perSourceAddress)}`;
          conns.push(new Connection(target, source, recorder, settle));
        };
        if (count === 0) resolve();
        while (next < Math.min(count, CONNECT_CONCURRENCY)) startOne();
      });
      for (let i = conns.length - 1; i >= 0; i--) if (conns[i]?.dead) conns.splice(i, 1);
      return { ms: performance.now() - started, open, failed };
    },
    trim(keep) {
      while (conns.length > keep) conns.pop()?.destroy();
      return conns.length;
    },
    arm(expected) {
      run.expected = expected;
      run.received = 0;
      run.firstT = Number.POSITIVE_INFINITY;
      run.lastArrival = 0;
      run.closed = 0;
      if (run.latenciesUs.length < expected) run.latenciesUs = new Float64Array(expected);
      run.armed = true;
    },
    async collect(idleMs) {
      let lastCount = -1;
      let lastChange = performance.now();
      while (run.received < run.expected) {
        if (run.received !== lastCount) {
          lastCount = run.received;
          lastChange = performance.now();
        } else if (performance.now() - lastChange > idleMs) break;
        await sleep(COLLECT_POLL_MS);
      }
      run.armed = false;
      const recorded = run.latenciesUs.subarray(0, Math.min(run.received, run.latenciesUs.length)).sort();
      return {
        received: run.received,
        expected: run.expected,
        firstT: run.firstT,
        lastArrival: run.lastArrival,
        p50Ms: quantile(recorded, 0.5) / 1000,
        p99Ms: quantile(recorded, 0.99) / 1000,
        maxMs: (recorded[recorded.length - 1] ?? Number.NaN) / 1000,
        closed: run.closed,
      };
    },
  };
}

interface Recorder {
  event(t: number, arrival: number): void;
  closed(): void;
}

/** One client socket: upgrade, then frames. */
class Connection {
  readonly #socket: net.Socket;
  readonly #protocol: ClientProtocol;
  readonly #recorder: Recorder;
  #settle: ((ok: boolean) => void) | null;
  #upgraded = false;
  #pending: Buffer | null = null;
  dead = false;

  constructor(target: SwarmTarget, source: string, recorder: Recorder, settle: (ok: boolean) => void) {
    this.#protocol = target.protocol;
    this.#recorder = recorder;
    this.#settle = settle;
    this.#socket = net.connect({
      host: '127.0.0.1',
      port: target.port,
      localAddress: source,
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
      if (this.#settle) this.#ready(false);
      else this.#recorder.closed();
    });
  }

  destroy(): void {
    this.dead = true;
    this.#socket.destroy();
  }

  #ready(ok: boolean): void {
    const settle = this.#settle;
    this.#settle = null;
    settle?.(ok);
  }

  #onRead(buffer: Uint8Array, bytes: number): void {
    const arrival = eventClockUs();
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
      if (this.#protocol === 'hub') this.#send(OPCODE_TEXT, JOIN_ROOM);
      if (this.#protocol === 'ws') this.#ready(true);
    }
    const length = data.length;
    while (offset + 2 <= length) {
      const opcode = (data[offset] as number) & 0x0f;
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
      this.#onFrame(opcode, data, offset + header, end, arrival);
      offset = end;
    }
    // The read buffer is reused by the next read: keep a copy of the incomplete frame.
    if (offset < length) this.#pending = Buffer.from(data.subarray(offset));
  }

  #onFrame(opcode: number, data: Buffer, start: number, end: number, arrival: number): void {
    if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY) {
      const t = tailTimestamp(data, start, end);
      if (t >= 0) {
        this.#recorder.event(t, arrival);
        return;
      }
      this.#onControlMessage(data.subarray(start, end));
    } else if (opcode === OPCODE_PING) {
      this.#send(OPCODE_PONG, Buffer.from(data.subarray(start, end)));
    } else if (opcode === OPCODE_CLOSE) {
      this.#socket.destroy();
    }
  }

  /** Protocol messages other than bench events: subscription confirmations and Engine.IO pings. */
  #onControlMessage(payload: Buffer): void {
    if (this.#protocol === 'hub') {
      if (this.#settle && payload.includes(ROOM_JOINED)) this.#ready(true);
      return;
    }
    if (this.#protocol !== 'socketio') return;
    // Engine.IO v4 packets: 0 open, 2 ping, 4 message (Socket.IO 0 connect = "40").
    if (payload.length === 1 && payload[0] === 0x32) this.#send(OPCODE_TEXT, ENGINE_IO_PONG);
    else if (payload[0] === 0x30) this.#send(OPCODE_TEXT, ENGINE_IO_CONNECT);
    else if (this.#settle && payload[0] === 0x34 && payload[1] === 0x30) this.#ready(true);
  }

  /** A client frame (masked, as RFC 6455 requires of clients); only small frames are sent. */
  #send(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const frame = Buffer.allocUnsafe(6 + payload.length);
    frame[0] = 0x80 | opcode;
    frame[1] = 0x80 | payload.length;
    mask.copy(frame, 2);
    for (let i = 0; i < payload.length; i++) frame[6 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
    this.#socket.write(frame);
  }
}

/**
 * The bench event's `t`: its last field, so the frame ends `"t":<digits>` followed only by `}` and
 * `]` (`}}` from the hub and ws, `}]` from Socket.IO). -1 for any other frame.
 */
function tailTimestamp(data: Buffer, start: number, end: number): number {
  let i = end - 1;
  while (i > start && (data[i] === CHAR_BRACE || data[i] === CHAR_BRACKET)) i--;
  let value = 0;
  let place = 1;
  const lastDigit = i;
  while (i > start) {
    const c = data[i] as number;
    if (c < CHAR_0 || c > CHAR_9) break;
    value += (c - CHAR_0) * place;
    place *= 10;
    i--;
  }
  if (i === lastDigit || i - 3 < start) return -1;
  const isT =
    data[i] === CHAR_COLON &&
    data[i - 1] === CHAR_QUOTE &&
    data[i - 2] === CHAR_T &&
    data[i - 3] === CHAR_QUOTE;
  return isT ? value : -1;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
