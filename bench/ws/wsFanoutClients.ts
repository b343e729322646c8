/**
 * The client process of `wsFanout.ts`: one light swarm per server under test, driven over IPC
 * (`wsFanoutMessages.ts`).
 */
import { z } from 'zod';
import { eventClockUs } from './wsFanoutEvent.js';
import { CLIENT_PROTOCOLS } from './wsFanoutMessages.js';
import { type Swarm, wsFanoutSwarm } from './wsFanoutSwarm.js';
import { wsSchedStat } from './wsSchedStat.js';

const Request = z.discriminatedUnion('type', [
  z.object({ id: z.number(), type: z.literal('clock') }),
  z.object({ id: z.number(), type: z.literal('sched') }),
  z.object({
    id: z.number(),
    type: z.literal('connect'),
    target: z.string(),
    port: z.number(),
    path: z.string(),
    protocol: z.enum(CLIENT_PROTOCOLS),
    count: z.number(),
    perSourceAddress: z.number(),
  }),
  z.object({ id: z.number(), type: z.literal('trim'), target: z.string(), keep: z.number() }),
  z.object({ id: z.number(), type: z.literal('arm'), target: z.string(), expected: z.number() }),
  z.object({ id: z.number(), type: z.literal('collect'), target: z.string(), idleMs: z.number() }),
  z.object({ type: z.literal('stop') }),
]);
type Request = z.infer<typeof Request>;

const swarms = new Map<string, Swarm>();

process.on('message', (raw: unknown) => {
  const request = Request.parse(raw);
  if (request.type === 'stop') process.exit(0);
  void handle(request).then((reply) => process.send?.({ ...reply, id: request.id }));
});
process.send?.({ type: 'ready', port: 0, wsPath: '' });

async function handle(request: Exclude<Request, { type: 'stop' }>): Promise<object> {
  switch (request.type) {
    case 'clock':
      return { us: eventClockUs() };
    case 'sched':
      return wsSchedStat();
    case 'connect': {
      let swarm = swarms.get(request.target);
      if (!swarm) {
        swarm = wsFanoutSwarm({ port: request.port, path: request.path, protocol: request.protocol });
        swarms.set(request.target, swarm);
      }
      return swarm.connect(request.count, request.perSourceAddress);
    }
    case 'trim':
      return { open: swarmOf(request.target).trim(request.keep) };
    case 'arm':
      swarmOf(request.target).arm(request.expected);
      return { armed: true };
    case 'collect':
      return swarmOf(request.target).collect(request.idleMs);
  }
}

function swarmOf(target: string): Swarm {
  const swarm = swarms.get(target);
  if (!swarm) throw new Error(`no swarm for ${target}`);
  return swarm;
}
