import { stringToU8a, u8aToHex } from '@polkadot/util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomMessage } from '../../src/auth/signedMessages.js';
import { DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP } from '../../src/config/configDefaults.js';
import { openRawSocket, socketClosed } from '../support/rawSockets.js';
import { startTestService, type TestService } from '../support/startTestService.js';

function metricValue(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('/metrics', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ env: { METRICS_TOKEN: 'a-metrics-token-for-tests' } });
  });
  afterAll(() => service.close());

  const scrape = async () =>
    (
      await request(service.server)
        .get('/metrics')
        .set('authorization', 'Bearer a-metrics-token-for-tests')
        .expect(200)
    ).text;

  it('needs the bearer token', async () => {
    await request(service.server).get('/metrics').expect(401);
    await request(service.server)
      .get('/metrics')
      .set('authorization', 'Bearer wrong-token-of-some-length')
      .expect(401);
  });

  it('moves with real traffic', async () => {
    const before = await scrape();
    const bob = service.devchain.chain.pairs.Bob;
    const timestamp = Date.now();
    const signature = u8aToHex(bob.sign(stringToU8a(roomMessage(0, timestamp))));
    const body = { roomId: 0, viewerAddress: bob.address, signature, timestamp };
    await request(service.server).post('/api/livestream/viewer-token').send(body).expect(200);
    await request(service.server).post('/api/livestream/viewer-token').send(body).expect(401);
    await request(service.server).get('/api/livestream/rooms').expect(200);
    const after = await scrape();

    const issued = 'role="viewer",outcome="issued"';
    const reused = 'role="viewer",outcome="SIGNATURE_REUSED"';
    expect(metricValue(after, 'livestream_tokens_total', issued)).toBe(
      metricValue(before, 'livestream_tokens_total', issued) + 1,
    );
    expect(metricValue(after, 'livestream_tokens_total', reused)).toBe(
      metricValue(before, 'livestream_tokens_total', reused) + 1,
    );
    expect(
      metricValue(
        after,
        'livestream_http_request_duration_seconds_count',
        'method="GET",route="/api/livestream/rooms",status="200"',
      ),
    ).toBeGreaterThan(0);
    expect(
      metricValue(after, 'livestream_signature_verification_seconds_count', 'valid="true"'),
    ).toBeGreaterThan(metricValue(before, 'livestream_signature_verification_seconds_count', 'valid="true"'));
    expect(metricValue(after, 'livestream_chain_connected')).toBe(1);
    expect(metricValue(after, 'livestream_chain_finalized_height')).toBe(
      service.devchain.chain.finalized.number,
    );
    expect(metricValue(after, 'livestream_rooms_indexed')).toBe(4);
    expect(after).toContain('livestream_process_resident_memory_bytes');
  });

  it('counts connections and the ones refused past the per-address cap', async () => {
    const port = Number(new URL(service.url).port);
    const target = { port, localAddress: '127.0.0.9' };
    const open = [];
    for (let i = 0; i < DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP; i++) open.push(await openRawSocket(target));
    const refused = await openRawSocket(target);
    await socketClosed(refused);

    const text = await scrape();
    expect(metricValue(text, 'livestream_http_refused_total', 'reason="connections_per_ip"')).toBe(1);
    expect(metricValue(text, 'livestream_http_connections')).toBeGreaterThanOrEqual(
      DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP,
    );
    for (const socket of open) socket.destroy();
  });
});
