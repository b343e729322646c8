import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
  const { backend, devchain, redis, livekit } = compose.services;

  it('has the backend, Redis, a LiveKit dev server and the dev chain, each with a health check', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['backend', 'devchain', 'livekit', 'redis']);
    for (const service of Object.values(compose.services))
      expect(service.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('wires the backend to the others by environment', () => {
    expect(backend?.environment).toMatchObject({
      CHAIN_WS_ENDPOINT: 'ws://devchain:9944',
      REDIS_URL: 'redis://redis:6379',
      LIVEKIT_URL: 'http://livekit:7880',
      LIVEKIT_API_KEY: 'devkey',
      LIVEKIT_API_SECRET: 'secret',
    });
    expect(backend?.ports).toContain('3001:3001');
    expect(Object.keys(backend?.depends_on ?? {}).sort()).toEqual(['devchain', 'livekit', 'redis']);
  });

  it('runs the dev chain from the same image, and LiveKit in dev mode with its ports', () => {
    expect(devchain?.image).toBe(backend?.image);
    expect(devchain?.command).toEqual(expect.arrayContaining(['dist/devchain/cli.js', '--seed', 'demo']));
    expect(livekit?.command).toContain('--dev');
    expect(livekit?.ports).toEqual(['7880:7880', '7881:7881', '7882:7882/udp']);
    expect(redis?.image).toMatch(/^redis:7/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages[stages.length - 1] ?? '';

  it('is multi-stage on a slim current LTS image, with production dependencies only at run time', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/ARG NODE_IMAGE=node:(22|24)[\w.-]*-slim/);
    expect(dockerfile).toContain('npm ci --omit=dev');
    expect(runtime).not.toContain('npm ci --no-audit --no-fund\n');
  });

  it('runs as a non-root user, exposes 3001 and checks /health/live', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^EXPOSE 3001$/m);
    expect(runtime).toMatch(/HEALTHCHECK[\s\S]*\/health\/live/);
    expect(runtime).toMatch(/CMD \["node", "dist\/main\.js"\]/);
  });

  it('keeps secrets and build output out of the build context', () => {
    const ignored = read('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.env', '.git']));
  });
});

describe('ecosystem.config.cjs (PM2)', () => {
  it('runs the compiled server in cluster mode with a kill timeout above the shutdown bound', () => {
    const require = createRequire(import.meta.url);
    const { apps } = require('../../ecosystem.config.cjs') as {
      apps: { script: string; exec_mode: string; kill_timeout: number }[];
    };
    expect(apps[0]?.script).toBe('dist/main.js');
    expect(apps[0]?.exec_mode).toBe('cluster');
    expect(apps[0]?.kill_timeout).toBeGreaterThan(10_000);
  });
});
