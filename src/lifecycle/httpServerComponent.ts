import type { Server } from 'node:http';
import type { Component } from './Lifecycle.js';

/** While closing, idle keep-alive connections are closed this often. */
const IDLE_SWEEP_MS = 50;

export interface HttpServerComponentOptions {
  server: Server;
  port: number;
  host: string;
  /** Runs first when stopping (tell WebSocket clients, stop upgrades). */
  beforeClose: () => void;
}

/** The HTTP (and WebSocket) server: listens on start; on stop, lets requests finish and closes. */
export function httpServerComponent(options: HttpServerComponentOptions): Component {
  const { server } = options;
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A keep-alive connection busy at close time becomes idle once its response is sent:
        // close it then rather than after the keep-alive timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
        server.once('close', () => clearInterval(sweep));
        server.closeIdleConnections();
      });
    },
  };
}
