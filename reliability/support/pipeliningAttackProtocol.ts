import { z } from 'zod';

/** What `pipeliningAttack.ts` takes as its one argument (JSON). */
export const PipeliningAttackOptions = z.object({
  port: z.number().int().positive(),
  localAddress: z.string(),
  sockets: z.number().int().positive(),
  requestsPerWrite: z.number().int().positive(),
  path: z.string().startsWith('/'),
});
export type PipeliningAttackOptions = z.infer<typeof PipeliningAttackOptions>;

/** The line the attack prints once its connections are on their way. */
export const ATTACKING = 'attacking';

/** The JSON line the attack prints when it stops. */
export const PipeliningAttackSummary = z.object({
  connectionsOpened: z.number(),
  /** Closed by the server (refused, or closed for pipelining or stalling). */
  connectionsClosed: z.number(),
  requestsWritten: z.number(),
  /** Bytes of answers received: none are read, so only what arrived before a close. */
  bytesReceived: z.number(),
});
export type PipeliningAttackSummary = z.infer<typeof PipeliningAttackSummary>;
