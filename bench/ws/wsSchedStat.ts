import { readFileSync } from 'node:fs';

/**
 * The calling thread's CPU time and its time runnable but waiting while its CPU ran something else
 * (other threads of this process, such as GC helpers, or other processes), from Linux schedstat, in
 * ms since the thread started; NaN elsewhere.
 */
export function wsSchedStat(): { cpuMs: number; waitMs: number } {
  try {
    const [cpu, wait] = readFileSync('/proc/thread-self/schedstat', 'latin1').trim().split(' ');
    return { cpuMs: Number(cpu) / 1e6, waitMs: Number(wait) / 1e6 };
  } catch {
    return { cpuMs: Number.NaN, waitMs: Number.NaN };
  }
}
