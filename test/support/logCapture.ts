import type { Logger } from 'pino';
import type { LogLevel } from '../../src/config/Config.js';
import { createLogger } from '../../src/observability/createLogger.js';

export interface LogCapture {
  logger: Logger;
  /** Raw NDJSON written so far. */
  text: () => string;
  /** Parsed log lines written so far. */
  entries: () => Record<string, unknown>[];
  /** Resolves with the first line (already written or still to come) that matches. */
  waitFor: (match: (entry: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
}

/** A real logger from `createLogger` whose NDJSON output is kept in memory for assertions. */
export function captureLogs(level: LogLevel = 'trace'): LogCapture {
  const lines: string[] = [];
  const waiters: {
    match: (entry: Record<string, unknown>) => boolean;
    resolve: (e: Record<string, unknown>) => void;
  }[] = [];
  const logger = createLogger({
    level,
    nodeEnv: 'test',
    destination: {
      write(line: string) {
        lines.push(line);
        const entry = JSON.parse(line) as Record<string, unknown>;
        for (const waiter of [...waiters]) {
          if (waiter.match(entry)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(entry);
          }
        }
      },
    },
  });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    logger,
    text: () => lines.join(''),
    entries,
    waitFor: (match) => {
      const found = entries().find(match);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
