import type { ServedBlock } from '../chain/types.js';

export type ServiceStatus = 'connected' | 'disconnected' | 'disabled';
export type OverallStatus = 'ok' | 'degraded' | 'down';

export interface HealthInputs {
  chain: 'connected' | 'disconnected';
  livekit: ServiceStatus;
  redis: ServiceStatus;
  finalizedBlock: number | null;
  /** The block whose state the service serves (the best block it applied), null before the first load. */
  bestBlock: ServedBlock | null;
  followerLagBlocks: number;
  rooms: number;
  uptimeSeconds: number;
  now: number;
  /** Where sign-in sessions live. */
  sessionStore: 'redis' | 'memory';
}

export interface HealthReport {
  status: OverallStatus;
  timestamp: number;
  uptimeSeconds: number;
  services: { chain: ServiceStatus; livekit: ServiceStatus; redis: ServiceStatus };
  chain: {
    finalizedBlock: number | null;
    bestBlock: ServedBlock | null;
    followerLagBlocks: number;
    rooms: number;
  };
  /** Redis: every instance sees every session and they survive restarts; memory: neither. */
  sessions: { store: 'redis' | 'memory'; shared: boolean; survivesRestart: boolean };
}

/**
 * The chain is required (no room, no access decision without it): without it the service is not ready.
 * LiveKit's API and Redis only degrade it: tokens are still minted, and while Redis is down each
 * instance falls back to local state.
 */
export function healthReport(inputs: HealthInputs): HealthReport {
  const optionalDown = inputs.livekit === 'disconnected' || inputs.redis === 'disconnected';
  const status: OverallStatus = inputs.chain === 'disconnected' ? 'down' : optionalDown ? 'degraded' : 'ok';
  return {
    status,
    timestamp: inputs.now,
    uptimeSeconds: inputs.uptimeSeconds,
    services: { chain: inputs.chain, livekit: inputs.livekit, redis: inputs.redis },
    chain: {
      finalizedBlock: inputs.finalizedBlock,
      bestBlock: inputs.bestBlock,
      followerLagBlocks: inputs.followerLagBlocks,
      rooms: inputs.rooms,
    },
    sessions: {
      store: inputs.sessionStore,
      shared: inputs.sessionStore === 'redis',
      survivesRestart: inputs.sessionStore === 'redis',
    },
  };
}
