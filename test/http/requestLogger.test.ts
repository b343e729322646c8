import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors/AppError.js';
import { UNAVAILABLE_LOG_INTERVAL_MS } from '../../src/http/middleware/requestLogger.js';
import { httpTestApp } from '../support/httpTestApp.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function loggedApp(onHang: () => void = () => {}) {
  return httpTestApp(
    {},
    {
      mount: (app) => {
        const router = express.Router();
        router.post('/viewer-token', (req, res) => {
          req.log.info({ roomId: (req.body as { roomId: number }).roomId }, 'issuing token');
          res.json({ token: 'eyJhbGciOiJIUzI1NiJ9.issued-token' });
        });
        router.get('/room/:roomId', (req) => {
          throw new AppError('ROOM_NOT_FOUND', `room ${req.params.roomId} not found`);
        });
        router.get('/crash', () => {
          throw new Error('kaboom');
        });
        router.get('/rooms', (_req, res) => {
          res.json({ rooms: [] });
        });
        router.get('/unavailable', (_req, res) => {
          res.status(503).json({ status: 'not_ready' });
        });
        // Never answers: the client gives up.
        router.get('/hang', () => onHang());
        app.use('/api/livestream', router);
      },
    },
  );
}

describe('request logging', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs the path and the query parameter names, never their values', async () => {
    // The attack: `?signature=…&token=eyJ…` used to land in the log verbatim.
    const { app, logs } = loggedApp();
    await request(app)
      .get('/api/livestream/rooms?signature=0xsig-secret&token=eyJtoken-secret&status=Live&flag')
      .expect(200);
    const line = await logs.waitFor((entry) => entry.msg === 'GET /api/livestream/rooms 200');
    expect((line.req as { url: string }).url).toBe(
      '/api/livestream/rooms?signature=[REDACTED]&token=[REDACTED]&status=[REDACTED]&flag',
    );
    expect(logs.text()).not.toMatch(/sig-secret|token-secret/);
  });

  it('logs 503s at warn, one line per route per interval with the count it stands for', async () => {
    // The attack: during an outage every 503 (readiness probes, CHAIN_UNAVAILABLE) was an error line.
    vi.useFakeTimers({ toFake: ['Date'] });
    const { app, logs } = loggedApp();
    for (let i = 0; i < 5; i++) await request(app).get('/api/livestream/unavailable').expect(503);
    await request(app).get('/api/livestream/rooms').expect(200);
    await logs.waitFor((entry) => entry.msg === 'GET /api/livestream/rooms 200');
    const unavailable = () => logs.entries().filter((e) => e.msg === 'GET /api/livestream/unavailable 503');
    expect(unavailable()).toHaveLength(1);
    expect(unavailable()[0]).toMatchObject({ level: 'warn' });
    expect(unavailable()[0]).not.toHaveProperty('alsoUnavailableSinceLastLine');

    vi.setSystemTime(Date.now() + UNAVAILABLE_LOG_INTERVAL_MS);
    await request(app).get('/api/livestream/unavailable').expect(503);
    await logs.waitFor(
      (e) => e.msg === 'GET /api/livestream/unavailable 503' && 'alsoUnavailableSinceLastLine' in e,
    );
    expect(unavailable()).toHaveLength(2);
    expect(unavailable()[1]).toMatchObject({ level: 'warn', alsoUnavailableSinceLastLine: 4 });
  });

  it('writes no secret from headers or body into the log', async () => {
    const { app, logs } = loggedApp();
    await request(app)
      .post('/api/livestream/viewer-token')
      .set('Authorization', 'Bearer bearer-secret-x')
      .set('Cookie', 'session=cookie-secret-y')
      .send({ roomId: 7, viewerAddress: '5Grw', signature: '0xsignature-secret-z', timestamp: 1 })
      .expect(200);
    await logs.waitFor((entry) => entry.msg === 'POST /api/livestream/viewer-token 200');
    const text = logs.text();
    for (const secret of ['bearer-secret-x', 'cookie-secret-y', 'signature-secret-z', 'issued-token']) {
      expect(text).not.toContain(secret);
    }
  });

  it('logs method, URL, route template, status, duration and request id on one line', async () => {
    const { app, logs } = loggedApp();
    const res = await request(app)
      .post('/api/livestream/viewer-token')
      .set('User-Agent', 'app/1.0')
      .send({ roomId: 7 });
    const line = await logs.waitFor((entry) => entry.msg === 'POST /api/livestream/viewer-token 200');
    expect(line).toMatchObject({
      level: 'info',
      route: '/api/livestream/viewer-token',
      reqId: res.headers['x-request-id'],
      req: { method: 'POST', url: '/api/livestream/viewer-token', headers: { 'user-agent': 'app/1.0' } },
      res: { statusCode: 200 },
    });
    expect(typeof line.durationMs).toBe('number');
    expect(line.req).not.toHaveProperty('body');
    expect((line.req as { headers: object }).headers).not.toHaveProperty('authorization');
  });

  it('binds handler logs to the request id', async () => {
    const { app, logs } = loggedApp();
    const res = await request(app).post('/api/livestream/viewer-token').send({ roomId: 7 });
    const line = await logs.waitFor((entry) => entry.msg === 'issuing token');
    expect(line).toMatchObject({ reqId: res.headers['x-request-id'], roomId: 7 });
  });

  it('logs by status: 4xx at warn, 5xx at error', async () => {
    const { app, logs } = loggedApp();
    await request(app).get('/api/livestream/room/42').expect(404);
    await request(app).get('/api/livestream/crash').expect(500);
    await request(app).get('/unknown').expect(404);
    // The route template survives an error leaving the router.
    expect(await logs.waitFor((e) => e.msg === 'GET /api/livestream/room/:roomId 404')).toMatchObject({
      level: 'warn',
      route: '/api/livestream/room/:roomId',
    });
    expect(await logs.waitFor((e) => e.msg === 'GET /api/livestream/crash 500')).toMatchObject({
      level: 'error',
    });
    const unknown = await logs.waitFor((e) => e.msg === 'GET /unknown 404');
    expect(unknown).toMatchObject({ level: 'warn' });
    expect(unknown).not.toHaveProperty('route');
  });

  it('echoes a sane X-Request-Id and replaces anything else with a UUID', async () => {
    const { app } = loggedApp();
    const kept = await request(app).get('/unknown').set('X-Request-Id', 'lb-1234.abc:5_6-7');
    expect(kept.headers['x-request-id']).toBe('lb-1234.abc:5_6-7');
    for (const bad of ['x'.repeat(129), 'has space', 'new\\nline', '<script>', '']) {
      const res = await request(app).get('/unknown').set('X-Request-Id', bad);
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
    const generated = await request(app).get('/unknown');
    expect(generated.headers['x-request-id']).toMatch(UUID);
  });

  it('logs a request whose client went away before the answer as aborted', async () => {
    let arrived!: () => void;
    const hanging = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const { app, logs } = loggedApp(() => arrived());
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const client = http.get(`http://127.0.0.1:${port}/api/livestream/hang`);
      client.on('error', () => {});
      await hanging;
      client.destroy();
      const line = await logs.waitFor((entry) => entry.msg === 'GET /api/livestream/hang aborted');
      expect(line).toMatchObject({ level: 'warn', route: '/api/livestream/hang' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
