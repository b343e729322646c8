import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { backoffDelay, createLivestreamClient, type StateChange } from '../src/index.js';
import { EventRecorder } from './support/EventRecorder.js';

describe('backoffDelay', () => {
  const options = { initialMs: 500, maxMs: 30_000 };

  it('draws from the upper half of a ceiling that doubles per attempt', () => {
    expect(backoffDelay(0, options, () => 0)).toBe(250);
    expect(backoffDelay(0, options, () => 1)).toBe(500);
    expect(backoffDelay(3, options, () => 0)).toBe(2_000);
    expect(backoffDelay(3, options, () => 1)).toBe(4_000);
  });

  it('never waits longer than the maximum, nor less than half of it once there', () => {
    for (const attempt of [6, 7, 20, 1_000]) {
      expect(backoffDelay(attempt, options, () => 1)).toBe(30_000);
      expect(backoffDelay(attempt, options, () => 0)).toBe(15_000);
    }
  });
});

describe('reconnecting to a server that refuses connections', () => {
  it('retries with growing, jittered delays within the bounds, never in a tight loop', async () => {
    // Nothing listens on port 9 (discard) here: every attempt is refused at once.
    const backoff = { initialMs: 20, maxMs: 160 };
    const connection = createLivestreamClient({ baseUrl: 'http://127.0.0.1:9', WebSocket }).connect({
      backoff,
    });
    const recorder = new EventRecorder(connection, ['state']);
    const retries: StateChange[] = [];
    try {
      while (retries.length < 6)
        retries.push(await recorder.next('state', (s) => s.state === 'reconnecting'));
    } finally {
      connection.close();
    }
    retries.forEach((retry, i) => {
      const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** i);
      expect(retry.attempt).toBe(i + 1);
      expect(retry.retryInMs).toBeGreaterThanOrEqual(ceiling / 2);
      expect(retry.retryInMs).toBeLessThanOrEqual(ceiling);
    });
    expect(connection.state).toBe('closed');
  });
});
