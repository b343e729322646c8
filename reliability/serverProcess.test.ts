import { afterAll, describe, expect, it } from 'vitest';
import { reportFigure } from './support/reportFigure.js';
import { type DevChainProcess, startDevChainProcess } from './support/startDevChainProcess.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';

const MIB = 1024 * 1024;

interface Health {
  services: { chain: string };
}

describe('the server process', () => {
  const started: { stop(signal?: NodeJS.Signals): Promise<unknown> }[] = [];
  afterAll(async () => {
    await Promise.all(started.map((child) => child.stop('SIGKILL')));
  });

  it('starts on the embedded dev chain, serves /health, and exits 0 on SIGTERM', async () => {
    const startedAt = Date.now();
    const server: ServerProcess = await startServerProcess();
    started.push(server);
    reportFigure({
      name: 'server process: start to /health/ready',
      value: Date.now() - startedAt,
      unit: 'ms',
    });
    reportFigure({
      name: 'server process: RSS when ready',
      value: Math.round(server.rssBytes() / MIB),
      unit: 'MB',
    });

    const health = await fetch(`${server.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as Health).services.chain).toBe('connected');

    expect(await server.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(server.logEntries().map((entry) => entry.msg)).toContain('shutting down');
  });

  it('runs against a dev chain in a process of its own', async () => {
    const chain: DevChainProcess = await startDevChainProcess();
    started.push(chain);
    const server = await startServerProcess({ env: { CHAIN_WS_ENDPOINT: chain.url } });
    started.push(server);

    const health = (await (await fetch(`${server.baseUrl}/health`)).json()) as Health;
    expect(health.services.chain).toBe('connected');
    expect(server.logs()).not.toContain('embedded dev chain started');

    expect((await server.stop()).code).toBe(0);
    expect((await chain.stop()).code).toBe(0);
  });
});
