import { type ChildProcess, spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningDevChain, startDevChain } from '../src/devchain/startDevChain.js';

const SHUTDOWN_BOUND_MS = 10_000;
/** Starting a process with tsx and loading the chain's rooms is slow on a busy box; only the shutdown itself is bounded. */
const PROCESS_TEST_TIMEOUT_MS = 120_000;

interface Started {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; at: number }>;
  /** Resolves when the process logs a line with this message. */
  logged(message: string): Promise<void>;
}

/** Runs `src/main.ts` as operators do (a process), against a dev chain of the test. */
async function startMain(chainUrl: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      CHAIN_WS_ENDPOINT: chainUrl,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_BOUND_MS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const seen = new Map<string, Record<string, unknown>>();
  const waiting = new Map<string, (entry: Record<string, unknown>) => void>();
  lines.on('line', (line) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const message = String(entry.msg);
    seen.set(message, entry);
    waiting.get(message)?.(entry);
  });
  const logged = (message: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const entry = seen.get(message);
      if (entry) return resolve(entry);
      waiting.set(message, resolve);
      void exited.then(({ code }) => reject(new Error(`main exited (${code}) before logging "${message}"`)));
    });
  const url = String((await logged('livestream backend listening')).url);
  // Ready: chain connected and rooms loaded.
  await logged('room index loaded');
  return { child, url, exited, logged: async (message) => void (await logged(message)) };
}

describe('the process (src/main.ts)', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let devchain: RunningDevChain;

  beforeAll(async () => {
    devchain = await startDevChain({ port: 0, seed: { kind: 'demo' } });
  });
  afterAll(() => devchain.close());

  it('on SIGTERM tells WebSocket clients, lets an in-flight request finish, and exits 0 in time', async () => {
    const { child, url, exited, logged } = await startMain(devchain.url);
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
    const frames: string[] = [];
    ws.on('message', (data) => frames.push(String(data)));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await new Promise((resolve) => ws.once('open', resolve));

    // An in-flight request: headers and half of the body are sent before the signal.
    const body = JSON.stringify({ roomId: 0, address: 'x' });
    const response = new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${url}/api/livestream/viewer-token`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10), () => {
        const signalled = Date.now();
        child.kill('SIGTERM');
        // Finish the request once shutdown has begun: it must still be answered.
        void logged('shutting down').then(() => req.end(body.slice(10)));
        void exited.then(({ at }) => expect(at - signalled).toBeLessThan(SHUTDOWN_BOUND_MS));
      });
    });

    expect(await response).toBe(400);
    expect(await closed).toBe(1001);
    expect(frames.map((f) => JSON.parse(f) as { type: string }).map((f) => f.type)).toContain(
      'server:shutdown',
    );
    expect((await exited).code).toBe(0);
  });

  it('exits at once on a second signal', async () => {
    const { child, url, exited, logged } = await startMain(devchain.url);
    // A request that never completes keeps the graceful close waiting.
    const hanging = httpRequest(`${url}/api/livestream/viewer-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': 100 },
    });
    hanging.on('error', () => undefined);
    await new Promise<void>((resolve) => hanging.write('{', () => resolve()));
    child.kill('SIGTERM');
    await logged('shutting down');
    const second = Date.now();
    child.kill('SIGTERM');
    const { code, at } = await exited;
    expect(code).toBe(1);
    expect(at - second).toBeLessThan(2_000);
    hanging.destroy();
  });
});
