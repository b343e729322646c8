import { setTimeout as sleep } from 'node:timers/promises';
import { connectLightSockets } from './connectLightSockets.js';
import { LightWebSocket } from './LightWebSocket.js';
import { eventClockUs, FANOUT_ROOM_ID } from './wsFanoutEvent.js';
import type { ClientProtocol, CollectResult } from './wsFanoutMessages.js';

const COLLECT_POLL_MS = 20;
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
 * A swarm of light WebSocket clients (`LightWebSocket`: plain TCP sockets, a hand-written upgrade, a
 * minimal frame parser), the bench event's `t` read from the frame's tail without parsing the JSON.
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
      const result = await connectLightSockets(count, conns.length, perSourceAddress, (source, settle) => {
        conns.push(new Connection(target, source, recorder, settle));
      });
      for (let i = conns.length - 1; i >= 0; i--) if (conns[i]?.dead) conns.splice(i, 1);
      return result;
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

/** One client: its light socket, subscribed as its protocol asks, reading bench events' `t`. */
class Connection {
  readonly #socket: LightWebSocket;
  readonly #protocol: ClientProtocol;
  readonly #recorder: Recorder;
  #settle: ((ok: boolean) => void) | null;

  constructor(target: SwarmTarget, source: string, recorder: Recorder, settle: (ok: boolean) => void) {
    this.#protocol = target.protocol;
    this.#recorder = recorder;
    this.#settle = settle;
    this.#socket = new LightWebSocket(
      { port: target.port, path: target.path, source, clock: eventClockUs },
      {
        open: (socket) => {
          if (this.#protocol === 'hub') socket.sendText(JOIN_ROOM);
          if (this.#protocol === 'ws') this.#ready(true);
        },
        message: (data, start, end, arrival) => {
          const t = tailTimestamp(data, start, end);
          if (t >= 0) this.#recorder.event(t, arrival);
          else this.#onControlMessage(data.subarray(start, end));
        },
        closed: () => {
          if (this.#settle) this.#ready(false);
          else this.#recorder.closed();
        },
      },
    );
  }

  get dead(): boolean {
    return this.#socket.dead;
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #ready(ok: boolean): void {
    const settle = this.#settle;
    this.#settle = null;
    settle?.(ok);
  }

  /** Protocol messages other than bench events: subscription confirmations and Engine.IO pings. */
  #onControlMessage(payload: Buffer): void {
    if (this.#protocol === 'hub') {
      if (this.#settle && payload.includes(ROOM_JOINED)) this.#ready(true);
      return;
    }
    if (this.#protocol !== 'socketio') return;
    // Engine.IO v4 packets: 0 open, 2 ping, 4 message (Socket.IO 0 connect = "40").
    if (payload.length === 1 && payload[0] === 0x32) this.#socket.sendText(ENGINE_IO_PONG);
    else if (payload[0] === 0x30) this.#socket.sendText(ENGINE_IO_CONNECT);
    else if (this.#settle && payload[0] === 0x34 && payload[1] === 0x30) this.#ready(true);
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
