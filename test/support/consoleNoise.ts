import { format } from 'node:util';
import { onTestFinished, vi } from 'vitest';

export interface ConsoleNoise {
  /** The lines kept out of the output so far. */
  kept: string[];
  restore: () => void;
}

/**
 * Until `restore`, console.error and console.warn lines matching `expected` are kept out of the test output
 * (polkadot.js logs every dropped connection and refused extrinsic there, and some tests drop and
 * refuse on purpose); any other line still reaches stderr.
 */
export function captureConsoleNoise(expected: RegExp): ConsoleNoise {
  const kept: string[] = [];
  const spies = (['error', 'warn'] as const).map((level) => {
    const original = console[level].bind(console);
    return vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      const line = format(...args);
      if (expected.test(line)) kept.push(line);
      else original(...args);
    });
  });
  return {
    kept,
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

/** captureConsoleNoise for the rest of the current test. */
export function expectConsoleNoise(expected: RegExp): string[] {
  const noise = captureConsoleNoise(expected);
  onTestFinished(noise.restore);
  return noise.kept;
}

/** What @polkadot/api logs when its node connection drops (the provider and each subscription). */
export const CHAIN_DISCONNECT_NOISE = /disconnected from ws:\/\//;
