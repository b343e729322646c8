import type { Server, ServerResponse } from 'node:http';
import { AppError } from '../errors/AppError.js';
import { HttpDrain } from './HttpDrain.js';
import type { Component } from './Lifecycle.js';

/** What a client cut at the drain deadline should wait before retrying (another instance answers sooner). */
const SHUTTING_DOWN_RETRY_AFTER_SECONDS = 1;

export interface HttpServerComponentOptions {
  server: Server;
  port: number;
  host: string;
  /** Bound of the drain: requests received before stopping are answered within it (else 503). */
  drainTimeoutMs: number;
  /** Runs first when stopping (tell WebSocket clients, stop upgrades). */
  beforeClose: () => void;
}

/**
 * The HTTP (and WebSocket) server: listens on start; on stop, drains (stops accepting, answers what
 * was received, closes), answering 503 SHUTTING_DOWN to whatever is still open at the deadline.
 */
export function httpServerComponent(options: HttpServerComponentOptions): Component {
  const { server } = options;
  const drain = new HttpDrain(server, { answerAtDeadline: answerShuttingDown });
  return {
    name: 'http server',
    start: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    stop: async () => {
      options.beforeClose();
      await drain.drain(options.drainTimeoutMs);
    },
  };
}

/** Our JSON error, written without the app: the request may still be inside a handler or a body read. */
function answerShuttingDown(res: ServerResponse): void {
  const error = new AppError('SHUTTING_DOWN', 'the server is shutting down; retry shortly');
  const body = JSON.stringify({ error: { code: error.code, message: error.message } });
  res.writeHead(error.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'Retry-After': String(SHUTTING_DOWN_RETRY_AFTER_SECONDS),
    Connection: 'close',
  });
  res.end(body);
}
