import { type ChildExit, spawnTsxProcess } from './spawnTsxProcess.js';

const DEVCHAIN_READY_TIMEOUT_MS = 60_000;
/** What `src/devchain/cli.ts` prints once it serves: "… listening on ws://127.0.0.1:PORT (…". */
const LISTENING_PATTERN = /listening on (ws:\/\/\S+)/;

/** The dev chain as its own process (`src/devchain/cli.ts`), so a test can stop, hang or kill the node. */
export interface DevChainProcess {
  /** `ws://127.0.0.1:<port>`: the server's CHAIN_WS_ENDPOINT. */
  readonly url: string;
  /** Hang: SIGSTOP (its sockets stay open, nothing answers). */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** Crash: SIGKILL, resolves once the process is gone. */
  kill(): Promise<ChildExit>;
  /** Graceful stop (SIGTERM). */
  stop(): Promise<ChildExit>;
}

export interface DevChainProcessOptions {
  /** `--port` (default 0: a free one). A node restarted on its port is the same endpoint to its clients. */
  port?: number;
  /** `--base-path`: the node keeps its blocks there, and a node started on it continues that chain. */
  basePath?: string;
}

/** Starts the dev chain (the demo seed, as the embedded one) and resolves once it listens. */
export async function startDevChainProcess(options: DevChainProcessOptions = {}): Promise<DevChainProcess> {
  const args = ['--port', String(options.port ?? 0), '--seed', 'demo'];
  if (options.basePath !== undefined) args.push('--base-path', options.basePath);
  const running = spawnTsxProcess('src/devchain/cli.ts', args, {});

  const listening = running.log.waitFor((line) => LISTENING_PATTERN.test(line));
  let timer: NodeJS.Timeout | undefined;
  const failed = Promise.race([
    running.exited.then((exit) => `dev chain exited (code ${exit.code}, signal ${exit.signal})`),
    new Promise<string>((resolve) => {
      timer = setTimeout(
        () => resolve(`dev chain not listening within ${DEVCHAIN_READY_TIMEOUT_MS} ms`),
        DEVCHAIN_READY_TIMEOUT_MS,
      );
    }),
  ]);
  const outcome = await Promise.race([
    listening.then((line) => ({ line })),
    failed.then((problem) => ({ problem })),
  ]);
  clearTimeout(timer);
  if ('problem' in outcome) {
    await running.stop('SIGKILL');
    throw new Error(`${outcome.problem}:\n${running.log.text()}`);
  }
  const url = LISTENING_PATTERN.exec(outcome.line)?.[1] ?? '';

  return {
    url,
    pause: () => running.child.kill('SIGSTOP'),
    resume: () => running.child.kill('SIGCONT'),
    kill: () => running.stop('SIGKILL'),
    stop: () => running.stop('SIGTERM'),
  };
}
