/**
 * `npx tsx bench/ws/bestBlockLatency.ts` (method and latest table: bench/README.md): how long a gift
 * takes from the node announcing its best block to the frame reaching every member of the room,
 * and from finality to `block:finalized`, beside a raw `ws` broadcast of a frame of the same size
 * made at the same announcement, in the same run.
 *
 *   npx tsx bench/ws/bestBlockLatency.ts            full run (1,000 and 5,000 members, 15 gifts each)
 *   npx tsx bench/ws/bestBlockLatency.ts --quick    smoke run (200 members, 5 gifts)
 *
 * Method: the dev chain (blocks on demand, finality by hand) and the whole service (`startService`
 * following it over WebSocket with @polkadot/api, as in production) run in this process, pinned to
 * CPU0 with the raw `ws` server; every client runs in one child process pinned to CPU1
 * (`bestBlockClients.ts`: light clients, as bench:ws's, so the harness's reading is not the tail). The start of each latency is taken on CLOCK_MONOTONIC, shared by both
 * processes, when the dev chain announces the block (`newHead`, before any node notification goes
 * out) or when the test finalizes it; the end when a client reads the frame. Gifts and raw
 * broadcasts alternate, one every PACE_MS, so neither queues behind the other. The first round of
 * each size warms up (the first gift after start runs code nothing has run yet): it is printed
 * apart, not counted in the table.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';
import { z } from 'zod';
import { loadConfig } from '../../src/config/loadConfig.js';
import { startDevChain } from '../../src/devchain/startDevChain.js';
import { startService } from '../../src/startService.js';
import { ChildLink } from '../shared/ChildLink.js';
import { canPin } from '../shared/cpuAffinity.js';
import { percentile } from '../shared/percentile.js';
import { eventClockUs } from './wsFanoutEvent.js';

/** Between two announcements: long enough for the previous one to reach every client. */
const PACE_MS = 400;
/** Rounds (gift, finality, raw broadcast) run first at each size and left out of the figures. */
const WARM_UP_ROUNDS = 1;
/** After the last announcement, before the arrivals are collected. */
const SETTLE_MS = 1_500;
const ROOM_ID = 0;
const GIFT_ID = 0;
const SERVER_CPU = '0';
const CLIENT_CPU = '1';
const RATE_LIMIT_MAX_REQUESTS = '1000000';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' } } });
const sizes = flags.quick ? [200] : [1000, 5000];
const gifts = flags.quick ? 5 : 15;

const Ready = z.object({ type: z.literal('ready') });
const Opened = z.object({ open: z.number() });
const Clock = z.object({ us: z.number() });
const PerBlock = z.record(z.string(), z.array(z.number()));
const Collected = z.object({ arrivals: z.object({ gift: PerBlock, finalized: PerBlock }) });

const pinned = canPin();
const cpus = os.availableParallelism();
if (pinned) execFileSync('taskset', ['-a', '-p', '-c', SERVER_CPU, String(process.pid)], { stdio: 'ignore' });
console.log(
  `best-block latency bench${flags.quick ? ' (quick)' : ''}: node ${process.version}, ×${cpus} CPUs, ` +
    (pinned ? `chain + service + raw ws on CPU${SERVER_CPU}, clients on CPU${CLIENT_CPU}` : 'NOT pinned'),
);

const devchain = await startDevChain({ port: 0, seed: { kind: 'demo' } });
const chain = devchain.chain;
const service = await startService({
  config: loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    CHAIN_WS_ENDPOINT: devchain.url,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_IP_MAX: RATE_LIMIT_MAX_REQUESTS,
    RATE_LIMIT_ACCOUNT_MAX: RATE_LIMIT_MAX_REQUESTS,
  }),
  logger: pino({ level: 'silent' }),
  port: 0,
});
const raw = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
await new Promise((resolve) => raw.once('listening', resolve));
const rawUrl = `ws://127.0.0.1:${(raw.address() as { port: number }).port}`;
const clients = new ChildLink({
  entry: new URL('./bestBlockClients.ts', import.meta.url),
  cpus: pinned ? CLIENT_CPU : undefined,
});

/** When each block was announced (µs), and when finality was asked to reach it. */
const announced = new Map<number, number>();
const finalizedAt = new Map<number, number>();
/** The frame the raw server sends for a block: a gift frame as the service makes it, same size. */
let rawFrame: ((number: number) => string) | null = null;
chain.on('newHead', (block) => {
  announced.set(block.number, eventClockUs());
  if (rawFrame) {
    const frame = rawFrame(block.number);
    for (const socket of raw.clients) socket.send(frame);
  }
});

