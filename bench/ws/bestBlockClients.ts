/**
 * The client process of `bestBlockLatency.ts`: WebSocket clients (the `ws` library, one source
 * address per 100, the service's per-IP cap) that note when each `gift:received` and
 * `block:finalized` frame arrives, by block number, on the clock every process shares.
 */
import { WebSocket } from 'ws';
import { z } from 'zod';
import { WS_MAX_CONNECTIONS_PER_IP } from '../../src/realtime/WebSocketGateway.js';
import { eventClockUs } from './wsFanoutEvent.js';

const CONNECT_TIMEOUT_MS = 60_000;
const BLOCK_NUMBER = /"number":(\d+)/;

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
  sockets: WebSocket[];
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
      const opened = await Promise.all(
        Array.from({ length: request.count }, (_, i) => open(request.url, i, request.join, group)),
      );
      return { open: opened.filter(Boolean).length };
    }
    case 'collect': {
      const group = groupOf(request.group);
      const arrivals = group.arrivals;
      group.arrivals = { gift: {}, finalized: {} };
      return { arrivals };
    }
    case 'close':
      for (const socket of groupOf(request.group).sockets) socket.terminate();
      groups.delete(request.group);
      return { closed: true };
  }
}

function open(
  url: string,
  index: number,
  join: Record<string, unknown> | null,
  group: Group,
): Promise<boolean> {
  const localAddress = `127.0.0.${2 + Math.floor(index / WS_MAX_CONNECTIONS_PER_IP)}`;
  const socket = new WebSocket(url, { localAddress, perMessageDeflate: false });
  group.sockets.push(socket);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), CONNECT_TIMEOUT_MS);
    const ready = () => {
      clearTimeout(timer);
      resolve(true);
    };
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
    socket.once('open', () => {
      if (join) socket.send(JSON.stringify(join));
      else ready();
    });
    socket.on('message', (data) => {
      const arrival = eventClockUs();
      const text = String(data);
      if (text.startsWith('{"type":"room:joined"')) return ready();
      const kind = text.startsWith('{"type":"gift:received"')
        ? 'gift'
        : text.startsWith('{"type":"block:finalized"')
          ? 'finalized'
          : null;
      const number = kind && Number(BLOCK_NUMBER.exec(text)?.[1]);
      if (!kind || !number) return;
      const times = group.arrivals[kind][number] ?? [];
      times.push(arrival);
      group.arrivals[kind][number] = times;
    });
  });
}

function groupOf(name: string): Group {
  const group = groups.get(name);
  if (!group) throw new Error(`no client group ${name}`);
  return group;
}
