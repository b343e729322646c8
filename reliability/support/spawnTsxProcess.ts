import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BoundedLog } from './BoundedLog.js';

/** The repository root: children run TypeScript sources from there through tsx, no build needed. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exitWithParent.ts', import.meta.url));
/** How long `stop` waits after its signal before it kills the process. */
const STOP_GRACE_MS = 30_000;
const KIB = 1024;

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A Node.js process running one of our TypeScript entry points. */
export interface TsxProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** stdout and stderr, line by line, bounded. */
  readonly log: BoundedLog;
  /** Resolves when the process has exited (its output read to the end). */
  readonly exited: Promise<ChildExit>;
  /** Resident set size now, from /proc/<pid>/status (Linux). */
  rssBytes(): number;
  /** Sends `signal` (SIGTERM by default) and resolves with the exit; SIGKILL after STOP_GRACE_MS. */
  stop(signal?: NodeJS.Signals): Promise<ChildExit>;
}

/**
 * Starts `node --import tsx <script> ...args` in the repository with exactly `env` (plus PATH): no
 * variable of the developer's shell leaks in. The child dies with the test process.
 */
export function spawnTsxProcess(script: string, args: readonly string[], env: NodeJS.ProcessEnv): TsxProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', EXIT_WITH_PARENT, script, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const pid = child.pid;
  const log = new BoundedLog();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => log.append('stdout', chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => log.append('stderr', chunk));
  // The IPC channel only tells the child when we are gone; it must not keep us alive either.
  child.channel?.unref();

  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<ChildExit>((resolve) =>
    child.once('close', (code, signal) => {
      process.off('exit', killOnExit);
      log.flush();
      resolve({ code, signal });
    }),
  );

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<ChildExit> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      // A stopped (SIGSTOP) process only acts on the signal once continued.
      child.kill('SIGCONT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    }
    return exited;
  };

  const rssBytes = () => {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    if (match?.[1] === undefined) throw new Error(`no VmRSS for process ${pid}`);
    return Number(match[1]) * KIB;
  };

  return { pid, child, log, exited, rssBytes, stop };
}
