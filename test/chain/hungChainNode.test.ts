import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainBlock } from '../../src/chain/livestreamEvents.js';
import { RequestSigner } from '../support/RequestSigner.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';

const API = '/api/livestream';
/** The chain deadline of these services: short, so a hung node is met quickly. */
const CHAIN_TIMEOUT_MS = 300;
/** Far longer than any test here: only the request's own deadline can answer. */
const SLOW_PROBE_MS = 300_000;
const FAST_PROBE_MS = 200;

const signer = new RequestSigner();

function viewerToken(service: TestService, seed: string) {
  // A fresh account: its blacklist entry is not cached, so the request must read the chain.
  return request(service.server)
    .post(`${API}/viewer-token`)
    .send(signer.sign(testPair('sr25519', seed), 0));
}

function expectChainUnavailable(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({ error: { code: 'CHAIN_UNAVAILABLE', message: expect.any(String) } });
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter) && retryAfter > 0).toBe(true);
}

describe('a hung chain node (socket open, no answers): the request path', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({
      env: { CHAIN_TIMEOUT_MS: String(CHAIN_TIMEOUT_MS), CHAIN_PROBE_INTERVAL_MS: String(SLOW_PROBE_MS) },
    });
  });
  afterAll(async () => {
    service?.devchain.server.resume();
    await service?.close();
  });

  it('answers a token request that needs a chain read with 503 CHAIN_UNAVAILABLE and Retry-After at its deadline', async () => {
    expect((await viewerToken(service, 'HungBefore')).status).toBe(200);
    service.devchain.server.hang();
    try {
      const started = performance.now();
      expectChainUnavailable(await viewerToken(service, 'HungDuring'));
      // The provider's own request timeout is 10 s; the deadline answered long before it.
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      service.devchain.server.resume();
    }
    expect((await viewerToken(service, 'HungAfter')).status).toBe(200);
  });
});

describe('a hung chain node: the liveness probe', () => {
  let service: TestService;
  const processed: ChainBlock[] = [];

  beforeAll(async () => {
    service = await startTestService({
      env: { CHAIN_TIMEOUT_MS: String(CHAIN_TIMEOUT_MS), CHAIN_PROBE_INTERVAL_MS: String(FAST_PROBE_MS) },
    });
    service.follower.onBlock((block) => {
      processed.push(block);
    });
  });
  afterAll(async () => {
    service?.devchain.server.resume();
    await service?.close();
  });

  it('reports the node disconnected in /health, refuses tokens at once, reconnects when it answers again, and the follower resumes without gaps or duplicates', async () => {
    const { chain } = service.devchain;
    const before = chain.finalized.number;
    const down = service.chainStatus('disconnected');
    service.devchain.server.hang();
    try {
      await down;
      const health = await request(service.server).get('/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'down', services: { chain: 'disconnected' } });
      expectChainUnavailable(await viewerToken(service, 'ProbeDuring'));

      // The chain moves on while this service cannot see it.
      for (const method of ['pauseLive', 'resumeLive', 'pauseLive'] as const) {
        const outcome = await chain.send('Alice', 'livestream', method, 0);
        expect(outcome.success).toBe(true);
      }
    } finally {
      service.devchain.server.resume();
    }
    await service.chainStatus('connected');
    await service.synced();

    expect((await request(service.server).get('/health')).body.services.chain).toBe('connected');
    expect(service.rooms.get(0)?.status).toBe('Paused');
    const numbers = processed.map((block) => block.number).filter((n) => n > before);
    const last = chain.finalized.number;
    expect(numbers).toEqual(Array.from({ length: last - before }, (_, i) => before + 1 + i));
    const ids = processed.flatMap((block) => block.events.map((event) => event.id));
    expect(new Set(ids).size).toBe(ids.length);
    const names = processed.flatMap((block) => block.events.map((event) => event.name));
    expect(names.filter((name) => name === 'LivePaused' || name === 'LiveResumed')).toEqual([
      'LivePaused',
      'LiveResumed',
      'LivePaused',
    ]);

    await service.send('Alice', 'livestream', 'resumeLive', 0);
    expect(service.rooms.get(0)?.status).toBe('Live');
    expect((await viewerToken(service, 'ProbeAfter')).status).toBe(200);
  });
});
