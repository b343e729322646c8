import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { parseAccount } from './auth/parseAccount.js';
import { SignedMessageAuthenticator } from './auth/SignedMessageAuthenticator.js';
import { TimedSignatureVerifier } from './auth/TimedSignatureVerifier.js';
import { WorkerSignatureVerifier } from './auth/WorkerSignatureVerifier.js';
import { BestBlockFollower } from './chain/BestBlockFollower.js';
import { ChainRooms } from './chain/ChainRooms.js';
import { FinalizedBlockFollower } from './chain/FinalizedBlockFollower.js';
import { PolkadotChainClient } from './chain/PolkadotChainClient.js';
import { clientPolicy } from './clients/clientPolicy.js';
import type { Config } from './config/Config.js';
import { shutdownDrainMs } from './config/shutdownDrain.js';
import type { RunningDevChain } from './devchain/startDevChain.js';
import { createApp } from './http/createApp.js';
import { createHttpServer } from './http/createHttpServer.js';
import { defaultMaxConnections, openFileLimit } from './http/defaultMaxConnections.js';
import { HttpConnectionGuard } from './http/HttpConnectionGuard.js';
import { createAccountRateLimiter } from './http/middleware/rateLimits.js';
import { httpServerComponent } from './lifecycle/httpServerComponent.js';
import { Lifecycle } from './lifecycle/Lifecycle.js';
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
import { registerComponentMetrics } from './observability/registerComponentMetrics.js';
import { livestreamPipeline } from './pipeline/livestreamPipeline.js';
import { ViewerPresence } from './presence/ViewerPresence.js';
import { RealtimeHub } from './realtime/RealtimeHub.js';
import { WebSocketGateway } from './realtime/WebSocketGateway.js';
import { RoomViews } from './rooms/RoomViews.js';
import { RedisPresenceSync } from './scaleout/RedisPresenceSync.js';
import { RedisRoomRelay } from './scaleout/RedisRoomRelay.js';
import { createSessionService } from './sessions/createSessionService.js';
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
/** Where `scripts/buildDemo.ts` puts the demo page (the same from src/ under tsx and from dist/). */
const DEMO_BUILD_DIR = fileURLToPath(new URL('../demo/dist', import.meta.url));

