import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SignedMessageAuthenticator } from '../../src/auth/SignedMessageAuthenticator.js';
import { verifySignature } from '../../src/auth/verifySignature.js';
import type { ChainRooms } from '../../src/chain/ChainRooms.js';
import { clientPolicy } from '../../src/clients/clientPolicy.js';
import type { Config } from '../../src/config/Config.js';
import { loadConfig } from '../../src/config/loadConfig.js';
import { ViewerPresence } from '../../src/presence/ViewerPresence.js';
import { RealtimeHub, type RealtimeHubOptions } from '../../src/realtime/RealtimeHub.js';
import { WebSocketGateway, type WebSocketGatewayOptions } from '../../src/realtime/WebSocketGateway.js';
import { RoomViews } from '../../src/rooms/RoomViews.js';
import { createSessionService } from '../../src/sessions/createSessionService.js';
import type { SessionService } from '../../src/sessions/SessionService.js';
import { MemoryReplayGuard } from '../../src/store/MemoryReplayGuard.js';

const SIGNATURE_MAX_AGE_MS = 5 * 60_000;

export interface StartTestGatewayOptions {
  /** Rooms of a running service (the hub only reads its index). */
  rooms: ChainRooms;
  logger: Logger;
  hub?: Pick<RealtimeHubOptions, 'replay' | 'sliceSends' | 'maxRoomsPerConnection'>;
  gateway?: Partial<
    Pick<WebSocketGatewayOptions, 'heartbeatMs' | 'maxConnectionsPerIp' | 'maxPayloadBytes' | 'frameRate'>
  > & { cors?: Config['cors'] };
}

export interface TestGateway {
  /** `ws://127.0.0.1:<port>/ws` */
  wsUrl: string;
  hub: RealtimeHub;
  presence: ViewerPresence;
  /** The sessions whose access tokens `{type: "auth", token}` frames carry (in memory, test config). */
  sessions: SessionService;
  close(): Promise<void>;
}

/**
 * A `RealtimeHub` and `WebSocketGateway` on their own HTTP server (port 0), built with limits a
 * test can reach quickly (short heartbeat, small caps, small replay buffer). Nothing feeds it chain
 * blocks unless the test does (`hub.publishBlock`, or the service's follower).
 */
export async function startTestGateway(options: StartTestGatewayOptions): Promise<TestGateway> {
  const presence = new ViewerPresence();
  const hub = new RealtimeHub({
    rooms: new RoomViews({ rooms: options.rooms, presence, servedBlock: () => options.rooms.block }),
    presence,
    logger: options.logger,
    ...options.hub,
  });
  const { cors, ...limits } = options.gateway ?? {};
  const verifier = {
    verify: async (m: Uint8Array, s: Uint8Array, a: Uint8Array) => verifySignature(m, s, a),
    close: async () => undefined,
  };
  const sessions = createSessionService({
    auth: loadConfig({ NODE_ENV: 'test' }).auth,
    verifier,
    usedNonces: new MemoryReplayGuard(),
    redis: undefined,
  });
  const gateway = new WebSocketGateway({
    hub,
    authenticator: new SignedMessageAuthenticator({
      verifier,
      replayGuard: new MemoryReplayGuard(),
      maxAgeMs: SIGNATURE_MAX_AGE_MS,
    }),
    sessions,
    logger: options.logger,
    ...limits,
    clients: clientPolicy({
      cors: cors ?? { anyOrigin: true, origins: [] },
      trustProxy: false,
    }),
  });
  const server = createServer((_req, res) => res.writeHead(404).end());
  gateway.attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    hub,
    presence,
    sessions,
    close: async () => {
      gateway.close();
      for (const conn of hub.connections()) conn.socket.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
