import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runValidateConfigCli, validateConfig } from '../../src/config/validateConfig.js';

const SECRET = 'a-production-secret-of-at-least-32-characters';
const PRODUCTION = {
  NODE_ENV: 'production',
  CHAIN_WS_ENDPOINT: 'wss://rpc.stardust.example',
  LIVEKIT_URL: 'wss://livekit.example.com',
  LIVEKIT_API_KEY: 'APIprodkey',
  LIVEKIT_API_SECRET: SECRET,
  CORS_ORIGIN: 'https://app.example.com',
  REDIS_URL: 'rediss://default:redis-password@redis.example.com:6380',
  METRICS_TOKEN: 'metrics-token-0123456789',
  AUTH_DOMAINS: 'app.example.com',
  AUTH_TOKEN_SECRET: 'session-secret-0123456789-0123456789',
};

function run(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runValidateConfigCli(
    argv,
    env,
    (line) => out.push(line),
    (line) => err.push(line),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('validate-config', () => {
  it('prints "config OK" and a summary with every secret redacted', () => {
    const { code, out, err } = run([], PRODUCTION);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out.split('\n')[0]).toBe('config OK');
    const summary = JSON.parse(out.slice('config OK\n'.length)) as Record<string, Record<string, unknown>>;
    expect(summary.livekit?.apiKey).toBe('APIprodkey');
    expect(summary.livekit?.apiSecret).toBe('[redacted]');
    expect(summary.metrics?.token).toBe('[redacted]');
    expect(summary.auth?.tokenSecret).toBe('[redacted]');
    expect(summary.redis?.url).toBe('rediss://default:redacted@redis.example.com:6380');
    for (const secret of [
      SECRET,
      'redis-password',
      'metrics-token-0123456789',
      'session-secret-0123456789-0123456789',
    ])
      expect(out).not.toContain(secret);
  });

  it('lists every problem and exits with 1', () => {
    const { code, out, err } = run([], {
      NODE_ENV: 'production',
      LIVEKIT_API_KEY: 'devkey',
      CORS_ORIGIN: '*',
      PORT: '',
    });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('config invalid (8 problems):');
    for (const variable of [
      'PORT',
      'CHAIN_WS_ENDPOINT',
      'LIVEKIT_URL',
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
      'CORS_ORIGIN',
    ]) {
      expect(err).toMatch(new RegExp(`^ {2}- ${variable}: `, 'm'));
    }
  });

  it('shows the connection limits, the global one derived from the open-file limit unless set', () => {
    const summary = (env: NodeJS.ProcessEnv) =>
      (JSON.parse(run([], env).out.slice('config OK\n'.length)) as { server: Record<string, unknown> })
        .server;
    expect(summary(PRODUCTION)).toMatchObject({
      maxConnections: '(open-file limit minus a reserve)',
      maxConnectionsPerIp: 128,
      maxInFlightPerIp: 64,
    });
    expect(summary({ ...PRODUCTION, HTTP_MAX_CONNECTIONS: '4000' }).maxConnections).toBe(4000);
  });

  it('refuses connection limits that would refuse everyone', () => {
    const { code, err } = run([], {
      HTTP_MAX_CONNECTIONS: '0',
      HTTP_MAX_CONNECTIONS_PER_IP: '-1',
      HTTP_MAX_IN_FLIGHT_PER_IP: '',
    });
    expect(code).toBe(1);
    expect(err).toContain('config invalid (3 problems):');
    expect(err).toMatch(/^ {2}- HTTP_MAX_CONNECTIONS: must be between 1 and 1000000, got 0$/m);
    expect(err).toMatch(/^ {2}- HTTP_MAX_CONNECTIONS_PER_IP: must be a whole number/m);
    expect(err).toMatch(/^ {2}- HTTP_MAX_IN_FLIGHT_PER_IP: is empty/m);
  });

  it.each([
    ['INSTANCES', '4'],
    ['NODE_APP_INSTANCE', '0'],
    ['WEB_CONCURRENCY', '2'],
  ])('warns without failing when %s=%s hints at several instances but REDIS_URL is unset', (name, value) => {
    const { code, err } = run([], { [name]: value });
    expect(code).toBe(0);
    expect(err).toMatch(
      new RegExp(`^warning: ${name} is set \\(several instances\\?\\) but REDIS_URL is not`),
    );
  });

  it('does not warn about instances when Redis is configured, or for a single instance', () => {
    expect(validateConfig({ INSTANCES: '4', REDIS_URL: 'redis://localhost:6379' }).warnings).toEqual([]);
    expect(validateConfig({ INSTANCES: '1', WEB_CONCURRENCY: '1' }).warnings).toEqual([]);
  });

  it('reads an --env-file, with the real environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-config-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'PORT=4000\nLOG_LEVEL=debug\n');
    const result = run(['--env-file', file], { LOG_LEVEL: 'warn' });
    expect(result.code).toBe(0);
    expect(result.out).toContain('"port": 4000');
    expect(result.out).toContain('"level": "warn"');
  });

  it('runs as a command line program', async () => {
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const script = join(process.cwd(), 'src', 'config', 'validateConfig.ts');
    const { stdout } = await promisify(execFile)(tsx, [script], { env: { PATH: process.env.PATH } });
    expect(stdout).toMatch(/^config OK\n/);
    const failure = await promisify(execFile)(tsx, [script], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production' },
    }).catch((error: unknown) => error as { code: number; stderr: string });
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('CHAIN_WS_ENDPOINT: is required in production');
  });
});
