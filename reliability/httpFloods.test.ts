import { once } from 'node:events';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import type { KeyringPair } from '@polkadot/keyring/types';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { percentile } from '../bench/shared/percentile.js';
import { DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP } from '../src/config/configDefaults.js';
import { CloseCode } from '../src/realtime/protocol.js';
import { WS_SIGN_INS_PER_IP } from '../src/realtime/SignInBudget.js';
import { RequestSigner } from '../test/support/RequestSigner.js';
import { openRawSocket, socketClosed } from '../test/support/rawSockets.js';
import { testPair } from '../test/support/testPair.js';
import { ATTACKING, PipeliningAttackSummary } from './support/pipeliningAttackProtocol.js';
import { reliabilityScale } from './support/reliabilityScale.js';
import { reportFigure } from './support/reportFigure.js';
import { spawnTsxProcess } from './support/spawnTsxProcess.js';
import { type ServerProcess, startServerProcess } from './support/startServerProcess.js';
import { watchRssGrowth } from './support/watchRssGrowth.js';

/** The goals of issue 14: another client's p99 while one address floods, and after it leaves. */
const P99_GOAL_MS = 100;
const RSS_GROWTH_GOAL_MB = 100;
const RECOVERY_GOAL_MS = 1_000;
/** Far above the goal, so only a server that holds the flood's work (it grew 270–470 MB) fails. */
const RSS_GROWTH_BOUND_MB = 400;
/** A victim request slower than this failed outright (the server stalled for seconds before). */
const VICTIM_TIMEOUT_MS = 15_000;
/** How long the victim goes on measuring once the attacker has left. */
const AFTER_ATTACK_MS = 3_000;
/** Requests after the attacker left that count as "after" (the first second is the recovery). */
const RECOVERED_AFTER_MS = 1_000;
const RSS_SAMPLE_MS = 200;
/** Requests in a row under the goal that count as recovered. */
const RECOVERED_RUN = 10;
/** How long the victim measures before the attack, as the box's baseline. */
const BASELINE_MS = 2_000;
const SIGN_IN_FRAME_INTERVAL_MS = 100;

const VICTIM = '127.0.0.1';
const PIPELINING_ATTACKER = '127.0.0.2';
const IDLE_ATTACKER = '127.0.0.3';
const SIGN_IN_ATTACKER = '127.0.0.4';

const { counts } = reliabilityScale();

interface Timed {
  /** ms since the epoch at which the request was sent. */
  at: number;
  ms: number;
  status: number;
}

/**
 * When the other address was served well again for good: the start of the first run of
 * `RECOVERED_RUN` requests in a row each under the goal (the end of the measurement if none).
 */
function recoveredAt(sorted: readonly Timed[], end: number): number {
  let run = 0;
  for (let i = 0; i < sorted.length; i++) {
    run = (sorted[i]?.ms ?? Number.POSITIVE_INFINITY) < P99_GOAL_MS ? run + 1 : 0;
    if (run === RECOVERED_RUN) return sorted[i - RECOVERED_RUN + 1]?.at ?? end;
  }
  return end;
}

/** A well-behaved client on its own address: keep-alive, one request at a time. */
class Victim {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1, localAddress: VICTIM });
  readonly #signer = new RequestSigner();
  readonly #server: ServerProcess;
  readonly #viewer: KeyringPair;

  constructor(server: ServerProcess, viewer: KeyringPair) {
    this.#server = server;
    this.#viewer = viewer;
  }

  live(): Promise<Timed> {
    return this.#send('GET', '/health/live');
  }

  viewerToken(): Promise<Timed> {
    const body = this.#signer.sign(this.#viewer, 0, { field: 'viewerAddress' });
    return this.#send('POST', '/api/livestream/viewer-token', JSON.stringify(body));
  }

  /** Alternates /health/live and a signed viewer token until `until()` says stop. */
  async measure(until: () => boolean): Promise<{ live: Timed[]; token: Timed[] }> {
    const live: Timed[] = [];
    const token: Timed[] = [];
    while (!until()) {
      live.push(await this.live());
      token.push(await this.viewerToken());
    }
    return { live, token };
  }

  close(): void {
    this.#agent.destroy();
  }

  #send(method: string, path: string, body?: string): Promise<Timed> {
    const at = Date.now();
    const started = performance.now();
    return new Promise((resolve) => {
      const req = request(
        `${this.#server.baseUrl}${path}`,
        {
          method,
          agent: this.#agent,
          timeout: VICTIM_TIMEOUT_MS,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ at, ms: performance.now() - started, status: res.statusCode ?? 0 }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ at, ms: performance.now() - started, status: 0 }));
      req.end(body);
    });
  }
}

/** A counter of the server's /metrics (loopback may read them without a token), summed over `labels`. */
async function metric(server: ServerProcess, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const [series, value] = line.split(' ');
    if (series === undefined || value === undefined) continue;
    const rest = series.slice(name.length);
    if (rest === '' || (rest.startsWith('{') && rest.includes(labels))) total += Number(value);
  }
  return total;
}

