import type { ChainRooms } from '../chain/ChainRooms.js';
import type { FinalizedBlockFollower } from '../chain/FinalizedBlockFollower.js';
import type { PolkadotChainClient } from '../chain/PolkadotChainClient.js';
import type { LiveKitActionQueue } from '../livekit/LiveKitActionQueue.js';
import type { LiveKitHealth } from '../livekit/LiveKitHealth.js';
import type { RealtimeHub } from '../realtime/RealtimeHub.js';
import type { RedisConnection } from '../store/RedisConnection.js';
import type { Metrics } from './Metrics.js';

export interface MeasuredComponents {
  chain: PolkadotChainClient;
  follower: FinalizedBlockFollower;
  rooms: ChainRooms;
  hub: RealtimeHub;
  livekitHealth: LiveKitHealth;
  livekitActions: LiveKitActionQueue;
  redis: RedisConnection | undefined;
}

/** Component state read at scrape time. */
export function registerComponentMetrics(metrics: Metrics, c: MeasuredComponents): void {
  let reconnects = 0;
  c.chain.onStatusChange((status) => {
    if (status === 'disconnected') reconnects++;
  });
  metrics.gauge('livestream_chain_connected', 'Chain node connection (1 = connected)', () =>
    c.chain.status === 'connected' ? 1 : 0,
  );
  metrics.gauge(
    'livestream_chain_finalized_height',
    'Last processed finalized block',
    () => c.follower.cursor?.number ?? 0,
  );
  metrics.gauge(
    'livestream_chain_follower_lag_blocks',
    'Finalized blocks known but not processed yet',
    () => c.follower.lagBlocks,
  );
  metrics.counter(
    'livestream_chain_disconnects_total',
    'Chain connection losses (each is followed by a reconnect)',
    () => reconnects,
  );
  metrics.gauge('livestream_rooms_indexed', 'Rooms in the in-memory index', () => c.rooms.size);
  metrics.gauge('livestream_ws_connections', 'Open WebSocket connections', () => c.hub.stats.connections);
  metrics.gauge(
    'livestream_ws_rooms',
    'Rooms with at least one WebSocket subscriber',
    () => c.hub.stats.rooms,
  );
  metrics.counter(
    'livestream_ws_messages_sent_total',
    'WebSocket messages handed to sockets',
    () => c.hub.stats.messagesSent,
  );
  metrics.counter(
    'livestream_ws_clients_dropped_total',
    'WebSocket clients dropped for backpressure',
    () => c.hub.stats.clientsDropped,
  );
  metrics.gauge('livestream_livekit_up', 'LiveKit server API reachable (1 = yes)', () =>
    c.livekitHealth.status === 'connected' ? 1 : 0,
  );
  metrics.gauge(
    'livestream_livekit_actions_pending',
    'LiveKit actions waiting or retrying',
    () => c.livekitActions.stats.pending,
  );
  metrics.counter(
    'livestream_livekit_actions_failed_total',
    'LiveKit actions given up',
    () => c.livekitActions.stats.failed,
  );
  metrics.counter(
    'livestream_livekit_actions_retried_total',
    'LiveKit action retries',
    () => c.livekitActions.stats.retried,
  );
}
