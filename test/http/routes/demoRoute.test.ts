import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountDemo } from '../../../src/http/routes/demoRoute.js';
import { httpTestApp } from '../../support/httpTestApp.js';
import { startTestService, type TestService } from '../../support/startTestService.js';

describe('GET /demo', () => {
  let built: string;

  beforeAll(async () => {
    built = await mkdtemp(join(tmpdir(), 'demo-'));
    await writeFile(join(built, 'index.html'), '<!doctype html><title>demo</title>');
  });
  afterAll(() => rm(built, { recursive: true, force: true }));

  it('serves the built page with a CSP that lets it run its scripts and reach the API', async () => {
    const { app } = httpTestApp({}, { mount: (a) => mountDemo(a, built) });
    const response = await request(app).get('/demo/').expect(200);
    expect(response.text).toContain('<title>demo</title>');
    expect(response.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(response.headers['content-security-policy']).toContain("connect-src 'self' ws: wss:");
    await request(app).get('/demo').expect(301).expect('location', '/demo/');
  });

  it('says how to build the page when it is not built', async () => {
    const { app } = httpTestApp({}, { mount: (a) => mountDemo(a, join(built, 'missing')) });
    const response = await request(app).get('/demo/').expect(404);
    expect(response.body.error).toEqual({
      code: 'NOT_FOUND',
      message: 'the demo page is not built: run `npm run demo:build`',
    });
  });

  describe('in production', () => {
    let service: TestService;

    beforeAll(async () => {
      service = await startTestService({
        env: {
          NODE_ENV: 'production',
          CORS_ORIGIN: 'https://app.example.com',
          AUTH_DOMAINS: 'app.example.com',
          AUTH_TOKEN_SECRET: 'a-session-secret-of-at-least-32-characters',
        },
        livekit: { apiKey: 'demo-test-key', apiSecret: 'a-production-like-secret-of-some-length' },
      });
    });
    afterAll(() => service?.close());

    it('is not there', async () => {
      const response = await fetch(`${service.url}/demo/`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'No route for GET /demo/' },
      });
    });
  });
});