describe('floods from one address (issue 14 item 1, issue 20 item 5)', () => {
  let server: ServerProcess;
  let victim: Victim;

  beforeAll(async () => {
    await cryptoWaitReady();
    server = await startServerProcess();
    victim = new Victim(server, testPair('sr25519', 'FloodVictim'));
    // The first signature check starts the workers: not part of any figure.
    expect((await victim.viewerToken()).status).toBe(200);
  });
  afterAll(async () => {
    victim?.close();
    await server?.stop('SIGKILL');
  });

  it('a client pipelining without reading neither stalls another address nor holds the server after it leaves', async () => {
    const quietEnds = Date.now() + BASELINE_MS;
    const quiet = await victim.measure(() => Date.now() >= quietEnds);
    const rss = watchRssGrowth(server.rssBytes, RSS_SAMPLE_MS);
    const port = Number(new URL(server.baseUrl).port);
    const attacker = spawnTsxProcess(
      'reliability/support/pipeliningAttack.ts',
      [
        JSON.stringify({
          port,
          localAddress: PIPELINING_ATTACKER,
          sockets: counts.pipeliningSockets,
          requestsPerWrite: counts.pipelinedRequestsPerWrite,
          path: '/api/livestream/rooms',
        }),
      ],
      {},
    );
    await attacker.log.waitFor((line) => line === ATTACKING);

    const attackEnds = Date.now() + counts.floodSeconds * 1000;
    const during = await victim.measure(() => Date.now() >= attackEnds);
    await attacker.stop('SIGTERM');
    // Gone: its process has exited, and the kernel has closed its sockets.
    const leftAt = Date.now();
    const after = await victim.measure(() => Date.now() >= leftAt + AFTER_ATTACK_MS);
    const rssGrowthMb = rss.stop();

    const summaryLine = attacker.log.lines().find((line) => line.startsWith('{'));
    const summary: PipeliningAttackSummary = PipeliningAttackSummary.parse(JSON.parse(summaryLine ?? '{}'));
    const afterLeft = [...after.live, ...after.token].sort((a, b) => a.at - b.at);
    const recoveredMs = Math.round(recoveredAt(afterLeft, leftAt + AFTER_ATTACK_MS) - leftAt);
    const settled = afterLeft.filter((t) => t.at >= leftAt + RECOVERED_AFTER_MS).map((t) => t.ms);
    const p99Live = percentile(
      during.live.map((t) => t.ms),
      0.99,
    );
    const p99Token = percentile(
      during.token.map((t) => t.ms),
      0.99,
    );
    const p99After = percentile(settled, 0.99);
    const p99Quiet = percentile(
      [...quiet.live, ...quiet.token].map((t) => t.ms),
      0.99,
    );
    const scenario = `pipelining flood (${counts.pipeliningSockets} sockets from one address, ${counts.floodSeconds} s)`;
    // What the box gives without any attack, for scale: it is shared, and its load varies.
    reportFigure({
      name: `${scenario}: p99 of another address before it (the box's own)`,
      value: Math.round(p99Quiet),
      unit: 'ms',
    });
    reportFigure({
      name: `${scenario}: /health/live p99 of another address`,
      value: Math.round(p99Live),
      unit: 'ms',
      goal: `< ${P99_GOAL_MS} ms`,
      met: p99Live < P99_GOAL_MS,
    });
    reportFigure({
      name: `${scenario}: signed viewer token p99 of another address`,
      value: Math.round(p99Token),
      unit: 'ms',
      goal: `< ${P99_GOAL_MS} ms`,
      met: p99Token < P99_GOAL_MS,
    });
    reportFigure({
      name: `${scenario}: server RSS growth`,
      value: rssGrowthMb,
      unit: 'MB',
      goal: `< ${RSS_GROWTH_GOAL_MB} MB`,
      met: rssGrowthMb < RSS_GROWTH_GOAL_MB,
    });
    reportFigure({
      name: `${scenario}: time to recover after the attacker left`,
      value: recoveredMs,
      unit: 'ms',
      goal: `< ${RECOVERY_GOAL_MS} ms`,
      met: recoveredMs < RECOVERY_GOAL_MS,
    });
    reportFigure({
      name: `${scenario}: p99 of another address 1–3 s after it left`,
      value: Math.round(p99After),
      unit: 'ms',
      goal: `< ${P99_GOAL_MS} ms`,
      met: p99After < P99_GOAL_MS,
    });
    reportFigure({
      name: `${scenario}: attacker connections closed by the server`,
      value: summary.connectionsClosed,
      unit: '',
    });

    // Every request of the other address was answered, during the flood and after it.
    expect([...during.live, ...during.token, ...afterLeft].filter((t) => t.status !== 200)).toEqual([]);
    expect(during.live.length).toBeGreaterThan(0);
    // The attacker was stopped by the guard, not served: its connections were closed under it.
    expect(summary.connectionsClosed).toBeGreaterThan(0);
    expect(await metric(server, 'livestream_http_refused_total', 'reason="pipelined"')).toBeGreaterThan(0);
    expect(rssGrowthMb).toBeLessThan(RSS_GROWTH_BOUND_MB);
    // Nothing of the flood is left open: the victim's connection and the scrape's own at most.
    expect(await metric(server, 'livestream_http_connections')).toBeLessThan(counts.pipeliningSockets / 10);
  });

  it(`${counts.idleSockets} idle sockets from one address leave another address served`, async () => {
    const port = Number(new URL(server.baseUrl).port);
    const refusedBefore = await metric(
      server,
      'livestream_http_refused_total',
      'reason="connections_per_ip"',
    );
    const sockets: Socket[] = [];
    let refused = 0;
    const allRefused = new Promise<void>((resolve) => {
      const expected = counts.idleSockets - DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP;
      const onClose = () => {
        refused++;
        if (refused === expected) resolve();
      };
      void (async () => {
        for (let i = 0; i < counts.idleSockets; i++) {
          const socket = await openRawSocket({ port, localAddress: IDLE_ATTACKER });
          sockets.push(socket);
          void socketClosed(socket).then(onClose);
        }
      })();
    });
    await allRefused;

    const live = await victim.live();
    const token = await victim.viewerToken();
    reportFigure({
      name: `${counts.idleSockets} idle sockets from one address: refused on arrival`,
      value: refused,
      unit: 'sockets',
      goal: `≥ ${counts.idleSockets - DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP}`,
      met: true,
    });
    reportFigure({
      name: `${counts.idleSockets} idle sockets from one address: another address's /health/live`,
      value: Math.round(live.ms),
      unit: 'ms',
      goal: `< ${P99_GOAL_MS} ms`,
      met: live.ms < P99_GOAL_MS,
    });

    expect(live.status).toBe(200);
    expect(token.status).toBe(200);
    expect(
      (await metric(server, 'livestream_http_refused_total', 'reason="connections_per_ip"')) - refusedBefore,
    ).toBe(counts.idleSockets - DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP);
    for (const socket of sockets) socket.destroy();
  });

  it('a WebSocket sign-in flood from one address costs a bounded number of signature checks and is closed with 4429', async () => {
    const checksBefore = await metric(server, 'livestream_signature_verification_seconds_count');
    const pairs = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie', 'One', 'Two', 'Three', 'Four'].map(
      (name) => testPair('sr25519', name),
    );
    const junkSignature = `0x${'00'.repeat(64)}`;
    const closeCodes: number[] = [];
    const sockets = await Promise.all(
      Array.from({ length: counts.signInFloodSockets }, async () => {
        const ws = new WebSocket(server.wsUrl, { localAddress: SIGN_IN_ATTACKER });
        await once(ws, 'open');
        return ws;
      }),
    );
    const closed = Promise.all(
      sockets.map(async (ws) => {
        const [code] = (await once(ws, 'close')) as [number];
        closeCodes.push(code);
      }),
    );
    let frames = 0;
    const sender = setInterval(() => {
      for (const ws of sockets) {
        if (ws.readyState !== WebSocket.OPEN) continue;
        const pair = pairs[frames++ % pairs.length] as KeyringPair;
        ws.send(
          JSON.stringify({
            type: 'auth',
            address: pair.address,
            signature: junkSignature,
            timestamp: Date.now(),
          }),
        );
      }
    }, SIGN_IN_FRAME_INTERVAL_MS);
    const deadline = new Promise((resolve) => setTimeout(resolve, counts.signInFloodSeconds * 1000));
    await Promise.race([closed, deadline]);
    clearInterval(sender);
    for (const ws of sockets) ws.terminate();
    await closed;

    const checks = (await metric(server, 'livestream_signature_verification_seconds_count')) - checksBefore;
    const closedTooMany = closeCodes.filter((code) => code === CloseCode.TooManyRequests).length;
    const scenario = `WebSocket sign-in flood (${counts.signInFloodSockets} sockets × 10 auth frames/s from one address)`;
    reportFigure({
      name: `${scenario}: signature checks`,
      value: checks,
      unit: 'checks',
      goal: `≤ ${WS_SIGN_INS_PER_IP} a minute`,
      met: checks <= WS_SIGN_INS_PER_IP,
    });
    reportFigure({ name: `${scenario}: frames sent`, value: frames, unit: 'frames' });
    reportFigure({
      name: `${scenario}: sockets closed with 4429`,
      value: closedTooMany,
      unit: 'sockets',
      goal: `${counts.signInFloodSockets}`,
      met: closedTooMany === counts.signInFloodSockets,
    });

    expect(checks).toBeLessThanOrEqual(WS_SIGN_INS_PER_IP);
    expect(closedTooMany).toBe(counts.signInFloodSockets);
    expect((await victim.live()).status).toBe(200);
  });
});