try {
  await clients.next(Ready);
  const skew = (await clients.call({ type: 'clock' }, Clock)).us - eventClockUs();
  if (Math.abs(skew) > 1_000_000) throw new Error(`the processes do not share a clock (${skew} µs apart)`);
  chain.setAutoFinalize(false);
  const rows: string[] = [];
  const warmUps: string[] = [];
  for (const size of sizes) {
    const hubOpen = await clients.call(
      {
        type: 'connect',
        group: 'hub',
        url: `${service.url.replace('http', 'ws')}/ws`,
        count: size,
        join: { type: 'join-room', roomId: ROOM_ID },
      },
      Opened,
    );
    const rawOpen = await clients.call(
      { type: 'connect', group: 'raw', url: rawUrl, count: size, join: null },
      Opened,
    );
    const giftBlocks: number[] = [];
    const rawBlocks: number[] = [];
    for (let i = 0; i < WARM_UP_ROUNDS + gifts; i++) {
      // Signed before, and its outcome never decoded: from the announcement on, the only work in
      // this process is the node's (notifications, RPC answers) and the service's.
      const gift = chain.sign(chain.pairs.Dave, chain.call('livestream', 'sendGift', ROOM_ID, GIFT_ID, 1));
      const number = chain.store.byHash(await chain.included(gift))?.number ?? -1;
      giftBlocks.push(number);
      await sleep(PACE_MS);
      finalizedAt.set(number, eventClockUs());
      chain.finalize(number);
      await sleep(PACE_MS);
      rawFrame = (n) => giftFrameLike(n);
      rawBlocks.push((await chain.produceBlock()).number);
      rawFrame = null;
      await sleep(PACE_MS);
    }
    const warmGifts = giftBlocks.splice(0, WARM_UP_ROUNDS);
    rawBlocks.splice(0, WARM_UP_ROUNDS);
    await sleep(SETTLE_MS);
    const hub = await clients.call({ type: 'collect', group: 'hub' }, Collected);
    const rawArrivals = await clients.call({ type: 'collect', group: 'raw' }, Collected);
    const best = latencies(hub.arrivals.gift, giftBlocks, announced, hubOpen.open);
    const rawLatency = latencies(rawArrivals.arrivals.gift, rawBlocks, announced, rawOpen.open);
    const final = latencies(hub.arrivals.finalized, giftBlocks, finalizedAt, hubOpen.open);
    warmUps.push(`${size}: ${fmt(latencies(hub.arrivals.gift, warmGifts, announced, hubOpen.open))}`);
    rows.push(
      `| ${size} | ${hubOpen.open}/${rawOpen.open} | ${fmt(best)} | ${fmt(rawLatency)} | ${fmt(final)} | ` +
        `${best.lost + rawLatency.lost + final.lost} |`,
    );
    await clients.call({ type: 'close', group: 'hub' }, z.object({ closed: z.boolean() }));
    await clients.call({ type: 'close', group: 'raw' }, z.object({ closed: z.boolean() }));
  }
  console.log(
    [
      '',
      '| members | open (service/raw) | best block → gift frame, p50 / p99 | raw ws broadcast, p50 / p99 | finality → block:finalized, p50 / p99 | lost |',
      '|---:|---:|---:|---:|---:|---:|',
      ...rows,
      '',
      `warm-up gift (first of each size, not counted), best block → gift frame p50 / p99: ${warmUps.join(', ')}`,
    ].join('\n'),
  );
} finally {
  await clients.stop();
  raw.close();
  await service.close();
  await devchain.close();
}

/** A frame of the size and shape of the service's `gift:received`, for the raw broadcast. */
function giftFrameLike(number: number): string {
  return JSON.stringify({
    type: 'gift:received',
    id: `${number}-1`,
    roomId: ROOM_ID,
    block: { number, hash: `0x${'ab'.repeat(32)}` },
    final: false,
    data: {
      roomId: ROOM_ID,
      sender: chain.pairs.Dave.address,
      receiver: chain.pairs.Alice.address,
      giftId: GIFT_ID,
      quantity: 1,
      value: '1000000000000',
    },
  });
}

interface Latency {
  p50: number;
  p99: number;
  lost: number;
}

/** Latencies (ms) of every client's arrival for every block, from the block's start time. */
function latencies(
  arrivals: Record<string, number[]>,
  blocks: number[],
  start: Map<number, number>,
  members: number,
): Latency {
  const all: number[] = [];
  for (const number of blocks) {
    const from = start.get(number);
    if (from === undefined) continue;
    for (const at of arrivals[String(number)] ?? []) all.push((at - from) / 1000);
  }
  return {
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    lost: blocks.length * members - all.length,
  };
}

function fmt(latency: Latency): string {
  return `${latency.p50.toFixed(1)} / ${latency.p99.toFixed(1)} ms`;
}
