import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrailingCoalescer } from '../../src/realtime/TrailingCoalescer.js';

const WINDOW_MS = 250;

describe('TrailingCoalescer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function coalescer() {
    const delivered: [number, number][] = [];
    const coalesce = new TrailingCoalescer<number>({
      windowMs: WINDOW_MS,
      deliver: (key, value) => delivered.push([key, value]),
    });
    return { coalesce, delivered };
  }

  it('delivers one value per key per window, the last one, at the end of the window', () => {
    const { coalesce, delivered } = coalescer();
    for (let count = 1; count <= 1_000; count++) coalesce.push(7, count);
    coalesce.push(8, 1);
    expect(delivered).toEqual([]);
    vi.advanceTimersByTime(WINDOW_MS);
    expect(delivered).toEqual([
      [7, 1_000],
      [8, 1],
    ]);
  });

  it('bounds the deliveries of a steady stream of values by the window, and never loses the last one', () => {
    const { coalesce, delivered } = coalescer();
    const STEP_MS = 10;
    const DURATION_MS = 10_000;
    for (let at = 0; at < DURATION_MS; at += STEP_MS) {
      coalesce.push(1, at);
      vi.advanceTimersByTime(STEP_MS);
    }
    vi.advanceTimersByTime(WINDOW_MS);
    expect(delivered.length).toBeLessThanOrEqual(DURATION_MS / WINDOW_MS + 1);
    expect(delivered.at(-1)).toEqual([1, DURATION_MS - STEP_MS]);
  });

  it('resolves idle once every pending value was delivered', async () => {
    const { coalesce, delivered } = coalescer();
    await coalesce.idle();
    coalesce.push(1, 1);
    const idle = coalesce.idle().then(() => [...delivered]);
    vi.advanceTimersByTime(WINDOW_MS);
    expect(await idle).toEqual([[1, 1]]);
  });
});