export interface RunningService {
  /** `http://host:port` of the API. */
  url: string;
  server: Server;
  /** The HTTP API, which the server runs behind its connection guard. */
  app: Express;
  /** The embedded dev chain, when no chain endpoint was configured. */
  devchain: RunningDevChain | undefined;
  chain: PolkadotChainClient;
  follower: FinalizedBlockFollower;
  /** Best blocks ahead of finality, through the same pipeline (`best`, `confirmed`, retractions). */
  bestFollower: BestBlockFollower;
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
    devchain = await startEmbeddedDevChain(config, logger);
    endpoint = devchain.url;
  }

  // Optional shared state: every use below falls back to local state while Redis is unreachable.
  const instanceId = randomUUID();
  const redis = config.redis.url
    ? new RedisConnection({ url: config.redis.url, keyPrefix: config.redis.keyPrefix, logger })
    : undefined;
  const metrics = new Metrics();
  const sharedReplayGuard = redis
    ? sharedReplayGuards({
        redis,
        owner: instanceId,
        logger,
        onPossibleReplays: (namespace, count) => metrics.possibleReplays.inc({ namespace }, count),
      })
    : undefined;
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
  const bestFollower = new BestBlockFollower({ chain, finalized: follower, logger });
  const rooms = new ChainRooms({ chain, logger });
  const presence = new ViewerPresence({ accountsPerIp: config.rateLimit.presenceAccountsPerIp });
  const roomViews = new RoomViews({ rooms, presence, servedBlock: () => rooms.block });
  const clients = clientPolicy({ cors: config.cors, trustProxy: config.server.trustProxy });

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
  const sessions = createSessionService({
    auth: config.auth,
    verifier,
    usedNonces: replayGuard('siws-nonce'),
    redis,
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
    clients,
    sessions,
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
        bestBlock: rooms.block,
        followerLagBlocks: follower.lagBlocks,
        rooms: rooms.size,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        now: Date.now(),
        sessionStore: sessions.storeKind,
      }),
  });

  const hub = new RealtimeHub({
    rooms: roomViews,
    presence,
    logger,
    isKicked: (roomId, account) => {
      const parsed = parseAccount(account);
      return parsed ? rooms.isBlacklisted(roomId, parsed.accountId) : Promise.resolve(false);
    },
  });
  const pipeline = livestreamPipeline({ rooms, presence, livekit: livekitActions, roomLimits, hub });
  follower.onReset(pipeline.reset);
  // At start and after every chain reset, once the pipeline has loaded the rooms (handlers run in order).
  follower.onReset(() => {
    void livekitReconciler.reconcile();
  });
  // Finalized blocks reach the pipeline through the best follower, which tells a block it applied
  // ahead of finality (confirmed) from one it never saw (finalized).
  bestFollower.onBlock(pipeline.apply);
  bestFollower.onRetract(pipeline.retract);
  follower.onAdvance(pipeline.finalized);
  const websockets = new WebSocketGateway({
    hub,
    authenticator,
    clients,
    sessions,
    logger,
  });

  const relay = redis ? new RedisRoomRelay({ redis, hub, instanceId, logger }) : undefined;
  const presenceSync = redis ? new RedisPresenceSync({ redis, presence, instanceId, logger }) : undefined;
  registerComponentMetrics(metrics, { chain, follower, rooms, hub, livekitHealth, livekitActions, redis });

  const maxConnections = config.server.maxConnections ?? defaultMaxConnections(openFileLimit());
  const guard = new HttpConnectionGuard({
    clients,
    maxConnections,
    maxConnectionsPerIp: config.server.maxConnectionsPerIp,
    maxInFlightPerIp: config.server.maxInFlightPerIp,
    onRefused: (reason) => metrics.httpRefusals.inc({ reason }),
  });
  metrics.gauge(
    'livestream_http_connections',
    'Client connections open (HTTP and WebSocket)',
    () => guard.connections,
  );
  const server = createHttpServer(app, guard);
  websockets.attach(server);
  server.requestTimeout = HTTP_REQUEST_TIMEOUT_MS;
  server.headersTimeout = HTTP_HEADERS_TIMEOUT_MS;

  // Started in this order, stopped in the reverse one: the server stops taking requests first,
  // and the connections everything else uses close last.
  const lifecycle = new Lifecycle([
    devchain && { name: 'dev chain', stop: () => devchain.close() },
    redis && { name: 'redis', stop: () => redis.close() },
    { name: 'chain client', stop: () => chain.close() },
    // Ready means able to check a signature now: the first requests do not wait for workers to boot.
    { name: 'signature workers', start: () => workers.whenReady(), stop: () => verifier.close() },
    { name: 'presence expiry', start: () => presence.start(), stop: () => presence.stop() },
    presenceSync && {
      name: 'presence sync',
      start: () => presenceSync.start(),
      stop: () => presenceSync.stop(),
    },
    relay && { name: 'room relay', start: () => relay.start(), stop: () => relay.stop() },
    { name: 'livekit actions', stop: () => livekitActions.close() },
    { name: 'block follower', start: () => follower.start(), stop: () => follower.stop() },
    { name: 'best block follower', start: () => bestFollower.start(), stop: () => bestFollower.stop() },
    { name: 'livekit health', start: () => livekitHealth.start(), stop: () => livekitHealth.stop() },
    { name: 'presence reconciler', start: () => reconciler.start(), stop: () => reconciler.stop() },
    {
      name: 'livekit reconciler',
      start: () => livekitReconciler.start(),
      stop: () => livekitReconciler.stop(),
    },
    httpServerComponent({
      server,
      port: options.port ?? config.server.port,
      host: config.server.host,
      drainTimeoutMs: shutdownDrainMs(config.server.shutdownTimeoutMs),
      beforeClose: () => websockets.close({ type: 'server:shutdown' }),
    }),
  ]);
  await lifecycle.start();
  const address = server.address() as AddressInfo;
  const host =
    config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  logger.info({ url, chain: endpoint, maxConnections }, 'livestream backend listening');

  return {
    url,
    server,
    app,
    devchain,
    chain,
    follower,
    bestFollower,
    rooms,
    hub,
    presence,
    livekitActions,
    livekitHealth,
    reconciler,
    livekitReconciler,
    redis,
    close: () => lifecycle.stop(),
  };
}

/**
 * The dev chain, imported here only: production requires CHAIN_WS_ENDPOINT, so it never loads
 * the dev chain's code.
 */
async function startEmbeddedDevChain(config: Config, logger: Logger): Promise<RunningDevChain> {
  const { startDevChain } = await import('./devchain/startDevChain.js');
  const devchain = await startDevChain({ port: config.chain.devchainPort, seed: { kind: 'demo' } });
  logger.info({ url: devchain.url }, 'embedded dev chain started (demo seed)');
  return devchain;
}
