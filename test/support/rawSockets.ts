import { once } from 'node:events';
import { connect, type Socket } from 'node:net';

export interface RawSocketTarget {
  port: number;
  host?: string;
  /** Loopback has a whole /8: 127.0.0.2, 127.0.0.3, … are other clients to the server. */
  localAddress?: string;
}

/** A plain TCP connection to an HTTP server, for clients no HTTP library would be (they never read). */
export async function openRawSocket(target: RawSocketTarget): Promise<Socket> {
  const socket = connect({
    port: target.port,
    host: target.host ?? '127.0.0.1',
    ...(target.localAddress === undefined ? {} : { localAddress: target.localAddress }),
  });
  // A reset by the server is what some tests expect; the socket's 'close' tells them.
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** `count` GET requests for `path`, back to back, as one pipelining client sends them. */
export function pipelinedGets(path: string, count: number, headers: Record<string, string> = {}): string {
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${extra}\r\n`.repeat(count);
}

/** Resolves when `socket` is closed (at once if it already is). */
export async function socketClosed(socket: Socket): Promise<void> {
  if (socket.closed) return;
  await once(socket, 'close');
}
