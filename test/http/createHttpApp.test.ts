import express, { type Express } from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { SECURITY_POLICY, securityHeaders } from '../../src/http/middleware/securityHeaders.js';
import { httpTestApp } from '../support/httpTestApp.js';

describe('createHttpApp', () => {
  it('mounts domain routes with JSON bodies already parsed', async () => {
    const { app } = httpTestApp(
      {},
      {
        mount: (a) => {
          const router = express.Router();
          router.post('/echo', (req, res) => {
            res.json({ received: req.body as unknown });
          });
          a.use('/api/livestream', router);
        },
      },
    );
    const res = await request(app).post('/api/livestream/echo').send({ roomId: 0 }).expect(200);
    expect(res.body).toEqual({ received: { roomId: 0 } });
  });

  it('gives raw-body routes the untouched bytes (webhook signatures hash them)', async () => {
    const payload = '{"event":"participant_joined", "id":"EV_1"}';
    const { app } = httpTestApp(
      {},
      {
        mountWebhooks: (a: Express) => {
          a.post('/api/livekit/webhook', express.raw({ type: 'application/webhook+json' }), (req, res) => {
            res.json({ raw: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : null });
          });
        },
        mount: () => {},
      },
    );
    const res = await request(app)
      .post('/api/livekit/webhook')
      .set('Content-Type', 'application/webhook+json')
      .send(payload)
      .expect(200);
    expect(res.body).toEqual({ raw: payload });
  });

  it('sets the security headers OWASP lists for APIs, and no X-Powered-By', async () => {
    const { app } = httpTestApp({}, { mount: () => {} });
    const res = await request(app).get('/anything').expect(404);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('sends exactly the headers helmet itself sends with the same policy', async () => {
    const respond = (_req: express.Request, res: express.Response) => {
      res.end();
    };
    const viaHelmet = express().disable('x-powered-by').use(helmet(SECURITY_POLICY)).get('/', respond);
    const ours = express().disable('x-powered-by').use(securityHeaders()).get('/', respond);
    const { date: _d, ...expected } = (await request(viaHelmet).get('/').expect(200)).headers;
    const { date: _e, ...actual } = (await request(ours).get('/').expect(200)).headers;
    expect(Object.keys(expected).length).toBeGreaterThan(6);
    expect(actual).toEqual(expected);
  });

  it('parses query strings flat (no nested objects from qs)', async () => {
    const { app } = httpTestApp(
      {},
      {
        mount: (a) => {
          a.get('/q', (req, res) => {
            res.json(req.query);
          });
        },
      },
    );
    const res = await request(app).get('/q?status[$ne]=Live&page=2').expect(200);
    expect(res.body).toEqual({ 'status[$ne]': 'Live', page: '2' });
  });
});
