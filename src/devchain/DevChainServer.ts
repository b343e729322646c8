import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { DevChain } from './DevChain.js';
import { authorMethods } from './rpc/methods/authorMethods.js';
import { chainHeadMethods } from './rpc/methods/chainHeadMethods.js';
import { chainMethods } from './rpc/methods/chainMethods.js';
import { devMethods } from './rpc/methods/devMethods.js';
import { paymentMethods } from './rpc/methods/paymentMethods.js';
import { specV1Methods } from './rpc/methods/specV1Methods.js';
import { stateMethods } from './rpc/methods/stateMethods.js';
import { systemMethods } from './rpc/methods/systemMethods.js';
import { RpcConnection } from './rpc/RpcConnection.js';
import { RpcDispatcher } from './rpc/RpcDispatcher.js';

/** Requests (and batches) larger than this are refused; the node's default is 15 MiB. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface DevChainServerOptions {
  host?: string;
  port?: number;
}

/**
 * Serves a `DevChain` over the Substrate JSON-RPC WebSocket protocol, as @polkadot/api 16 uses it.
 * The methods live in `rpc/methods/`, one file per namespace; this class owns the sockets.
 */
export class DevChainServer {
  readonly chain: DevChain;
  readonly #host: string;
  #port: number;
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  readonly #connections = new Set<RpcConnection>();
  readonly #dispatcher: RpcDispatcher;
  #nextSubscription = 1;
  /** While hung: what the node would have read and written, in order, for `resume()`. */
  #held: (() => void)[] | null = null;

  constructor(chain: DevChain, options: DevChainServerOptions = {}) {
    this.chain = chain;
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? 0;
    this.#dispatcher = new RpcDispatcher({
      ...systemMethods(chain),
      ...chainMethods(chain),
      ...stateMethods(chain),
      ...authorMethods(chain),
      ...paymentMethods(chain),
      ...devMethods(chain),
      ...chainHeadMethods(chain),
      ...specV1Methods(chain),
    });
  }

  get url(): string {
    return `ws://${this.#host}:${this.#port}`;
  }

  get port(): number {
    return this.#port;
  }

  async start(): Promise<string> {
    const http = createServer((req, res) => this.#onHttp(req, res));
    const wss = new WebSocketServer({ server: http, maxPayload: MAX_REQUEST_BYTES });
    wss.on('connection', (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(this.#port, this.#host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.#port = (http.address() as AddressInfo).port;
    this.#http = http;
    this.#wss = wss;
    return this.url;
  }

  /** Test hook: drop every client connection; the server keeps listening. */
  dropConnections(): void {
    for (const conn of this.#connections) conn.socket?.terminate();
  }

  /** JSON-RPC over HTTP POST on the same port, as a node serves it (no subscriptions). */
  #onHttp(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'POST' }).end('Use POST or a WebSocket\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' }).end('Request too large\n');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      const conn = new RpcConnection(undefined, () => '');
      void this.#dispatcher.handleFrame(Buffer.concat(chunks).toString(), conn).then((reply) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
      });
    });
  }

  /**
   * Test hook: the node stops answering, as a stopped process does, while its sockets stay open:
   * requests are not handled and nothing is sent (notifications included) until `resume()`.
   */
  hang(): void {
    this.#held ??= [];
  }

  /** Handles what arrived while hung, in order, and sends what was held back. */
  resume(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const run of held) run();
  }

  /** Runs `action` now, or on `resume()` while hung. */
  #whenAnswering(action: () => void): void {
    if (this.#held) this.#held.push(action);
    else action();
  }

  /** Stops listening and drops every connection; the chain keeps its state (start() again to serve it). */
  async stop(): Promise<void> {
    this.dropConnections();
    const wss = this.#wss;
    const http = this.#http;
    this.#wss = undefined;
    this.#http = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  #accept(socket: WebSocket): void {
    const conn = new RpcConnection(
      socket,
      () => (this.#nextSubscription++).toString(16).padStart(16, '0'),
      (send) => this.#whenAnswering(send),
    );
    this.#connections.add(conn);
    socket.on('message', (data, isBinary) => {
      // A binary frame is not JSON text: answered as a parse error.
      const text = isBinary ? '' : data.toString();
      this.#whenAnswering(() => {
        void this.#dispatcher.handleFrame(text, conn).then((reply) => conn.send(reply));
      });
    });
    socket.on('close', () => {
      conn.closed();
      this.#connections.delete(conn);
    });
    socket.on('error', () => socket.terminate());
  }
}
