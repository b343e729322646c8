import type { z } from 'zod';

/**
 * The last part of SHUTDOWN_TIMEOUT_MS, kept for closing the connections to the chain, Redis and
 * LiveKit once HTTP has drained; the drain gets the rest.
 */
export const SHUTDOWN_CLOSE_RESERVE_MS = 1_000;

/** How long a shutdown waits for requests already received to be answered. */
export function shutdownDrainMs(shutdownTimeoutMs: number): number {
  return shutdownTimeoutMs - SHUTDOWN_CLOSE_RESERVE_MS;
}

/**
 * A request waiting on the chain when the shutdown begins must still get its answer (503
 * CHAIN_UNAVAILABLE at worst) before the drain ends, not a reset connection: the chain's deadline
 * has to fall inside the drain. Runs even when single variables failed, so it only compares numbers.
 */
export function chainTimeoutWithinDrain(
  env: { CHAIN_TIMEOUT_MS?: unknown; SHUTDOWN_TIMEOUT_MS?: unknown },
  ctx: z.RefinementCtx,
): void {
  const chainMs = env.CHAIN_TIMEOUT_MS;
  const shutdownMs = env.SHUTDOWN_TIMEOUT_MS;
  if (typeof chainMs !== 'number' || typeof shutdownMs !== 'number') return;
  const drainMs = shutdownDrainMs(shutdownMs);
  if (chainMs < drainMs) return;
  ctx.addIssue({
    code: 'custom',
    path: ['CHAIN_TIMEOUT_MS'],
    message:
      `must be below ${drainMs} ms, the drain of a shutdown (SHUTDOWN_TIMEOUT_MS ${shutdownMs} minus ` +
      `${SHUTDOWN_CLOSE_RESERVE_MS} ms for closing connections), so a request waiting on the chain is answered before the process exits`,
  });
}
