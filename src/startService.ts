import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { SignedMessageAuthenticator } from './auth/SignedMessageAuthenticator.js';
import { TimedSignatureVerifier } from './auth/TimedSignatureVerifier.js';
import { WorkerSignatureVerifier } from './auth/WorkerSignatureVerifier.js';
import { ChainRooms } from './chain/ChainRooms.js';
import { FinalizedBlockFollower } from './chain/FinalizedBlockFollower.js';
import { PolkadotChainClient } from './chain/PolkadotChainClient.js';
import type { Config } from './config/Config.js';
import { type RunningDevChain, startDevChain } from './devchain/startDevChain.js';
import { createApp } from './http/createApp.js';
import { createHttpServer } from './http/createHttpServer.js';
import { createAccountRateLimiter } from './http/middleware/rateLimits.js';
import { LiveKitActionQueue } from './livekit/LiveKitActionQueue.js';
import { LiveKitHealth } from './livekit/LiveKitHealth.js';
import { LiveKitReconciler } from './livekit/LiveKitReconciler.js';
import { LiveKitWebhooks } from './livekit/LiveKitWebhooks.js';
import type { LiveKitAction } from './livekit/livekitActionsFor.js';
import { type CorrectionSource, ParticipantRoleGuard } from './livekit/ParticipantRoleGuard.js';
import { PresenceReconciler } from './livekit/PresenceReconciler.js';
import { RoomServiceGateway } from './livekit/RoomServiceGateway.js';
import { roomOpener } from './livekit/roomOpener.js';
import { TokenMinter } from './livekit/TokenMinter.js';
import { healthReport } from './observability/healthReport.js';
import { Metrics } from './observability/Metrics.js';
import { livestreamPipeline } from './pipeline/livestreamPipeline.js';
import { ViewerPresence } from './presence/ViewerPresence.js';
import { RealtimeHub } from './realtime/RealtimeHub.js';
import { WebSocketGateway } from './realtime/WebSocketGateway.js';
import { RoomViews } from './rooms/RoomViews.js';
import { RedisPresenceSync } from './scaleout/RedisPresenceSync.js';
import { RedisRoomRelay } from './scaleout/RedisRoomRelay.js';
import { MemoryReplayGuard } from './store/MemoryReplayGuard.js';
import { RedisConnection } from './store/RedisConnection.js';
import type { ReplayGuard } from './store/ReplayGuard.js';
import { sharedRateLimitStores } from './store/SharedRateLimitStore.js';
import { sharedReplayGuards } from './store/SharedReplayGuard.js';
import { TokenService } from './tokens/TokenService.js';

/** Slow or stuck clients cannot hold a request open for Node's default 5 minutes. */
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;
export const HTTP_HEADERS_TIMEOUT_MS = 20_000;
export const LIVEKIT_REQUEST_TIMEOUT_SECONDS = 5;
const IDLE_SWEEP_MS = 50;
/** Where `scripts/buildDemo.ts` puts the demo page (the same from src/ under tsx and from dist/). */
const DEMO_BUILD_DIR = fileURLToPath(new URL('../demo/dist', import.meta.url));

export interface RunningService {
  /** `http://host:port` of the API. */
  url: string;
  server: Server;
  /** The embedded dev chain, when no chain endpoint was configured. */
  devchain: RunningDevChain | undefined;
  chain: PolkadotChainClient;
  follower: FinalizedBlockFollower;
  rooms: ChainRooms;
  hub: RealtimeHub;
  presence: ViewerPresence;
  livekitActions: LiveKitActionQueue;
  livekitHealth: LiveKitHealth;
  reconciler: PresenceReconciler;
  livekitReconciler: LiveKitReconciler;
  redis: RedisConnection | undefined;
  /** Graceful and idempotent: stop accepting, let requests finish, close every client. */
  close(): Promise<void>;
}

