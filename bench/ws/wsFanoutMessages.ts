import { z } from 'zod';

/** The servers under test: our hub and the references it is judged against. */
export const FANOUT_MODES = ['hub', 'ws', 'wsNaive', 'socketio'] as const;
export type FanoutMode = (typeof FANOUT_MODES)[number];

/** How a client speaks to a server: raw WebSocket (+ `join-room` for the hub) or Engine.IO v4. */
export const CLIENT_PROTOCOLS = ['hub', 'ws', 'socketio'] as const;
export type ClientProtocol = (typeof CLIENT_PROTOCOLS)[number];

// Orchestrator → server child.
export type ServerRequest =
  | { type: 'clock' }
  | { type: 'count' }
  | { type: 'mem' }
  | { type: 'sched' }
  | { type: 'burst'; events: number }
  | { type: 'paced'; events: number; intervalMs: number };

// Orchestrator → client child.
export type ClientRequest =
  | { type: 'clock' }
  | { type: 'sched' }
  | {
      type: 'connect';
      target: string;
      port: number;
      path: string;
      protocol: ClientProtocol;
      count: number;
      perSourceAddress: number;
    }
  | { type: 'trim'; target: string; keep: number }
  | { type: 'arm'; target: string; expected: number }
  | { type: 'collect'; target: string; idleMs: number };

export const ServerReady = z.object({ type: z.literal('ready'), port: z.number(), wsPath: z.string() });
export const ClockReply = z.object({ us: z.number() });
export const CountReply = z.object({ subscribers: z.number() });
export const SchedReply = z.object({ cpuMs: z.number(), waitMs: z.number() });
export const MemReply = z.object({ rss: z.number(), heapUsed: z.number(), external: z.number() });
export const BurstReply = z.object({
  /** From the first publish until every frame was handed to the sockets. */
  handoffMs: z.number(),
  /** Server CPU (user + system) over the same span. */
  cpuMs: z.number(),
  /** The kernel's part of `cpuMs` (mostly writev and loopback TCP). */
  sysMs: z.number(),
  /** Longest event-loop block seen meanwhile (perf_hooks event-loop delay, max). */
  loopMaxMs: z.number(),
  /** Time the server's main thread was runnable but its CPU ran something else (Linux). */
  runQueueWaitMs: z.number(),
  /** CPU of the main thread alone (the rest of `cpuMs` is GC helpers, workers, libuv threads). */
  mainCpuMs: z.number(),
  /** GC pauses during the burst: total and longest. */
  gcTotalMs: z.number(),
  gcMaxMs: z.number(),
});
export const PacedReply = z.object({ handoffMs: z.number() });
export const ConnectReply = z.object({ ms: z.number(), open: z.number(), failed: z.number() });
export const TrimReply = z.object({ open: z.number() });
export const ArmReply = z.object({ armed: z.literal(true) });
export const CollectReply = z.object({
  received: z.number(),
  expected: z.number(),
  /** Earliest `t` stamped by the server and latest arrival, µs on the shared clock. */
  firstT: z.number(),
  lastArrival: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
  /** Connections closed by the server while the run was armed (backpressure drops). */
  closed: z.number(),
});
export type BurstResult = z.infer<typeof BurstReply>;
export type CollectResult = z.infer<typeof CollectReply>;
export type MemResult = z.infer<typeof MemReply>;
