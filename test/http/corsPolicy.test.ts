import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { httpTestApp } from '../support/httpTestApp.js';

const mountPing = {
  mount: (app: import('express').Express) => {
    app.get('/ping', (_req, res) => {
      res.json({ pong: true });
    });
  },
};

describe('CORS', () => {
  describe('with an allow-list', () => {
    const { app } = httpTestApp(
      { CORS_ORIGIN: 'https://app.example.com,https://admin.example.com' },
      mountPing,
    );

    it('allows a listed origin exactly, with Vary: Origin and no credentials', async () => {
      const res = await request(app).get('/ping').set('Origin', 'https://app.example.com').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(res.headers.vary).toMatch(/\bOrigin\b/);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('gives any other origin no Access-Control-Allow-Origin', async () => {
      for (const origin of ['https://evil.example', 'null', 'https://app.example.com.evil.example']) {
        const res = await request(app).get('/ping').set('Origin', origin).expect(200);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers.vary).toMatch(/\bOrigin\b/);
      }
    });

    it('answers the preflight of a listed origin, Authorization (session Bearer tokens) included', async () => {
      const res = await request(app)
        .options('/ping')
        .set('Origin', 'https://admin.example.com')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type,authorization')
        .expect(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://admin.example.com');
      expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD,POST');
      expect(res.headers['access-control-allow-headers']).toBe('Content-Type,Authorization,X-Request-Id');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('gives the preflight of an unlisted origin no CORS headers', async () => {
      const res = await request(app)
        .options('/ping')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-methods']).toBeUndefined();
    });
  });

  describe('with any origin (development)', () => {
    const { app } = httpTestApp({ NODE_ENV: 'development' }, mountPing);

    it('sends * and never allows credentials', async () => {
      const res = await request(app).get('/ping').set('Origin', 'https://evil.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });
});
