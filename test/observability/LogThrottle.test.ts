import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../../src/observability/LogThrottle.js';

describe('LogThrottle', () => {
  it('lets one line per key through per interval and reports how many it held back', () => {
    let now = 0;
    const throttle = new LogThrottle({ intervalMs: 1000, now: () => now });
    expect(throttle.take('a')).toBe(0);
    expect(throttle.take('a')).toBeUndefined();
    expect(throttle.take('a')).toBeUndefined();
    expect(throttle.take('b')).toBe(0);
    now = 999;
    expect(throttle.take('a')).toBeUndefined();
    now = 1000;
    expect(throttle.take('a')).toBe(3);
    expect(throttle.take('b')).toBe(0);
  });
});
