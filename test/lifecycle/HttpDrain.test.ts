import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpDrain } from '../../src/lifecycle/HttpDrain.js';

const DRAIN_TIMEOUT_MS = 5_000;
const CONNECTIONS = 30;

interface Answer {
  status: number;
  connectionHeader: string | undefined;
  body: string;
}

/** Reads one HTTP/1.1 response off a raw socket (the test controls every byte the client sends). */
function readAnswer(socket: Socket): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length: (\d+)/i.exec(text)?.[1] ?? 0);
      if (text.length < end + 4 + length) return;
      resolve({
        status: Number(text.slice(9, 12)),
        connectionHeader: /\r\nconnection: ([^\r]+)/i.exec(text)?.[1]?.toLowerCase(),
        body: text.slice(end + 4, end + 4 + length),
      });
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed before a full answer: ${JSON.stringify(text)}`)));
  });
}

/** The worker's side: connect `count` sockets, send a request on each, tell the blocked thread, read. */
const BACKLOG_CLIENT = `
const { connect } = require('node:net');
const { workerData, parentPort } = require('node:worker_threads');
const { port, sent, count } = workerData;
let connected = 0;
const statuses = [];
const sockets = Array.from({ length: count }, () => connect(port, '127.0.0.1'));
for (const socket of sockets) {
  socket.setEncoding('utf8');
  let text = '';
  socket.on('data', (chunk) => { text += chunk; });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    statuses.push(Number(text.slice(9, 12)) || 0);
    if (statuses.length === count) parentPort.postMessage(statuses);
  });
  socket.on('connect', () => {
    socket.write('GET / HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n');
    if (++connected === count) { Atomics.store(sent, 0, 1); Atomics.notify(sent, 0); }
  });
}
`;
/** The blocked thread gives up waiting for the worker after this long (a broken test, not a slow box). */
const BLOCK_LIMIT_MS = 30_000;

function get(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;
}

describe('HttpDrain', () => {
  let server: Server;
  const sockets: Socket[] = [];

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
    server.closeAllConnections();
  });

  /** A server whose handler answers on the next turn (or never, for `/hang` until the test says). */
  async function start(handler?: (res: ServerResponse, url: string) => void) {
    server = createServer((req, res) => {
      if (handler) return handler(res, req.url ?? '');
      setImmediate(() => res.end('ok'));
    });
    const deadlineAnswers: ServerResponse[] = [];
    const drain = new HttpDrain(server, {
      answerAtDeadline: (res) => {
        deadlineAnswers.push(res);
        res.writeHead(503, { 'content-length': 4 }).end('shut');
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const open = async () => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      await once(socket, 'connect');
      return socket;
    };
    return { drain, open, deadlineAnswers };
  }

  it('answers requests that arrived on fresh connections just before the drain began', async () => {
    const { drain, open } = await start();
    let accepted = 0;
    const allAccepted = new Promise<void>((resolve) =>
      server.on('connection', () => {
        if (++accepted === CONNECTIONS) resolve();
      }),
    );
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, open));
    await allAccepted;
    const answers = clients.map((socket) => readAnswer(socket));
    // Written and drained in one turn: no request has been read by the server yet.
    for (const socket of clients) socket.write(get('/'));
    const drained = drain.drain(DRAIN_TIMEOUT_MS);

    const results = await Promise.all(answers);
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: CONNECTIONS }, () => 200));
    // Each answer closes its connection: the drain ends without waiting on clients.
    expect(new Set(results.map((r) => r.connectionHeader))).toEqual(new Set(['close']));
    await drained;
    expect(server.listening).toBe(false);
  });

  it('answers requests on connections still waiting in the listen backlog when the drain begins', async () => {
    const { drain } = await start();
    const { port } = server.address() as AddressInfo;
    // A worker connects and sends while this thread is blocked: every connection is still in the
    // kernel's accept queue, unseen by the server, when the drain begins.
    const sent = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(BACKLOG_CLIENT, { eval: true, workerData: { port, sent, count: CONNECTIONS } });
    const statuses = new Promise<number[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    Atomics.wait(sent, 0, 0, BLOCK_LIMIT_MS);
    expect(Atomics.load(sent, 0)).toBe(1);
    const drained = drain.drain(DRAIN_TIMEOUT_MS);
    expect(await statuses).toEqual(Array.from({ length: CONNECTIONS }, () => 200));
    await drained;
    await worker.terminate();
  });

  it('stops accepting at once and closes idle keep-alive connections without waiting for them', async () => {
    const { drain, open } = await start();
    const idle = await open();
    const first = readAnswer(idle);
    idle.write(get('/'));
    expect((await first).connectionHeader).toBe('keep-alive');
    const closed = once(idle, 'close');
    const { port } = server.address() as AddressInfo;

    await drain.drain(DRAIN_TIMEOUT_MS);
    await closed;
    const late = connect(port, '127.0.0.1');
    sockets.push(late);
    const [error] = (await once(late, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });

  it('lets a connection that never sends anything go after the first-request grace', async () => {
    server = createServer((_req, res) => res.end('ok'));
    const drain = new HttpDrain(server, { answerAtDeadline: () => undefined, firstRequestGraceMs: 50 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const silent = connect((server.address() as AddressInfo).port, '127.0.0.1');
    sockets.push(silent);
    const accepted = once(server, 'connection');
    await once(silent, 'connect');
    await accepted;
    const closed = once(silent, 'close');
    // The deadline is far: only the grace can end this drain.
    await drain.drain(60_000);
    await closed;
  });

  it('answers a request still uploading its body at the deadline, and a handler still waiting', async () => {
    const { drain, open, deadlineAnswers } = await start((_res, url) => {
      // `/upload` reads a body that never completes; `/hang` never answers on its own.
      expect(['/upload', '/hang']).toContain(url);
    });
    const uploading = await open();
    const hanging = await open();
    const uploadAnswer = readAnswer(uploading);
    const hangAnswer = readAnswer(hanging);
    const received = new Promise<void>((resolve) => {
      let requests = 0;
      server.on('request', () => {
        if (++requests === 2) resolve();
      });
    });
    uploading.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"a":');
    hanging.write(get('/hang'));
    await received;

    await drain.drain(100);
    expect(deadlineAnswers).toHaveLength(2);
    expect(await uploadAnswer).toMatchObject({ status: 503, connectionHeader: 'close', body: 'shut' });
    expect(await hangAnswer).toMatchObject({ status: 503, connectionHeader: 'close', body: 'shut' });
  });

  it('finishes a response in progress when the drain begins, then closes its connection', async () => {
    let respond: (() => void) | undefined;
    const { drain, open, deadlineAnswers } = await start((res) => {
      respond = () => res.end('late');
    });
    const client = await open();
    const answer = readAnswer(client);
    const received = once(server, 'request');
    client.write(get('/slow'));
    await received;
    const drained = drain.drain(DRAIN_TIMEOUT_MS);
    respond?.();
    expect(await answer).toMatchObject({ status: 200, body: 'late' });
    await drained;
    expect(deadlineAnswers).toEqual([]);
  });
});
