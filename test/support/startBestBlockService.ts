import type { DevChain } from '../../src/devchain/DevChain.js';
import { BestWatch } from './BestWatch.js';
import { startTestService, type TestService } from './startTestService.js';
import { WsTestClient } from './WsTestClient.js';

export interface BestBlockService {
  service: TestService;
  chain: DevChain;
  best: BestWatch;
  /** A new WebSocket client of the service (closed by `close`). */
  connect(): Promise<WsTestClient>;
  /** A new client that sent `join-room` for `roomId` (with `frame`'s fields), once `room:joined` came. */
  joined(roomId: number, frame?: Record<string, unknown>): Promise<WsTestClient>;
  /** Closes every client, then the service. */
  close(): Promise<void>;
}

/**
 * The service following its dev chain at block speed: `prepare` runs while the chain still
 * finalizes by itself, then it stops, so each new block stays best until the test finalizes it,
 * as on a real chain between import and GRANDPA.
 */
export async function startBestBlockService(
  prepare: (service: TestService) => Promise<void> = async () => {},
): Promise<BestBlockService> {
  const service = await startTestService();
  const chain = service.devchain.chain;
  const wsUrl = `${service.url.replace('http', 'ws')}/ws`;
  const best = new BestWatch(service.bestFollower);
  const clients: WsTestClient[] = [];
  await prepare(service);
  chain.setAutoFinalize(false);

  const connect = async () => {
    const client = await WsTestClient.connect(wsUrl);
    clients.push(client);
    return client;
  };
  return {
    service,
    chain,
    best,
    connect,
    async joined(roomId, frame = {}) {
      const client = await connect();
      client.send({ type: 'join-room', roomId, ...frame });
      await client.nextOfType('room:joined');
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await service.close();
    },
  };
}
