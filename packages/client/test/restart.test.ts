import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningDevChain, startDevChain } from '../../../src/devchain/startDevChain.js';
import { type RunningService, startService } from '../../../src/startService.js';
import { FakeLiveKitServer } from '../../../test/support/FakeLiveKitServer.js';
import { captureLogs } from '../../../test/support/logCapture.js';
import { testServiceConfig } from '../../../test/support/startTestService.js';
import { testPair } from '../../../test/support/testPair.js';
import { createLivestreamClient, keyringSigner } from '../src/index.js';
import { EventRecorder } from './support/EventRecorder.js';

const ROCKET = 1;
/** Rocket's price on the demo seed: 10 DUST. */
const ROCKET_PLANCK = 10n * 10n ** 12n;

describe('the client across a restart of the server', () => {
  let devchain: RunningDevChain;
  let livekit: FakeLiveKitServer;
  let service: RunningService | undefined;
  const logs = captureLogs('warn');

  beforeAll(async () => {
    devchain = await startDevChain({ port: 0, seed: { kind: 'demo' } });
    livekit = await FakeLiveKitServer.start();
  });
  afterAll(async () => {
    await service?.close();
    await devchain?.close();
    await livekit?.stop();
  });

  const start = (port: number) =>
    startService({
      config: testServiceConfig(devchain.url, livekit),
      logger: logs.logger,
      port,
    });

  it('misses nothing: events while it was away come back as room:reset with the room as it is now', async () => {
    service = await start(0);
    const port = Number(new URL(service.url).port);
    const client = createLivestreamClient({
      baseUrl: service.url,
      WebSocket,
      signer: keyringSigner(testPair('sr25519', 'Bob')),
    });
    const connection = client.connect({ backoff: { initialMs: 50, maxMs: 400 } });
    const recorder = new EventRecorder(connection, [
      'state',
      'room:joined',
      'room:reset',
      'gift:received',
      'error',
    ]);
    try {
      const first = await connection.join(0);
      const gifts0 = BigInt(first.room.totalGifts);
      await devchain.chain.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 1);
      expect((await recorder.next('gift:received')).data.quantity).toBe(1);

      await service.close();
      service = undefined;
      const down = await recorder.next('state', (s) => s.state === 'reconnecting');
      expect(down.closeCode).toBe(1001);
      // While the server is down: a gift nobody can push.
      await devchain.chain.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 2);
      service = await start(port);

      const reset = await recorder.next('room:reset');
      expect(reset).toEqual({ type: 'room:reset', roomId: 0 });
      const rejoined = await recorder.next('room:joined');
      expect(BigInt(rejoined.room.totalGifts)).toBe(gifts0 + 3n * ROCKET_PLANCK);

      await devchain.chain.send('Charlie', 'livestream', 'sendGift', 0, ROCKET, 4);
      expect((await recorder.next('gift:received')).data.quantity).toBe(4);
      expect(recorder.all('gift:received').map((g) => g.data.quantity)).toEqual([1, 4]);
      expect(connection.state).toBe('open');
    } finally {
      connection.close();
    }
  });
});
