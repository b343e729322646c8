import { readFileSync } from 'node:fs';

/**
 * File descriptors kept for everything but client connections: the chain node's WebSocket, Redis
 * (commands and subscriptions), LiveKit's HTTP keep-alive pool, the signature workers, stdio and
 * Node's own (epoll, event fds, pipes), with room to spare. With Linux's usual 1,024 this leaves 900.
 */
export const RESERVED_FILE_DESCRIPTORS = 124;
/** Where the limit cannot be read (not Linux): what 1,024 descriptors allow. */
export const FALLBACK_MAX_CONNECTIONS = 900;
/** A limit so low that little is left for clients still lets this many in. */
const MIN_MAX_CONNECTIONS = 64;

/**
 * The default cap on open client connections: the open-file limit minus what the service's own
 * clients need, so a flood of sockets is refused by the cap before `accept` fails for lack of
 * descriptors (when that happens every other client is locked out too, and so are reconnects to
 * the chain, Redis and LiveKit).
 */
export function defaultMaxConnections(openFileLimit: number | undefined): number {
  if (openFileLimit === undefined) return FALLBACK_MAX_CONNECTIONS;
  return Math.max(MIN_MAX_CONNECTIONS, openFileLimit - RESERVED_FILE_DESCRIPTORS);
}

/**
 * The process's soft limit on open files (`ulimit -n`; Node raises it to the hard limit at start),
 * from /proc/self/limits; `undefined` where that cannot be read or says "unlimited".
 */
export function openFileLimit(
  readLimits: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number | undefined {
  let text: string;
  try {
    text = readLimits();
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+)\s/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}
