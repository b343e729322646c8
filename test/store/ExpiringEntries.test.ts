import { describe, expect, it } from 'vitest';
import { ExpiringEntries } from '../../src/store/ExpiringEntries.js';

const entries = (maxEntries: number) =>
  new ExpiringEntries<number>({ maxEntries, expiresAt: (at) => at, fullMessage: 'full' });

describe('ExpiringEntries', () => {
  it('gives an entry until it expires, then forgets it', () => {
    const set = entries(10);
    set.add('a', 1_000, 0);
    expect(set.live('a', 999)).toBe(1_000);
    expect(set.live('a', 1_000)).toBeUndefined();
  });

  it('when full of live entries refuses with 429 until the oldest expires, then makes room', () => {
    const set = entries(2);
    set.add('a', 5_000, 0);
    set.add('b', 9_000, 0);
    expect(() => set.add('c', 9_000, 1_000)).toThrow(
      expect.objectContaining({ code: 'RATE_LIMIT_EXCEEDED', retryAfterSeconds: 4 }),
    );
    set.add('c', 10_000, 5_000);
    expect(set.live('a', 5_000)).toBeUndefined();
    expect(set.live('c', 5_000)).toBe(10_000);
  });

  it('finds expired entries stuck behind a longer-lived one when full', () => {
    const set = entries(2);
    set.add('long', 60_000, 0);
    set.add('short', 1_000, 0);
    set.add('next', 70_000, 2_000);
    expect(set.live('next', 2_000)).toBe(70_000);
    expect(set.live('long', 2_000)).toBe(60_000);
  });
});
