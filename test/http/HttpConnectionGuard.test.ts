import { once } from 'node:events';
import { Agent, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { clientPolicy } from '../../src/clients/clientPolicy.js';
import type { TrustProxy } from '../../src/config/Config.js';
import { createHttpServer } from '../../src/http/createHttpServer.js';
import {
  type GuardRefusal,
  HTTP_MAX_PIPELINED_REQUESTS,
  HttpConnectionGuard,
  type HttpConnectionLimits,
} from '../../src/http/HttpConnectionGuard.js';
import { openRawSocket, pipelinedGets, socketClosed } from '../support/rawSockets.js';

/** Far more than the kernel's socket buffers on loopback hold, so a client that does not read stalls it. */
const BIG_RESPONSE_BYTES = 32 * 1024 * 1024;
const GENEROUS: HttpConnectionLimits = {
  maxConnections: 1000,
  maxConnectionsPerIp: 1000,
  maxInFlightPerIp: 1000,
};

interface Guarded {
  port: number;
  guard: HttpConnectionGuard;
  refusals: GuardRefusal[];
  /** Requests that reached the app, by path. */
  reached: string[];
  /** Answers every `/hold` request received so far. */
  releaseHeld(): void;
  /** Resolves once `count` requests have reached the app. */
  reachedCount(count: number): Promise<void>;
  /** The server side of the `index`th accepted connection, once accepted. */
  serverSocket(index: number): Promise<Socket>;
  /** Resolves once `count` connections have been accepted (or dropped) by the server. */
  connectionCount(count: number): Promise<void>;
  /** Connections the server made a Socket of ('connection' events) so far. */
  sockets(): number;
  server: Server;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function startGuarded(
  limits: Partial<HttpConnectionLimits>,
  trustProxy: TrustProxy = false,
): Promise<Guarded> {
  const refusals: GuardRefusal[] = [];
  const guard = new HttpConnectionGuard({
    ...GENEROUS,
    ...limits,
    clients: clientPolicy({ cors: { anyOrigin: true, origins: [] }, trustProxy }),
    onRefused: (reason) => refusals.push(reason),
  });
  const reached: string[] = [];
  const held: (() => void)[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const app = express();
  app.use((req, _res, next) => {
    reached.push(req.path);
    for (const waiter of waiters.filter((w) => reached.length >= w.count)) waiter.resolve();
    next();
  });
  app.get('/ok', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/hold', (_req, res) => {
    held.push(() => res.json({ held: true }));
  });
  const big = Buffer.alloc(BIG_RESPONSE_BYTES, 'x');
  app.get('/big', (_req, res) => {
    res.end(big);
  });
  const server = createHttpServer(app, guard);
  servers.push(server);
  const serverSockets: Socket[] = [];
  let connections = 0;
  const connectionWaiters: { count: number; resolve: () => void }[] = [];
  const counted = () => {
    connections++;
    for (const waiter of connectionWaiters.filter((w) => connections >= w.count)) waiter.resolve();
  };
  const acceptWaiters: { count: number; resolve: () => void }[] = [];
  server.on('connection', (socket: Socket) => {
    serverSockets.push(socket);
    for (const waiter of acceptWaiters.filter((w) => serverSockets.length >= w.count)) waiter.resolve();
    counted();
  });
  const accepted = (count: number) =>
    serverSockets.length >= count
      ? Promise.resolve()
      : new Promise<void>((resolve) => acceptWaiters.push({ count, resolve }));
  server.on('drop', counted);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    guard,
    refusals,
    reached,
    releaseHeld: () => {
      for (const answer of held.splice(0)) answer();
    },
    reachedCount: (count) =>
      reached.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    serverSocket: async (index) => {
      await accepted(index + 1);
      return serverSockets[index] as Socket;
    },
    connectionCount: (count) =>
      connections >= count
        ? Promise.resolve()
        : new Promise((resolve) => connectionWaiters.push({ count, resolve })),
    sockets: () => serverSockets.length,
    server,
  };
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function fetchFrom(
  port: number,
  path: string,
  options: { localAddress?: string; headers?: Record<string, string>; agent?: Agent } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = get(
      {
        host: '127.0.0.1',
        port,
        path,
        agent: options.agent ?? false,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        ...(options.headers === undefined ? {} : { headers: options.headers }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
  });
}

describe('HttpConnectionGuard', () => {
  it('closes a connection with too many unfinished requests; the rest of what it sent never reaches the app', async () => {
    const s = await startGuarded({});
    let parsed = 0;
    s.server.on('request', () => {
      parsed++;
    });
    const attacker = await openRawSocket({ port: s.port });
    attacker.write(pipelinedGets('/hold', 200));

    await socketClosed(attacker);
    await socketClosed(await s.serverSocket(0));

    expect(s.refusals).toEqual(['pipelined']);
    expect(s.reached).toHaveLength(HTTP_MAX_PIPELINED_REQUESTS);
    // Node's parser stopped at the request that closed it, not at the end of what it had read.
    expect(parsed).toBe(HTTP_MAX_PIPELINED_REQUESTS + 1);
    expect(s.guard.inFlight).toBe(0);
    expect(s.guard.connections).toBe(0);
    s.releaseHeld();
  });

  it('refuses new connections of an address that pipelined, until its cooldown ends, before they are made Sockets; other addresses are served', async () => {
    let now = 0;
    const s = await startGuarded({ pipeliningCooldownMs: 10_000, now: () => now });
    const attacker = await openRawSocket({ port: s.port, localAddress: '127.0.0.8' });
    attacker.write(pipelinedGets('/ok', 10 * HTTP_MAX_PIPELINED_REQUESTS));
    await socketClosed(await s.serverSocket(0));
    attacker.destroy();

    const again = await openRawSocket({ port: s.port, localAddress: '127.0.0.8' });
    // Reading, to see the server's end of it.
    again.resume();
    await socketClosed(again);
    expect(s.refusals).toEqual(['pipelined', 'cooldown']);
    expect(s.sockets()).toBe(1);
    expect((await fetchFrom(s.port, '/ok', { localAddress: '127.0.0.9' })).status).toBe(200);

    now += 10_000;
    expect((await fetchFrom(s.port, '/ok', { localAddress: '127.0.0.8' })).status).toBe(200);
  });

  it('serves a keep-alive client that sends one request at a time, however many', async () => {
    const s = await startGuarded({ maxInFlightPerIp: 1 });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 3 * HTTP_MAX_PIPELINED_REQUESTS; i++) {
      expect((await fetchFrom(s.port, '/ok', { agent })).status).toBe(200);
    }
    agent.destroy();
    expect(await s.serverSocket(0)).toBeDefined();
    expect(s.guard.connections).toBeLessThanOrEqual(1);
    expect(s.refusals).toEqual([]);
  });

  it('stops reading from a client that does not read its response, and reads again once it does', async () => {
    const s = await startGuarded({ stalledResponseMs: 60_000 });
    const client = await openRawSocket({ port: s.port });
    client.pause();
    client.write(pipelinedGets('/big', 1));
    await s.reachedCount(1);
    const serverSocket = await s.serverSocket(0);
    expect(serverSocket.isPaused()).toBe(true);

    let reading = false;
    let okWhileReading: boolean | undefined;
    s.server.prependListener('request', (req: IncomingMessage) => {
      if (req.url === '/ok?pipelined') okWhileReading = reading;
    });
    client.write(pipelinedGets('/ok?pipelined', 1));
    // A round trip on another connection: the server has had its turns to see the pipelined /ok.
    expect((await fetchFrom(s.port, '/ok', { localAddress: '127.0.0.2' })).status).toBe(200);
    expect(okWhileReading).toBeUndefined();

    let received = 0;
    const okAnswered = new Promise<void>((resolve) => {
      client.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > BIG_RESPONSE_BYTES && chunk.toString('latin1').includes('{"ok":true}')) resolve();
      });
    });
    reading = true;
    client.resume();
    await okAnswered;

    expect(okWhileReading).toBe(true);
    expect(s.refusals).toEqual([]);
    client.destroy();
  });

  it('closes a connection whose response stays unread past the deadline, releasing what it held', async () => {
    const s = await startGuarded({ stalledResponseMs: 50, maxInFlightPerIp: 1 });
    const client = await openRawSocket({ port: s.port });
    client.pause();
    client.write(pipelinedGets('/big', 1));

    // The client, not reading, would not even notice: the server's side is what is closed.
    await socketClosed(await s.serverSocket(0));
    client.destroy();

    expect(s.refusals).toEqual(['stalled']);
    expect(s.guard.inFlight).toBe(0);
    expect((await fetchFrom(s.port, '/ok')).status).toBe(200);
  });

  it('answers 429 with Retry-After past the requests in progress of one address, without running the app', async () => {
    const s = await startGuarded({ maxInFlightPerIp: 2 });
    const held = [fetchFrom(s.port, '/hold'), fetchFrom(s.port, '/hold')];
    await s.reachedCount(2);

    const refused = await fetchFrom(s.port, '/ok');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'RATE_LIMIT_EXCEEDED' } });
    expect(s.reached).toEqual(['/hold', '/hold']);
    expect(s.refusals).toEqual(['in_flight_per_ip']);

    expect((await fetchFrom(s.port, '/ok', { localAddress: '127.0.0.2' })).status).toBe(200);

    s.releaseHeld();
    expect((await Promise.all(held)).map((answer) => answer.status)).toEqual([200, 200]);
    expect((await fetchFrom(s.port, '/ok')).status).toBe(200);
  });

  it('frees the requests of a client that leaves without waiting for its answers', async () => {
    const s = await startGuarded({ maxInFlightPerIp: 1 });
    const client = await openRawSocket({ port: s.port });
    client.write(pipelinedGets('/hold', 1));
    await s.reachedCount(1);
    expect(s.guard.inFlight).toBe(1);

    client.destroy();
    await socketClosed(await s.serverSocket(0));

    expect(s.guard.inFlight).toBe(0);
    expect((await fetchFrom(s.port, '/ok')).status).toBe(200);
    s.releaseHeld();
  });

  it('resets connections past the per-address cap at once, before they are made Sockets, while other addresses connect', async () => {
    const s = await startGuarded({ maxConnectionsPerIp: 2 });
    const first = await openRawSocket({ port: s.port, localAddress: '127.0.0.3' });
    await openRawSocket({ port: s.port, localAddress: '127.0.0.3' });
    const third = await openRawSocket({ port: s.port, localAddress: '127.0.0.3' });
    let answered = false;
    third.on('data', () => {
      answered = true;
    });
    third.write(pipelinedGets('/ok', 1));

    await socketClosed(third);
    expect(answered).toBe(false);
    expect(s.refusals).toEqual(['connections_per_ip']);
    expect(s.sockets()).toBe(2);
    expect((await fetchFrom(s.port, '/ok', { localAddress: '127.0.0.4' })).status).toBe(200);

    first.destroy();
    await socketClosed(await s.serverSocket(0));
    expect((await fetchFrom(s.port, '/ok', { localAddress: '127.0.0.3' })).status).toBe(200);
  });

  it('drops connections past the global cap before they are set up', async () => {
    const s = await startGuarded({ maxConnections: 2 });
    const first = await openRawSocket({ port: s.port, localAddress: '127.0.0.5' });
    await openRawSocket({ port: s.port, localAddress: '127.0.0.6' });
    await s.connectionCount(2);
    const third = await openRawSocket({ port: s.port, localAddress: '127.0.0.7' });

    await socketClosed(third);
    expect(s.refusals).toEqual(['connections']);
    expect(s.guard.connections).toBe(2);

    first.destroy();
    await socketClosed(await s.serverSocket(0));
    expect((await fetchFrom(s.port, '/ok', { localAddress: '127.0.0.7' })).status).toBe(200);
  });

  it('counts clients behind a trusted proxy by X-Forwarded-For, and does not cap the proxy’s connections', async () => {
    const s = await startGuarded({ maxConnectionsPerIp: 1, maxInFlightPerIp: 1 }, ['loopback']);
    const held = fetchFrom(s.port, '/hold', { headers: { 'x-forwarded-for': '203.0.113.1' } });
    await s.reachedCount(1);

    const sameClient = await fetchFrom(s.port, '/ok', { headers: { 'x-forwarded-for': '203.0.113.1' } });
    const otherClient = await fetchFrom(s.port, '/ok', { headers: { 'x-forwarded-for': '203.0.113.2' } });

    expect(sameClient.status).toBe(429);
    expect(otherClient.status).toBe(200);
    expect(s.refusals).toEqual(['in_flight_per_ip']);
    s.releaseHeld();
    expect((await held).status).toBe(200);
  });

  it('lets WebSocket upgrades through, counting their connections', async () => {
    const s = await startGuarded({ maxPipelined: 1, maxInFlightPerIp: 1 });
    const wss = new WebSocketServer({ noServer: true });
    s.server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (data) => ws.send(data)));
    });
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/`);
    await once(ws, 'open');
    ws.send('hello');
    const [echo] = (await once(ws, 'message')) as [Buffer];

    expect(echo.toString()).toBe('hello');
    expect(s.guard.connections).toBe(1);
    ws.close();
    await once(ws, 'close');
    wss.close();
  });
});
