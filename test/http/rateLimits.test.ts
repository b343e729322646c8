import type express from 'express';
import type { Express } from 'express';
import { MemoryStore, type Store } from 'express-rate-limit';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createAccountRateLimiter, setRateLimitAccount } from '../../src/http/middleware/rateLimits.js';
import { FailingStore } from '../support/FailingStore.js';
import { httpTestApp } from '../support/httpTestApp.js';
import { captureLogs } from '../support/logCapture.js';

function mountPing(app: Express) {
  app.get('/ping', (_req, res) => {
    res.json({ pong: true });
  });
}

/**
 * A token route shaped like the real ones: parse the body, record the account, then the limiter,
 * then the expensive check (counted, to prove the limiter runs before it).
 */
function mountTokenRoute(app: Express, limiter: express.RequestHandler, expensiveChecks: { count: number }) {
  app.post(
    '/token',
    (req, res, next) => {
      const account = String((req.body as { account?: unknown }).account ?? '').toLowerCase();
      setRateLimitAccount(res, account);
      next();
    },
    limiter,
    (_req, res) => {
      expensiveChecks.count += 1;
      res.json({ token: 'ok' });
    },
  );
}

describe('per-IP rate limit', () => {
  it('answers over the limit with 429, Retry-After and our JSON body', async () => {
    const { app } = httpTestApp({ RATE_LIMIT_IP_MAX: '2' }, { mount: mountPing });
    const first = await request(app).get('/ping').expect(200);
    // A backstop, not a budget to pace against: no RateLimit headers on every response.
    expect(first.headers.ratelimit).toBeUndefined();
    expect(first.headers['x-ratelimit-limit']).toBeUndefined();
    await request(app).get('/ping').expect(200);
    const limited = await request(app).get('/ping').expect(429);
    expect(limited.body).toEqual({
      error: { code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests, retry later' },
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('counts unknown routes too (404s cost the client as much as hits)', async () => {
    const { app } = httpTestApp({ RATE_LIMIT_IP_MAX: '1' }, { mount: mountPing });
    await request(app).get('/nope').expect(404);
    await request(app).get('/ping').expect(429);
  });

  it('keys clients by the address TRUST_PROXY says to believe', async () => {
    const behindProxy = httpTestApp({ RATE_LIMIT_IP_MAX: '1', TRUST_PROXY: '1' }, { mount: mountPing }).app;
    await request(behindProxy).get('/ping').set('X-Forwarded-For', '203.0.113.1').expect(200);
    await request(behindProxy).get('/ping').set('X-Forwarded-For', '203.0.113.2').expect(200);
    await request(behindProxy).get('/ping').set('X-Forwarded-For', '203.0.113.1').expect(429);

    const direct = httpTestApp({ RATE_LIMIT_IP_MAX: '1' }, { mount: mountPing }).app;
    await request(direct).get('/ping').set('X-Forwarded-For', '203.0.113.1').expect(200);
    // Without a trusted proxy a forged X-Forwarded-For does not buy a fresh bucket.
    await request(direct).get('/ping').set('X-Forwarded-For', '203.0.113.2').expect(429);
  });

  it('lets requests through when the store fails, instead of answering 500', async () => {
    const { app, logs } = httpTestApp(
      { RATE_LIMIT_IP_MAX: '1' },
      { mount: mountPing, createRateLimitStore: (prefix) => new FailingStore(prefix) },
    );
    for (let i = 0; i < 3; i += 1) await request(app).get('/ping').expect(200);
    const logged = await logs.waitFor((entry) => entry.limiter === 'rl:ip:');
    expect(logged).toMatchObject({ level: 'error', err: { message: 'store unavailable' } });
  });

  it('builds one store per limiter from the factory, with the limiter prefix', () => {
    const prefixes: string[] = [];
    httpTestApp(
      {},
      {
        mount: mountPing,
        createRateLimitStore: (prefix) => {
          prefixes.push(prefix);
          return new MemoryStore();
        },
      },
    );
    expect(prefixes).toEqual(['rl:ip:']);
  });
});

describe('per-account rate limit', () => {
  function tokenApp(createStore?: (prefix: string) => Store) {
    const expensiveChecks = { count: 0 };
    const logs = captureLogs();
    const limiter = createAccountRateLimiter({
      windowMs: 60_000,
      limit: 2,
      logger: logs.logger,
      ...(createStore === undefined ? {} : { createStore }),
    });
    const { app } = httpTestApp({}, { mount: (a) => mountTokenRoute(a, limiter, expensiveChecks) });
    return { app, expensiveChecks, logs };
  }

  it('counts per account, not per IP, and stops before the expensive check', async () => {
    const { app, expensiveChecks } = tokenApp();
    await request(app).post('/token').send({ account: 'ALICE' }).expect(200);
    await request(app).post('/token').send({ account: 'alice' }).expect(200);
    const limited = await request(app).post('/token').send({ account: 'alice' }).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(expensiveChecks.count).toBe(2);
    expect(limited.headers.ratelimit).toMatch(/^limit=2, remaining=0, reset=\d+$/);
    expect(limited.headers['ratelimit-policy']).toBe('2;w=60');

    // Same IP, another account: its own budget.
    await request(app).post('/token').send({ account: 'bob' }).expect(200);
    expect(expensiveChecks.count).toBe(3);
  });

  it('lets requests through when its store fails', async () => {
    const { app, expensiveChecks } = tokenApp((prefix) => new FailingStore(prefix));
    for (let i = 0; i < 4; i += 1) await request(app).post('/token').send({ account: 'alice' }).expect(200);
    expect(expensiveChecks.count).toBe(4);
  });

  it('fails loudly when a route forgot to name the account', async () => {
    const logs = captureLogs();
    const limiter = createAccountRateLimiter({ windowMs: 60_000, limit: 2, logger: logs.logger });
    const { app } = httpTestApp(
      {},
      {
        mount: (a) =>
          a.post('/forgot', limiter, (_req, res) => {
            res.json({});
          }),
      },
    );
    const res = await request(app).post('/forgot').send({}).expect(500);
    expect(res.body.error.code).toBe('INTERNAL_ERROR');
  });

  it('accepts a key function instead of res.locals', async () => {
    const logs = captureLogs();
    const limiter = createAccountRateLimiter({
      windowMs: 60_000,
      limit: 1,
      logger: logs.logger,
      keyFor: (req) => req.get('x-account'),
    });
    const { app } = httpTestApp(
      {},
      {
        mount: (a) =>
          a.get('/keyed', limiter, (_req, res) => {
            res.json({});
          }),
      },
    );
    await request(app).get('/keyed').set('x-account', 'a').expect(200);
    await request(app).get('/keyed').set('x-account', 'b').expect(200);
    await request(app).get('/keyed').set('x-account', 'a').expect(429);
  });
});
