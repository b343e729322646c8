import type { Express } from 'express';
import type { Store } from 'express-rate-limit';
import request from 'supertest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/errors/AppError.js';
import { SignatureFailureLimit } from '../../src/http/middleware/SignatureFailureLimit.js';
import { FailingStore } from '../support/FailingStore.js';
import { httpTestApp } from '../support/httpTestApp.js';
import { captureLogs } from '../support/logCapture.js';

const WINDOW_MS = 60_000;

/**
 * A signed route shaped like the real ones: the gate, then a "signature check" (counted) that fails
 * unless the body says `good`, recording the failure against the client's IP.
 */
function signedApp(options: { limit: number; createStore?: (prefix: string) => Store }) {
  const checks = { count: 0 };
  const logs = captureLogs();
  const failures = new SignatureFailureLimit({
    windowMs: WINDOW_MS,
    limit: options.limit,
    logger: logs.logger,
    ...(options.createStore ? { createStore: options.createStore } : {}),
  });
  const { app } = httpTestApp(
    { TRUST_PROXY: '1' },
    {
      mount: (express: Express) => {
        express.post('/signed', failures.gate, async (req, res) => {
          checks.count += 1;
          if ((req.body as { good?: unknown }).good !== true) {
            await failures.recordFailure(req);
            throw new AppError('INVALID_SIGNATURE', 'Invalid signature');
          }
          res.json({ ok: true });
        });
      },
    },
  );
  const send = (ip: string, good: boolean) =>
    request(app).post('/signed').set('X-Forwarded-For', ip).send({ good });
  return { send, checks, logs };
}

describe('SignatureFailureLimit', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses an IP once it has spent its failures, without running the check, until the window ends', async () => {
    // Only Date is faked: the window is measured on it, and the HTTP round trips still run.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { send, checks } = signedApp({ limit: 2 });
    await send('203.0.113.1', false).expect(401);
    await send('203.0.113.1', true).expect(200);
    await send('203.0.113.1', false).expect(401);
    expect(checks.count).toBe(3);

    const refused = await send('203.0.113.1', true).expect(429);
    expect(refused.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(refused.headers['retry-after'])).toBe(WINDOW_MS / 1000);
    expect(checks.count).toBe(3);
    // Other clients are not affected.
    await send('203.0.113.2', true).expect(200);

    vi.setSystemTime(1_000_000 + WINDOW_MS - 1000);
    expect(Number((await send('203.0.113.1', true).expect(429)).headers['retry-after'])).toBe(1);
    vi.setSystemTime(1_000_000 + WINDOW_MS);
    await send('203.0.113.1', true).expect(200);
  });

  it('counts IPv6 clients by their /56, as the per-IP limit does', async () => {
    const { send } = signedApp({ limit: 1 });
    await send('2001:db8:0:100::1', false).expect(401);
    await send('2001:db8:0:1ff::2', true).expect(429);
    await send('2001:db8:0:200::1', true).expect(200);
  });

  it('keeps answering 401 (never 500) and logs when the store fails', async () => {
    const { send, logs } = signedApp({ limit: 1, createStore: (prefix) => new FailingStore(prefix) });
    await send('203.0.113.1', false).expect(401);
    await send('203.0.113.1', true).expect(200);
    const logged = await logs.waitFor(
      (entry) => entry.msg === 'signature failure limit: could not count a failure',
    );
    expect(logged).toMatchObject({ level: 'warn', err: { message: 'store unavailable' } });
  });
});