export interface StartServiceOptions {
  config: Config;
  logger: Logger;
  /** Listen on this port instead of the configured one (tests pass 0). */
  port?: number;
}

/** The composition root's body: builds every dependency from the config and starts serving. */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { config, logger } = options;
  const startedAt = Date.now();

  let devchain: RunningDevChain | undefined;
  let endpoint = config.chain.wsEndpoint;
  if (!endpoint) {
    devchain = await startDevChain({ port: config.chain.devchainPort, seed: { kind: 'demo' } });
    endpoint = devchain.url;
    logger.info({ url: devchain.url }, 'embedded dev chain started (demo seed)');
  }

  // Optional shared state: every use below falls back to local state while Redis is unreachable.
  const instanceId = randomUUID();
  const redis = config.redis.url
    ? new RedisConnection({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, logger })
    : undefined;
  const sharedReplayGuard = redis ? sharedReplayGuards(redis) : undefined;
  const replayGuard = (namespace: string): ReplayGuard =>
    sharedReplayGuard ? sharedReplayGuard(namespace) : new MemoryReplayGuard();
  const createRateLimitStore = redis ? sharedRateLimitStores(redis) : undefined;

  const chain = new PolkadotChainClient({
    endpoint,
    logger: logger.child({ module: 'chain' }),
    probeIntervalMs: config.chain.probeIntervalMs,
    probeTimeoutMs: config.chain.timeoutMs,
  });
  const follower = new FinalizedBlockFollower({ chain, logger });
  const rooms = new ChainRooms({ chain, logger });
  const presence = new ViewerPresence();
  const roomViews = new RoomViews({ rooms, presence });

  const metrics = new Metrics();
  const workers = new WorkerSignatureVerifier();
  const verifier = new TimedSignatureVerifier(workers, metrics.signatureSeconds);
  const authenticator = new SignedMessageAuthenticator({
    verifier,
    replayGuard: replayGuard('signature'),
    maxAgeMs: config.auth.signatureMaxAgeMs,
  });
  const minter = new TokenMinter({
    apiKey: config.livekit.apiKey,
    apiSecret: config.livekit.apiSecret,
    url: config.livekit.publicUrl,
    ttlSeconds: config.livekit.tokenTtlSeconds,
  });
  const livekit = new RoomServiceGateway({
    url: config.livekit.url,
    apiKey: config.livekit.apiKey,
    apiSecret: config.livekit.apiSecret,
    requestTimeoutSeconds: LIVEKIT_REQUEST_TIMEOUT_SECONDS,
  });
  const livekitHealth = new LiveKitHealth(livekit);
  const livekitActions = new LiveKitActionQueue({ gateway: livekit, logger });
  livekitHealth.onChange((status) => {
    if (status === 'connected') livekitActions.wake();
  });
  const roomLimits = {
    emptyTimeoutSeconds: config.livekit.roomEmptyTimeoutSeconds,
    maxParticipants: config.livekit.maxParticipants,
  };
  const correct = (action: LiveKitAction, source: CorrectionSource) => {
    metrics.livekitCorrections.inc({ kind: action.kind, source });
    void livekitActions.enqueue(action);
  };
  const roleGuard = new ParticipantRoleGuard({ rooms, correct, logger });
  const livekitReconciler = new LiveKitReconciler({
    gateway: livekit,
    rooms,
    limits: roomLimits,
    correct,
    logger,
  });
  const webhooks = new LiveKitWebhooks({
    onParticipantJoined: (roomId, participant) => roleGuard.check(roomId, participant),
    apiKey: config.livekit.apiKey,
    apiSecret: config.livekit.apiSecret,
    presence,
    seen: replayGuard('webhook'),
    logger,
  });
  const reconciler = new PresenceReconciler({ gateway: livekit, presence, index: rooms, logger });
  const openRoom = roomOpener({
    enqueue: (action) => livekitActions.enqueue(action),
    livekitStatus: () => livekitHealth.status,
    limits: roomLimits,
  });
  const tokens = new TokenService({
    authenticator,
    rooms,
    minter,
    presence,
    openRoom,
    chainTimeoutMs: config.chain.timeoutMs,
  });
  const accountLimiter = createAccountRateLimiter({
    windowMs: config.rateLimit.accountWindowMs,
    limit: config.rateLimit.accountMaxRequests,
    logger,
    ...(createRateLimitStore ? { createStore: createRateLimitStore } : {}),
  });

  const app = createApp({
    config,
    logger,
    ...(config.nodeEnv === 'production' ? {} : { demoDir: DEMO_BUILD_DIR }),
    tokens,
    rooms: roomViews,
    ready: () => rooms.available,
    accountLimiter,
    webhooks,
    metrics,
    metricsToken: config.metrics.token,
    ...(createRateLimitStore ? { createRateLimitStore } : {}),
    health: () =>
      healthReport({
        chain: chain.status,
        livekit: livekitHealth.status,
        redis: redis ? redis.status : 'disabled',
        finalizedBlock: follower.cursor?.number ?? null,
        followerLagBlocks: follower.lagBlocks,
        rooms: rooms.size,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        now: Date.now(),
      }),
  });

  const hub = new RealtimeHub({ rooms: roomViews, presence, logger });
  const pipeline = livestreamPipeline({ rooms, presence, livekit: livekitActions, roomLimits, hub });
  follower.onReset(pipeline.reset);
  // At start and after every chain reset, once the pipeline has loaded the rooms (handlers run in order).
  follower.onReset(() => {
    void livekitReconciler.reconcile();
  });
  follower.onBlock((block) => pipeline.apply(block, 'finalized'));
  const websockets = new WebSocketGateway({
    hub,
    authenticator,
    cors: config.cors,
    trustProxy: config.server.trustProxy,
    logger,
  });

  const relay = redis ? new RedisRoomRelay({ redis, hub, instanceId, logger }) : undefined;
  const presenceSync = redis ? new RedisPresenceSync({ redis, presence, instanceId, logger }) : undefined;
  relay?.start();
  presenceSync?.start();
  registerComponentMetrics(metrics, { chain, follower, rooms, hub, livekitHealth, livekitActions, redis });

  // Ready means able to check a signature now: the first requests do not wait for workers to boot.
  await workers.whenReady();

  const server = createHttpServer(app);
  websockets.attach(server);
  server.requestTimeout = HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  follower.start();
  livekitHealth.start();
  reconciler.start();
  livekitReconciler.start();
  const address = server.address() as AddressInfo;
  const host =
    config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  logger.info({ url, chain: endpoint }, 'livestream backend listening');

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      websockets.close({ type: 'server:shutdown' });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A keep-alive connection busy at close time becomes idle once its response is sent:
        // close it then rather than after the keep-alive timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
        server.once('close', () => clearInterval(sweep));
        server.closeIdleConnections();
      });
      livekitHealth.stop();
      reconciler.stop();
      livekitReconciler.stop();
      livekitActions.close();
      await follower.stop();
      await chain.close();
      await verifier.close();
      relay?.stop();
      presenceSync?.stop();
      await redis?.close();
      await devchain?.close();
    })();
    return closing;
  };

  return {
    url,
    server,
    devchain,
    chain,
    follower,
    rooms,
    hub,
    presence,
    livekitActions,
    livekitHealth,
    reconciler,
    livekitReconciler,
    redis,
    close,
  };
}

interface MeasuredComponents {
  chain: PolkadotChainClient;
  follower: FinalizedBlockFollower;
  rooms: ChainRooms;
  hub: RealtimeHub;
  livekitHealth: LiveKitHealth;
  livekitActions: LiveKitActionQueue;
  redis: RedisConnection | undefined;
}

/** Component state read at scrape time. */
function registerComponentMetrics(metrics: Metrics, c: MeasuredComponents): void {
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
