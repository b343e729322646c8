import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../src/observability/createLogger.js';
import { RequestSigner } from '../test/support/RequestSigner.js';
import { testPair } from '../test/support/testPair.js';
import { reportFigure } from './support/reportFigure.js';
import { type DevChainProcess, startDevChainProcess } from './support/startDevChainProcess.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';
import { untilServiceStatus } from './support/untilServiceStatus.js';

/** Requests of each kind sent while the chain is down: every one is a 503. */
const REQUESTS_DURING_OUTAGE = 30;
/**
 * Log lines allowed for them: one per route (and per error code) every 10 s; the outage requests
 * take well under that, but a slow box may cross one interval boundary.
 */
const MAX_OUTAGE_LINES_PER_ROUTE = 2;
/** The two routes asked below, and `/health`, which answers 503 too once the test sees the outage there. */
const OUTAGE_ROUTES = 3;
const CHAIN_DOWN_DEADLINE_MS = 30_000;

type Entry = Record<string, unknown> & { level?: string; msg?: string; res?: { statusCode?: number } };

/** Issue 20 item 7: query strings logged verbatim; every 503 logged at error with a stack. */
describe('the logs of a server whose chain node dies', () => {
  let chain: DevChainProcess;
  let server: ServerProcess;

  beforeAll(async () => {
    await cryptoWaitReady();
    chain = await startDevChainProcess();
    server = await startServerProcess({ env: { LOG_LEVEL: 'info', CHAIN_WS_ENDPOINT: chain.url } });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await chain?.kill();
  });

  it('keep the path and parameter names of a query, never its values', async () => {
    const signature = `0x${'cd'.repeat(64)}`;
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2VjcmV0LXNpZ25hdHVyZQ';
    const response = await fetch(
      `${server.baseUrl}/api/livestream/rooms?signature=${signature}&token=${token}&status=Live`,
    );
    expect(response.status).toBe(200);
    const line = await server.log.waitFor((text) => text.includes('/api/livestream/rooms?'));
    const entry = JSON.parse(line) as { req: { url: string } };
    expect(entry.req.url).toBe(
      `/api/livestream/rooms?signature=${REDACTED}&token=${REDACTED}&status=${REDACTED}`,
    );
    expect(server.logs()).not.toContain(signature.slice(2));
    expect(server.logs()).not.toContain(token.split('.')[2]);
  });

  it('log the 503s of the outage at warn, without stacks, a few lines for many requests', async () => {
    const before = server.logEntries().length;
    await chain.kill();
    await untilServiceStatus(server, 'chain', 'disconnected', CHAIN_DOWN_DEADLINE_MS);

    const signer = new RequestSigner();
    const bob = testPair('sr25519', 'Bob');
    const statuses = new Map<string, number[]>([
      ['POST /api/livestream/viewer-token', []],
      ['GET /health/ready', []],
    ]);
    for (let i = 0; i < REQUESTS_DURING_OUTAGE; i++) {
      const token = await fetch(`${server.baseUrl}/api/livestream/viewer-token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(signer.sign(bob, 0, { field: 'viewerAddress' })),
      });
      await token.arrayBuffer();
      statuses.get('POST /api/livestream/viewer-token')?.push(token.status);
      const ready = await fetch(`${server.baseUrl}/health/ready`);
      await ready.arrayBuffer();
      statuses.get('GET /health/ready')?.push(ready.status);
    }
    for (const answered of statuses.values()) expect(new Set(answered)).toEqual(new Set([503]));

    const outage = server.logEntries().slice(before) as Entry[];
    const unavailableLines = outage.filter((entry) => entry.res?.statusCode === 503);
    const errorLines = outage.filter((entry) => entry.level === 'error' || entry.level === 'fatal');
    const withStacks = outage.filter((entry) => JSON.stringify(entry).includes('"stack"'));
    const unreadable = outage.filter((entry) => JSON.stringify(entry).includes('unable to serialize'));
    reportFigure({
      name: `log lines for ${2 * REQUESTS_DURING_OUTAGE} answers 503 during a chain outage`,
      value: unavailableLines.length,
      unit: 'lines',
      goal: `≤ ${MAX_OUTAGE_LINES_PER_ROUTE * OUTAGE_ROUTES}`,
      met: unavailableLines.length <= MAX_OUTAGE_LINES_PER_ROUTE * OUTAGE_ROUTES,
    });
    expect(errorLines).toEqual([]);
    expect(withStacks).toEqual([]);
    expect(unreadable).toEqual([]);
    expect(unavailableLines.every((entry) => entry.level === 'warn')).toBe(true);
    expect(unavailableLines.length).toBeGreaterThan(0);
    expect(unavailableLines.length).toBeLessThanOrEqual(MAX_OUTAGE_LINES_PER_ROUTE * OUTAGE_ROUTES);
    // The chain's own error is said once, readably.
    const chainLines = outage.filter((entry) => /chain/i.test(entry.msg ?? '') && entry.reqId === undefined);
    expect(chainLines.length).toBeGreaterThan(0);
  });
});
