import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestSigner } from '../support/RequestSigner.js';
import { startTestService, type TestService } from '../support/startTestService.js';
import { testPair } from '../support/testPair.js';
import { webhookSender } from '../support/webhookSender.js';

const API = '/api/livestream';
const SIGNED_ENDPOINTS = ['publisher-token', 'viewer-token', 'co-host-token', 'viewer-leave'] as const;
const ATTACKER_IP = '203.0.113.9';
const ALICE_IP = '198.51.100.7';

/** Signature checks the service has run so far (its verification histogram's count), from /metrics. */
async function signatureChecks(service: TestService): Promise<number> {
  const res = await request(service.server).get('/metrics').expect(200);
  return [...res.text.matchAll(/^livestream_signature_verification_seconds_count\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

/** Sends LiveKit webhooks to `service`, signed with its LiveKit credentials. */
function webhooksTo(service: TestService) {
  return webhookSender({
    url: `${service.url}/api/livekit/webhook`,
    apiKey: service.config.livekit.apiKey,
    apiSecret: service.config.livekit.apiSecret,
  });
}

/** What a leaked stack or internal detail would look like in a body. */
const LEAK = /\bat \S+ \(|node_modules|\/src\/|\.ts:\d+|Error:|TypeError|SyntaxError/;

/**
 * The whole app as served, on hostile input. The per-account limit is left at its default (20 a
 * minute): the malformed requests here never get that far, and the limit itself is tested below.
 */
describe('createApp (full service): malformed input, unknown routes and rate limits', () => {
  let service: TestService;
  const signer = new RequestSigner();

  /** Every answer: a 4xx, JSON `{error: {code, message}}` and nothing else, no internals. */
  const expectClientError = (res: request.Response, status?: number, code?: string) => {
    const context = `${res.status} ${res.text.slice(0, 300)}`;
    expect(res.status, context).toBeGreaterThanOrEqual(400);
    expect(res.status, context).toBeLessThan(500);
    if (status !== undefined) expect(res.status, context).toBe(status);
    expect(res.headers['content-type'], context).toMatch(/^application\/json/);
    expect(res.body, context).toEqual({
      error: { code: code ?? expect.any(String), message: expect.any(String) },
    });
    expect(res.text, context).not.toMatch(LEAK);
  };

  beforeAll(async () => {
    service = await startTestService({
      env: { RATE_LIMIT_ACCOUNT_MAX: undefined, RATE_LIMIT_ACCOUNT_WINDOW_MS: undefined },
    });
    expect(service.config.rateLimit.accountMaxRequests).toBe(20);
  });

  afterAll(async () => {
    // Nothing above was a server error.
    const errors = service?.logs.entries().filter((entry) => (entry.level as number) >= 50) ?? [];
    expect(errors).toEqual([]);
    await service?.close();
  });

  describe('malformed bodies', () => {
    it('answers malformed JSON with 400 VALIDATION_ERROR on every signed endpoint', async () => {
      for (const endpoint of SIGNED_ENDPOINTS) {
        for (const text of [
          '{',
          '{"roomId": 0,}',
          "{'roomId': 0}",
          '{"roomId": 0} trailing',
          'nul',
          '"just a string"',
          '42',
        ]) {
          const res = await request(service.server)
            .post(`${API}/${endpoint}`)
            .set('Content-Type', 'application/json')
            .send(text);
          expectClientError(res, 400, 'VALIDATION_ERROR');
        }
      }
    });

    it('answers well-formed JSON of the wrong shape with 400 VALIDATION_ERROR', async () => {
      const bodies: unknown[] = [
        [],
        [{ roomId: 0 }],
        {},
        { roomId: { $gt: 0 } },
        { roomId: [0] },
        { roomId: true },
        { roomId: 0, address: { toString: 'x' }, signature: '0x', timestamp: 1 },
        { roomId: 0, address: null, signature: null, timestamp: null },
        { __proto__: { roomId: 0 } },
        { constructor: { prototype: { admin: true } } },
        { roomId: 1e308, address: 'x', signature: '0x00', timestamp: 1e308 },
      ];
      for (const endpoint of SIGNED_ENDPOINTS) {
        for (const body of bodies) {
          const res = await request(service.server)
            .post(`${API}/${endpoint}`)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          expectClientError(res, 400, 'VALIDATION_ERROR');
        }
      }
    });

    it('answers a missing body with 400 and a non-JSON body with 415, as JSON', async () => {
      for (const endpoint of SIGNED_ENDPOINTS) {
        expectClientError(await request(service.server).post(`${API}/${endpoint}`), 400, 'VALIDATION_ERROR');
        expectClientError(
          await request(service.server)
            .post(`${API}/${endpoint}`)
            .set('Content-Type', 'text/plain')
            .send('roomId=0'),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
        expectClientError(
          await request(service.server).post(`${API}/${endpoint}`).type('form').send({ roomId: 0 }),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
      }
    });

    it('answers an oversized body with 413 PAYLOAD_TOO_LARGE before parsing it', async () => {
      const limit = service.config.server.bodyLimitBytes;
      const huge = JSON.stringify({
        ...signer.sign(testPair('sr25519', 'AppHuge'), 0),
        pad: 'x'.repeat(limit),
      });
      for (const endpoint of SIGNED_ENDPOINTS) {
        const res = await request(service.server)
          .post(`${API}/${endpoint}`)
          .set('Content-Type', 'application/json')
          .send(huge);
        expectClientError(res, 413, 'PAYLOAD_TOO_LARGE');
      }
      // Even when it is not valid JSON, and a megabyte.
      const res = await request(service.server)
        .post(`${API}/viewer-token`)
        .set('Content-Type', 'application/json')
        .send(`{"pad":"${'y'.repeat(1024 * 1024)}`);
      expectClientError(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('survives a batch of odd but parseable values on every endpoint without a 5xx', async () => {
      const { Dave } = service.devchain.chain.pairs;
      const base = signer.sign(Dave, 0);
      const odd: unknown[] = [
        '',
        '\u0000',
        '😀'.repeat(50),
        -0,
        Number.MAX_VALUE,
        -Number.MAX_VALUE,
        { a: { b: { c: { d: [] } } } },
        '0x',
        `0x${'zz'.repeat(64)}`,
      ];
      for (const endpoint of SIGNED_ENDPOINTS) {
        for (const field of [
          'roomId',
          'address',
          'signature',
          'timestamp',
          'type',
          'viewerAddress',
          'publicKey',
        ]) {
          for (const value of odd) {
            const res = await request(service.server)
              .post(`${API}/${endpoint}`)
              .send({ ...base, timestamp: signer.timestamp(), [field]: value });
            // Never accepted: the signature was made for another timestamp.
            expectClientError(res);
          }
        }
      }
    });
  });

  describe('unknown routes and methods', () => {
    it('answers unknown paths and wrong methods with a JSON 404 NOT_FOUND', async () => {
      const server = service.server;
      const cases = [
        request(server).get('/'),
        request(server).get('/nope'),
        request(server).get(`${API}`),
        request(server).get(`${API}/nope`),
        request(server).post(`${API}/nope`).send({}),
        request(server).get(`${API}/publisher-token`),
        request(server).put(`${API}/viewer-token`).send({}),
        request(server).delete(`${API}/rooms`),
        request(server).post(`${API}/rooms`).send({}),
        request(server).get(`${API}/room/`),
        request(server).get(`${API}/room/1/extra`),
        request(server).post('/health').send({}),
        request(server).get(`/${'a'.repeat(5000)}`),
      ];
      for (const pending of cases) expectClientError(await pending, 404, 'NOT_FOUND');
    });

    it('answers a broken percent-escape in a route parameter with a JSON 400', async () => {
      expectClientError(await request(service.server).get(`${API}/room/%E0%A4%A`), 400);
    });

    it('reads a room id in its one canonical form only: /room/00000 is refused, not room 0', async () => {
      expect((await request(service.server).get(`${API}/room/0`)).status).toBe(200);
      for (const id of ['00000', '00', '007', '+7', '7.0', '0x7']) {
        expectClientError(await request(service.server).get(`${API}/room/${id}`), 400, 'VALIDATION_ERROR');
      }
    });

    it('refuses compressed bodies with 415 instead of inflating them', async () => {
      const body = JSON.stringify(signer.sign(testPair('sr25519', 'AppGzip'), 0));
      for (const [encoding, compress] of [
        ['gzip', gzipSync],
        ['deflate', deflateSync],
        ['br', brotliCompressSync],
      ] as const) {
        // The compressed bytes as sent (fetch: supertest would serialize a Buffer as JSON).
        const res = await fetch(`${service.url}${API}/viewer-token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
          body: compress(Buffer.from(body)),
        });
        expect(res.status).toBe(415);
        expect(await res.json()).toEqual({
          error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.any(String) },
        });
      }
    });

    it('ignores a UTF-8 byte order mark before a JSON body, as RFC 8259 lets a parser do', async () => {
      const body = JSON.stringify(signer.sign(testPair('sr25519', 'AppBom'), 0));
      const res = await request(service.server)
        .post(`${API}/viewer-token`)
        .set('Content-Type', 'application/json')
        .send(`\uFEFF${body}`);
      expect(res.status, res.text).toBe(200);
    });
  });

  describe('rate limits', () => {
    it('does not let junk signatures in the name of an account lock that account out', async () => {
      // The attack: 20 requests (the per-account limit) with Alice's address and junk or stale
      // signatures used to make her own valid publisher-token request answer 429 for a minute.
      const limit = service.config.rateLimit.accountMaxRequests;
      const alice = service.devchain.chain.pairs.Alice;
      for (let i = 0; i < limit; i++) {
        const endpoint = SIGNED_ENDPOINTS[i % SIGNED_ENDPOINTS.length] as string;
        const junk = {
          ...signer.sign(alice, 0),
          signature: `0x${(i % 256).toString(16).padStart(2, '0').repeat(64)}`,
        };
        expectClientError(
          await request(service.server).post(`${API}/${endpoint}`).send(junk),
          401,
          'INVALID_SIGNATURE',
        );
      }
      const stale = signer.sign(alice, 0, { timestamp: Date.now() - 3_600_000 });
      expectClientError(
        await request(service.server).post(`${API}/publisher-token`).send(stale),
        401,
        'SIGNATURE_EXPIRED',
      );

      const own = await request(service.server).post(`${API}/publisher-token`).send(signer.sign(alice, 0));
      expect(own.status, own.text).toBe(200);
      expect(own.headers.ratelimit).toMatch(new RegExp(`remaining=${limit - 1}\\b`));
    });

    it('limits each account on the signed endpoints once its signature verifies (429 with Retry-After)', async () => {
      const limit = service.config.rateLimit.accountMaxRequests;
      const caller = testPair('sr25519', 'AppRateLimited');
      const other = testPair('sr25519', 'AppNotLimited');
      for (let i = 0; i < limit; i++) {
        const res = await request(service.server).post(`${API}/viewer-leave`).send(signer.sign(caller, 0));
        expect(res.status, `request ${i + 1}: ${res.text}`).toBe(200);
      }
      // The next one is refused on any endpoint, in any address form.
      const refused = signer.sign(caller, 0);
      const limited = await request(service.server).post(`${API}/viewer-token`).send(refused);
      expectClientError(limited, 429, 'RATE_LIMIT_EXCEEDED');
      const retryAfter = Number(limited.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(service.config.rateLimit.accountWindowMs / 1000);
      const hexForm = signer.sign(caller, 0, {
        address: `0x${Buffer.from(caller.publicKey).toString('hex')}`,
      });
      expectClientError(await request(service.server).post(`${API}/publisher-token`).send(hexForm), 429);

      // Other accounts and unsigned endpoints are not affected.
      expect(
        (await request(service.server).post(`${API}/viewer-token`).send(signer.sign(other, 0))).status,
      ).toBe(200);
      expect((await request(service.server).get(`${API}/rooms`)).status).toBe(200);
    });

    it('counts failed signatures against the client IP, and refuses that IP without checking more', async () => {
      const failures = 3;
      const limited = await startTestService({
        env: { TRUST_PROXY: '1', RATE_LIMIT_SIGNATURE_FAILURES: String(failures) },
      });
      try {
        const alice = limited.devchain.chain.pairs.Alice;
        const from = (ip: string, endpoint: string, body: object) =>
          request(limited.server).post(`${API}/${endpoint}`).set('X-Forwarded-For', ip).send(body);
        const junk = () => ({ ...signer.sign(alice, 0), signature: `0x${'ab'.repeat(64)}` });
        for (let i = 0; i < failures; i++) {
          expectClientError(await from(ATTACKER_IP, 'publisher-token', junk()), 401, 'INVALID_SIGNATURE');
        }
        const checksBefore = await signatureChecks(limited);
        // Spent: even a good signature from that IP is refused, before any signature check.
        const refused = await from(
          ATTACKER_IP,
          'viewer-token',
          signer.sign(testPair('sr25519', 'SameIp'), 0),
        );
        expectClientError(refused, 429, 'RATE_LIMIT_EXCEEDED');
        const retryAfter = Number(refused.headers['retry-after']);
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(limited.config.rateLimit.ipWindowMs / 1000);
        expectClientError(await from(ATTACKER_IP, 'viewer-leave', junk()), 429, 'RATE_LIMIT_EXCEEDED');
        expect(await signatureChecks(limited)).toBe(checksBefore);

        // Alice, from her own address, is not affected; nor are unsigned requests from the attacker.
        expect((await from(ALICE_IP, 'publisher-token', signer.sign(alice, 0))).status).toBe(200);
        expect(
          (await request(limited.server).get(`${API}/rooms`).set('X-Forwarded-For', ATTACKER_IP)).status,
        ).toBe(200);
      } finally {
        await limited.close();
      }
    });

    it('limits each client IP over the API routes (429 with Retry-After)', async () => {
      const limited = await startTestService({ env: { RATE_LIMIT_IP_MAX: '5' } });
      try {
        for (let i = 0; i < 5; i++)
          expect((await request(limited.server).get(`${API}/rooms`)).status).toBe(200);
        for (const path of [`${API}/rooms`, '/openapi.json', '/nope']) {
          const res = await request(limited.server).get(path);
          expectClientError(res, 429, 'RATE_LIMIT_EXCEEDED');
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        }
      } finally {
        await limited.close();
      }
    });

    it('keeps health, metrics and signed webhooks answering once the API budget of their IP is spent', async () => {
      // The attack: past the per-IP API budget, LiveKit's webhooks (all from one IP) were refused and
      // lost, and a load balancer's probes from a busy address answered 429.
      const limited = await startTestService({ env: { RATE_LIMIT_IP_MAX: '5' } });
      try {
        const hooks = webhooksTo(limited);
        for (let i = 0; i < 6; i++) await request(limited.server).get(`${API}/rooms`);
        expectClientError(await request(limited.server).get(`${API}/rooms`), 429);

        for (const path of ['/health/live', '/health/ready', '/health', '/metrics']) {
          expect((await request(limited.server).get(path)).status, path).toBe(200);
        }
        for (let i = 0; i < 10; i++) {
          const delivery = await hooks.send({
            event: 'participant_joined',
            room: 'room-0',
            participant: `hook-${i}`,
          });
          expect(delivery.status, delivery.body).toBe(200);
        }
      } finally {
        await limited.close();
      }
    });

    it('gives health and metrics, and webhooks, each a per-IP budget of their own', async () => {
      const limited = await startTestService({
        env: { RATE_LIMIT_HEALTH_MAX: '3', RATE_LIMIT_WEBHOOK_MAX: '2' },
      });
      try {
        const hooks = webhooksTo(limited);
        for (const path of ['/health/live', '/health/ready', '/metrics']) {
          expect((await request(limited.server).get(path)).status).toBe(200);
        }
        const probe = await request(limited.server).get('/health/live');
        expectClientError(probe, 429, 'RATE_LIMIT_EXCEEDED');
        expect(Number(probe.headers['retry-after'])).toBeGreaterThan(0);
        expectClientError(await request(limited.server).get('/metrics'), 429);
        // The API's budget is untouched.
        expect((await request(limited.server).get(`${API}/rooms`)).status).toBe(200);

        expect((await hooks.send({ event: 'room_started', room: 'room-0' })).status).toBe(200);
        expect((await hooks.send({ event: 'room_started', room: 'room-0' })).status).toBe(200);
        expect((await hooks.send({ event: 'room_started', room: 'room-0' })).status).toBe(429);
      } finally {
        await limited.close();
      }
    });

    it('counts forged webhooks against the sender IP, whose deliveries are then refused unchecked', async () => {
      const limited = await startTestService({ env: { RATE_LIMIT_SIGNATURE_FAILURES: '2' } });
      try {
        const hooks = webhooksTo(limited);
        expect((await hooks.sendUnsigned({ event: 'room_started', room: 'room-0' })).status).toBe(401);
        expect((await hooks.sendTampered({ event: 'room_started', room: 'room-0' })).status).toBe(401);
        const refused = await hooks.send({ event: 'room_started', room: 'room-0' });
        expect(refused.status).toBe(429);
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        await limited.close();
      }
    });
  });
});
