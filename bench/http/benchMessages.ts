/** The IPC messages between `run.ts` and its children, parsed with zod on both ends. */
import { z } from 'zod';

export const ServerReady = z.object({
  type: z.literal('ready'),
  url: z.string(),
  /** From just before `startService` until the rooms were available (what `/health/ready` reports). */
  readyMs: z.number().nullable(),
  /** The service's own "room index loaded" figure: reading every room from the chain plus indexing. */
  indexLoadMs: z.number().nullable(),
  rooms: z.number().nullable(),
});
export type ServerReady = z.infer<typeof ServerReady>;

export const CpuRequest = z.object({ id: z.number(), type: z.literal('cpu') });
/** Process CPU time so far (all threads), µs. */
export const CpuReply = z.object({ id: z.number(), cpuUs: z.number() });
export type CpuReply = z.infer<typeof CpuReply>;

export const Stop = z.object({ type: z.literal('stop') });

export const LoadReady = z.object({ type: z.literal('ready'), bodies: z.number() });
export type LoadReady = z.infer<typeof LoadReady>;

export const RunRequest = z.object({
  id: z.number(),
  type: z.literal('run'),
  url: z.string(),
  method: z.enum(['GET', 'POST']),
  connections: z.number().int().positive(),
  durationS: z.number().int().positive(),
  /**
   * POST the pre-signed bodies, continuing where the previous run with the same stream stopped
   * (each server has its own replay guard, so each gets its own stream).
   */
  bodyStream: z.string().optional(),
});
export type RunRequest = z.infer<typeof RunRequest>;

export const RunResult = z.object({
  id: z.number(),
  requests: z.number(),
  durationS: z.number(),
  requestsPerSecond: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
  /** Bodies handed out so far on this stream; past the pool size they repeat. */
  bodiesUsed: z.number(),
});
export type RunResult = z.infer<typeof RunResult>;
