import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/createLogger.js';
import { captureLogs } from '../support/logCapture.js';

describe('createLogger', () => {
  it('writes NDJSON with level names and ISO times', () => {
    const logs = captureLogs('info');
    logs.logger.info({ roomId: 3 }, 'room loaded');
    const [entry] = logs.entries();
    expect(entry).toMatchObject({ level: 'info', msg: 'room loaded', roomId: 3 });
    expect(new Date(String(entry?.time)).toISOString()).toBe(entry?.time);
  });

  it('honours the configured level', () => {
    const logs = captureLogs('warn');
    logs.logger.info('quiet');
    logs.logger.warn('loud');
    expect(logs.entries().map((e) => e.msg)).toEqual(['loud']);
  });

  it('redacts authorization and cookie headers, signatures, tokens and secrets', () => {
    const logs = captureLogs();
    logs.logger.info(
      {
        req: {
          headers: { authorization: 'Bearer h-secret', cookie: 'c-secret', 'user-agent': 'app' },
          body: { signature: 'b-sig-secret', token: 'b-token-secret', roomId: 1 },
        },
        body: { signature: 'sig-secret' },
        token: 't-secret',
        livekit: { apiSecret: 'api-secret', apiKey: 'APIkey' },
        config: { livekit: { apiSecret: 'nested-api-secret' }, metrics: { token: 'm-secret' } },
        secret: 's-secret',
        session: { accessToken: 'at-secret', refreshToken: 'rt-secret' },
        res: { body: { participant_token: 'pt-secret' } },
        auth: { tokenSecret: 'ts-secret' },
      },
      'request',
    );
    const text = logs.text();
    for (const secret of [
      'h-secret',
      'c-secret',
      'b-sig-secret',
      'b-token-secret',
      'sig-secret',
      't-secret',
      'api-secret',
      'm-secret',
      's-secret',
      'at-secret',
      'rt-secret',
      'pt-secret',
      'ts-secret',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(logs.entries()[0]).toMatchObject({
      req: {
        headers: { authorization: '[REDACTED]', 'user-agent': 'app' },
        body: { signature: '[REDACTED]', roomId: 1 },
      },
      livekit: { apiSecret: '[REDACTED]', apiKey: 'APIkey' },
    });
  });

  it('keeps redacting in child loggers', () => {
    const logs = captureLogs();
    logs.logger.child({ module: 'auth' }).info({ signature: 'child-secret' }, 'verify');
    expect(logs.text()).not.toContain('child-secret');
  });

  it('builds a plain stdout logger outside development', () => {
    const logger = createLogger({ level: 'silent', nodeEnv: 'production' });
    expect(logger.level).toBe('silent');
  });
});
