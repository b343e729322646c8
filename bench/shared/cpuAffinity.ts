import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Whether processes can be pinned to single CPUs here (Linux `taskset` and at least two CPUs). */
export function canPin(): boolean {
  if (os.availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Moves every thread of `pid` (worker threads included) to `cpus`, a `taskset -c` list. */
export function setAffinity(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}
