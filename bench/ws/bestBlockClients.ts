/**
 * The client process of `bestBlockLatency.ts`: light WebSocket clients (`LightWebSocket`, as
 * bench:ws's swarm: plain TCP sockets, one shared read buffer, a minimal frame parser; one source
 * address per 100, the service's per-IP cap) that note when each `gift:received` and
 * `block:finalized` frame arrives, by block number, on the clock every process shares. The block
 * number is read from the frame's bytes, never decoded to a string: with the `ws` library's
 * per-frame work, the client process often finished reading 50–100 ms after the server's last send
 * at 5,000 (a profile), and the harness's own cost could set the tail of both figures.
 */
import { z } from 'zod';
import { WS_MAX_CONNECTIONS_PER_IP } from '../../src/realtime/WebSocketGateway.js';
import { connectLightSockets } from './connectLightSockets.js';
import { LightWebSocket } from './LightWebSocket.js';
import { eventClockUs } from './wsFanoutEvent.js';

const GIFT_PREFIX = Buffer.from('{"type":"gift:received"');
const FINALIZED_PREFIX = Buffer.from('{"type":"block:finalized"');
const ROOM_JOINED_PREFIX = Buffer.from('{"type":"room:joined"');
/** The first `"number":` of both frames is the block's (`block.number`, or `number` itself). */
const NUMBER_KEY = Buffer.from('"number":');
const CHAR_0 = 0x30;
const CHAR_9 = 0x39;

const Request = z.discriminatedUnion('type', [
  z.object({ id: z.number(), type: z.literal('clock') }),
  z.object({
    id: z.number(),
    type: z.literal('connect'),
    group: z.string(),
    url: z.string(),
    count: z.number(),
    /** A join-room frame to send once open (the service); none for the raw broadcast. */
    join: z.record(z.string(), z.unknown()).nullable(),
  }),
  z.object({ id: z.number(), type: z.literal('collect'), group: z.string() }),
  z.object({ id: z.number(), type: z.literal('close'), group: z.string() }),
  z.object({ type: z.literal('stop') }),
]);
type Request = z.infer<typeof Request>;

/** Arrival times (µs) per frame kind and block number. */
type Arrivals = Record<'gift' | 'finalized', Record<number, number[]>>;

interface Group {
  sockets: LightWebSocket[];
  arrivals: Arrivals;
}

const groups = new Map<string, Group>();

process.on('message', (raw: unknown) => {
  const request = Request.parse(raw);
  if (request.type === 'stop') process.exit(0);
  void handle(request).then((reply) => process.send?.({ ...reply, id: request.id }));
});
process.send?.({ type: 'ready' });

async function handle(request: Exclude<Request, { type: 'stop' }>): Promise<object> {
  switch (request.type) {
    case 'clock':
      return { us: eventClockUs() };
    case 'connect': {
      const group: Group = { sockets: [], arrivals: { gift: {}, finalized: {} } };
      groups.set(request.group, group);
      const url = new URL(request.url);
      const join = request.join && Buffer.from(JSON.stringify(request.join));
      const target = { port: Number(url.port), path: url.pathname, clock: eventClockUs };
      const { open } = await connectLightSockets(
        request.count,
        0,
        WS_MAX_CONNECTIONS_PER_IP,
        (source, settle) =>
          group.sockets.push(new LightWebSocket({ ...target, source }, member(group, join, settle))),
      );
      return { open };
    }
    case 'collect': {
      const group = groupOf(request.group);
      const arrivals = group.arrivals;
      group.arrivals = { gift: {}, finalized: {} };
      return { arrivals };
    }
    case 'close':
      for (const socket of groupOf(request.group).sockets) socket.destroy();
      groups.delete(request.group);
      return { closed: true };
  }
}

/** One member: joins with `join` (the service; none for the raw server), then records arrivals. */
function member(
  group: Group,
  join: Buffer | null,
  settle: (ok: boolean) => void,
): ConstructorParameters<typeof LightWebSocket>[1] {
  let pending: ((ok: boolean) => void) | null = settle;
  const ready = (ok: boolean) => {
    pending?.(ok);
    pending = null;
  };
  return {
    open(socket) {
      if (join) socket.sendText(join);
      else ready(true);
    },
    message(data, start, end, arrival) {
      const kind = startsWith(data, start, end, GIFT_PREFIX)
        ? 'gift'
        : startsWith(data, start, end, FINALIZED_PREFIX)
          ? 'finalized'
          : null;
      if (!kind) {
        if (pending && startsWith(data, start, end, ROOM_JOINED_PREFIX)) ready(true);
        return;
      }
      const number = blockNumber(data, start, end);
      if (number < 0) return;
      const times = group.arrivals[kind][number] ?? [];
      times.push(arrival);
      group.arrivals[kind][number] = times;
    },
    closed() {
      ready(false);
    },
  };
}

function startsWith(data: Buffer, start: number, end: number, prefix: Buffer): boolean {
  return (
    end - start >= prefix.length && data.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0
  );
}

/** The digits after the frame's first `"number":`; -1 if there are none. */
function blockNumber(data: Buffer, start: number, end: number): number {
  const key = data.indexOf(NUMBER_KEY, start);
  if (key < 0 || key + NUMBER_KEY.length >= end) return -1;
  let value = 0;
  let i = key + NUMBER_KEY.length;
  const first = i;
  for (; i < end; i++) {
    const c = data[i] as number;
    if (c < CHAR_0 || c > CHAR_9) break;
    value = value * 10 + (c - CHAR_0);
  }
  return i === first ? -1 : value;
}

function groupOf(name: string): Group {
  const group = groups.get(name);
  if (!group) throw new Error(`no client group ${name}`);
  return group;
}
