import type { NextFunction, Request, Response } from 'express';
import { pino } from 'pino';
import request from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError, ERROR_STATUS, type ErrorCode } from '../../src/errors/AppError.js';
import { errorHandler, OUTAGE_LOG_INTERVAL_MS } from '../../src/http/middleware/errorHandler.js';
import { httpTestApp } from '../support/httpTestApp.js';

const RoomBody = z.object({ roomId: z.number().int().nonnegative(), signature: z.string().min(1) });

function appWithRoutes() {
  return httpTestApp(
    { BODY_LIMIT_BYTES: '1024' },
    {
      mount: (app) => {
        app.post('/echo', (req, res) => {
          res.json(RoomBody.parse(req.body));
        });
        app.get('/app-error/:code', (req) => {
          const code = req.params.code as ErrorCode;
          throw new AppError(
            code,
            `failed with ${code}`,
            code === 'CHAIN_UNAVAILABLE' ? { retryAfterSeconds: 5 } : {},
          );
        });
        app.get('/rate-limited', () => {
          throw new AppError('RATE_LIMIT_EXCEEDED', 'slow down', { retryAfterSeconds: 2.2 });
        });
        app.get('/boom', () => {
          throw new Error('database password is hunter2');
        });
        app.get('/async-boom', async () => {
          await Promise.resolve();
          throw new TypeError('cannot read properties of undefined');
        });
      },
    },
  );
}

describe('error responses', () => {
  it('turns a ZodError into 400 VALIDATION_ERROR naming each bad field', async () => {
    const { app } = appWithRoutes();
    const res = await request(app).post('/echo').send({ roomId: 'seven', signature: '' }).expect(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      error: {
        code: 'VALIDATION_ERROR',
        message: expect.stringMatching(/^roomId: .*expected number.*; signature: /),
      },
    });
  });

  it.each(Object.entries(ERROR_STATUS))('sends AppError %s with status %i', async (code, status) => {
    const { app } = appWithRoutes();
    const res = await request(app).get(`/app-error/${code}`).expect(status);
    expect(res.body).toEqual({ error: { code, message: `failed with ${code}` } });
  });

  it('sets Retry-After from retryAfterSeconds, rounded up to whole seconds', async () => {
    const { app } = appWithRoutes();
    const unavailable = await request(app).get('/app-error/CHAIN_UNAVAILABLE').expect(503);
    expect(unavailable.headers['retry-after']).toBe('5');
    const limited = await request(app).get('/rate-limited').expect(429);
    expect(limited.headers['retry-after']).toBe('3');
    const notFound = await request(app).get('/app-error/ROOM_NOT_FOUND').expect(404);
    expect(notFound.headers['retry-after']).toBeUndefined();
  });

  it('answers an oversized body with 413 PAYLOAD_TOO_LARGE as JSON', async () => {
    const { app } = appWithRoutes();
    const res = await request(app)
      .post('/echo')
      .send({ roomId: 1, signature: 'x'.repeat(4096) })
      .expect(413);
    expect(res.body).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' } });
  });

  it('answers a 1 MiB body with 413 too', async () => {
    const { app } = appWithRoutes();
    const res = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .send(`{"pad":"${'x'.repeat(1024 * 1024)}"}`)
      .expect(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with 400 VALIDATION_ERROR as JSON', async () => {
    const { app } = appWithRoutes();
    const res = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .send('{"roomId": 1,')
      .expect(400);
    expect(res.body).toEqual({
      error: { code: 'VALIDATION_ERROR', message: 'Request body is not valid JSON' },
    });
  });

  it('refuses a top-level JSON primitive (strict parsing)', async () => {
    const { app } = appWithRoutes();
    const res = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .send('"text"')
      .expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('answers a body that is not JSON with 415 and a clear message', async () => {
    const { app } = appWithRoutes();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await request(app)
        .post('/echo')
        .set('Content-Type', contentType)
        .send('roomId=1')
        .expect(415);
      expect(res.body).toEqual({
        error: {
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: 'Request body must be JSON sent with Content-Type: application/json',
        },
      });
    }
  });

  it('answers a POST without a body through validation, not a crash', async () => {
    const { app } = appWithRoutes();
    const res = await request(app).post('/echo').expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('answers an unsupported charset or encoding with 415', async () => {
    const { app } = appWithRoutes();
    const charset = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json; charset=latin-9000')
      .send('{}')
      .expect(415);
    expect(charset.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const encoding = await request(app)
      .post('/echo')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'compress')
      .send('{}')
      .expect(415);
    expect(encoding.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown route with a JSON 404', async () => {
    const { app } = appWithRoutes();
    const res = await request(app).get('/no/such/route').expect(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /no/such/route' } });
  });

  it('answers a malformed percent-escape in a path parameter with 400, not 500', async () => {
    const { app } = appWithRoutes();
    const res = await request(app).get('/app-error/%E0%A4%A').expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('logs a known outage (our own 503) at warn with its reason, no stack, once per interval', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { app, logs } = appWithRoutes();
      for (let i = 0; i < 4; i++) await request(app).get('/app-error/CHAIN_UNAVAILABLE').expect(503);
      await logs.waitFor((e) => e.msg === 'failed with CHAIN_UNAVAILABLE');
      const outageLines = () => logs.entries().filter((e) => e.msg === 'failed with CHAIN_UNAVAILABLE');
      expect(outageLines()).toHaveLength(1);
      expect(outageLines()[0]).toMatchObject({ level: 'warn', code: 'CHAIN_UNAVAILABLE' });
      expect(outageLines()[0]).not.toHaveProperty('err');
      expect(logs.text()).not.toContain('errorHandler.test.ts');

      vi.setSystemTime(Date.now() + OUTAGE_LOG_INTERVAL_MS);
      await request(app).get('/app-error/CHAIN_UNAVAILABLE').expect(503);
      await logs.waitFor((e) => e.msg === 'failed with CHAIN_UNAVAILABLE' && 'alsoSinceLastLine' in e);
      expect(outageLines()[1]).toMatchObject({ level: 'warn', alsoSinceLastLine: 3 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('hides a thrown Error behind a generic 500 and logs it with its stack', async () => {
    const { app, logs } = appWithRoutes();
    for (const path of ['/boom', '/async-boom']) {
      const res = await request(app).get(path).expect(500);
      expect(res.body).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } });
      expect(res.text).not.toMatch(/hunter2|cannot read|stack|at /);
    }
    const logged = await logs.waitFor((entry) => entry.msg === 'unhandled error');
    expect(logged).toMatchObject({ level: 'error', err: { message: 'database password is hunter2' } });
    expect((logged.err as { stack: string }).stack).toContain('errorHandler.test.ts');
  });

  it('never sends X-Powered-By', async () => {
    const { app } = appWithRoutes();
    const res = await request(app).get('/boom');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('hands over to Express when the response has already started', () => {
    const handler = errorHandler({ logger: pino({ level: 'silent' }) });
    const res = { headersSent: true, status: vi.fn(), json: vi.fn() } as unknown as Response;
    const next = vi.fn() as NextFunction;
    const error = new Error('mid-stream');
    handler(error, {} as Request, res, next);
    expect(next).toHaveBeenCalledWith(error);
    expect(res.status).not.toHaveBeenCalled();
  });
});
