/**
 * A client that pipelines requests and never reads the answers, as a process of its own (so its
 * work does not slow the test process that measures the victim): `sockets` connections from
 * `localAddress`, each writing `requestsPerWrite` GETs of `path` whenever its socket takes more, and
 * opening a new connection whenever the server closes one. Runs until SIGTERM (the attacker leaves:
 * the kernel closes every socket), then prints one JSON line of counts. Prints `attacking` once its
 * connections are on their way.
 *
 * Usage: `pipeliningAttack.ts '{"port":3001,"localAddress":"127.0.0.2","sockets":100,...}'`
 */
import { connect, type Socket } from 'node:net';
import {
  ATTACKING,
  PipeliningAttackOptions,
  type PipeliningAttackSummary,
} from './pipeliningAttackProtocol.js';

const RECONNECT_DELAY_MS = 10;
const options = PipeliningAttackOptions.parse(JSON.parse(process.argv[2] ?? '{}'));
const burst = Buffer.from(
  `GET ${options.path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`.repeat(options.requestsPerWrite),
);
const summary: PipeliningAttackSummary = {
  connectionsOpened: 0,
  connectionsClosed: 0,
  requestsWritten: 0,
  bytesReceived: 0,
};
let stopping = false;
const open = new Set<Socket>();

function attack(): void {
  if (stopping) return;
  const socket = connect({ port: options.port, host: '127.0.0.1', localAddress: options.localAddress });
  summary.connectionsOpened++;
  open.add(socket);
  // Never read: the answers pile up in the server's buffers, which is the point.
  socket.pause();
  // One burst at a time, the next when the socket took this one (at once, or on 'drain'): a loop
  // would never yield while the kernel takes everything, and SIGTERM would wait for it.
  const write = () => {
    if (stopping || !socket.writable) return;
    summary.requestsWritten += options.requestsPerWrite;
    if (socket.write(burst)) setImmediate(write);
  };
  socket.on('connect', write);
  socket.on('drain', write);
  socket.on('error', () => {});
  socket.on('close', () => {
    open.delete(socket);
    if (stopping) return;
    summary.connectionsClosed++;
    summary.bytesReceived += socket.bytesRead;
    // A new connection soon. Not in a tight loop: the attacker shares this box's cores with the
    // server, and a spinning reconnect loop would measure the attacker's CPU, not the server.
    setTimeout(attack, RECONNECT_DELAY_MS);
  });
}

for (let i = 0; i < options.sockets; i++) attack();
console.log(ATTACKING);

process.once('SIGTERM', () => {
  stopping = true;
  for (const socket of open) socket.destroy();
  console.log(JSON.stringify(summary));
  process.exit(0);
});
