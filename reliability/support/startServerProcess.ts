import { freePort } from '../../test/support/freePort.js';
import type { BoundedLog } from './BoundedLog.js';
import { type ChildExit, spawnTsxProcess } from './spawnTsxProcess.js';

/** Starting node + tsx and loading the chain's rooms takes a while on a busy 2-core box. */
const SERVER_READY_TIMEOUT_MS = 90_000;
const READY_POLL_MS = 200;
/** Limits far above what a test sends by accident; tests of a limit set their own. */
const SERVER_TEST_RATE_LIMIT_MAX_REQUESTS = '1000000';

export interface ServerProcessOptions {
  /**
   * Environment over the defaults below (`undefined` removes a default). Defaults: NODE_ENV=test,
   * HOST=127.0.0.1, a free PORT, LOG_LEVEL=info, the embedded dev chain on a free port, rate limits
   * out of reach.
   */
  env?: Record<string, string | undefined>;
}

export interface ServerProcess {
  readonly baseUrl: string;
  /** The realtime endpoint: `ws://127.0.0.1:<port>/ws`. */
  readonly wsUrl: string;
  /** stdout and stderr so far (NDJSON lines of the logger, and anything else printed). */
  logs(): string;
  /** The lines of `logs()` that are JSON objects (the logger's), parsed. */
  logEntries(): Record<string, unknown>[];
  /** The bounded capture itself: `waitFor` a line, `droppedChars`. */
  readonly log: BoundedLog;
  rssBytes(): number;
  /** Resolves when the process exits, however it exits. */
  readonly exited: Promise<ChildExit>;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<ChildExit>;
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The real server (`src/main.ts`) as a child process, as operators run it, on loopback. Resolves once
 * `/health/ready` answers 200; rejects with the captured output if the process exits or is not ready
 * in time (and kills it).
 */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {};
  const defaults: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    DEVCHAIN_PORT: '0',
    LOG_LEVEL: 'info',
    RATE_LIMIT_IP_MAX: SERVER_TEST_RATE_LIMIT_MAX_REQUESTS,
    RATE_LIMIT_ACCOUNT_MAX: SERVER_TEST_RATE_LIMIT_MAX_REQUESTS,
    RATE_LIMIT_HEALTH_MAX: SERVER_TEST_RATE_LIMIT_MAX_REQUESTS,
    RATE_LIMIT_WEBHOOK_MAX: SERVER_TEST_RATE_LIMIT_MAX_REQUESTS,
    RATE_LIMIT_SIGNATURE_FAILURES: SERVER_TEST_RATE_LIMIT_MAX_REQUESTS,
  };
  for (const [name, value] of Object.entries({ ...defaults, ...options.env })) {
    if (value !== undefined) env[name] = value;
  }
  const listenPort = env.PORT ?? String(port);
  const baseUrl = `http://127.0.0.1:${listenPort}`;
  const running = spawnTsxProcess('src/main.ts', [], env);

  let exitedEarly = false;
  void running.exited.then(() => {
    exitedEarly = true;
  });
  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  for (;;) {
    if (exitedEarly) {
      const exit = await running.exited;
      throw new Error(
        `server exited (code ${exit.code}, signal ${exit.signal}) before it was ready:\n${running.log.text()}`,
      );
    }
    if (Date.now() > deadline) {
      await running.stop('SIGKILL');
      throw new Error(`server not ready within ${SERVER_READY_TIMEOUT_MS} ms:\n${running.log.text()}`);
    }
    const ready = await fetch(`${baseUrl}/health/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }

  return {
    baseUrl,
    wsUrl: `ws://127.0.0.1:${listenPort}/ws`,
    logs: () => running.log.text(),
    logEntries: () =>
      running.log.lines().flatMap((line) => {
        const entry = parseJsonLine(line);
        return entry === undefined ? [] : [entry];
      }),
    log: running.log,
    rssBytes: running.rssBytes,
    exited: running.exited,
    stop: running.stop,
  };
}
