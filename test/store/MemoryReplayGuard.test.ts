import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/AppError.js';
import { MemoryReplayGuard } from '../../src/store/MemoryReplayGuard.js';

const TTL_MS = 600_000;

function clock(start = 1_700_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return {
    now: () => time,
    advance: (ms) => {
      time += ms;
    },
  };
}

describe('MemoryReplayGuard', () => {
  it('claims an unused key once and then reports it used', async () => {
    const guard = new MemoryReplayGuard();
    expect(await guard.has('a')).toBe(false);
    expect(await guard.claim('a', TTL_MS)).toBe(true);
    expect(await guard.has('a')).toBe(true);
    expect(await guard.claim('a', TTL_MS)).toBe(false);
    expect(await guard.claim('b', TTL_MS)).toBe(true);
  });

  it('forgets a key when its TTL has passed', async () => {
    const time = clock();
    const guard = new MemoryReplayGuard({ now: time.now });
    await guard.claim('a', TTL_MS);
    time.advance(TTL_MS - 1);
    expect(await guard.has('a')).toBe(true);
    time.advance(1);
    expect(await guard.has('a')).toBe(false);
    expect(await guard.claim('a', TTL_MS)).toBe(true);
  });

  it('tells keys apart however long and however alike', async () => {
    const guard = new MemoryReplayGuard();
    const long = `0x${'ab'.repeat(32)}:${'m'.repeat(500)}`;
    const keys = [long, `${long}1`, `${long}2`, long.slice(0, -1), long.replace('0x', '0X')];
    for (const key of keys) expect(await guard.claim(key, TTL_MS)).toBe(true);
    for (const key of keys) expect(await guard.claim(key, TTL_MS)).toBe(false);
    expect(await guard.has(`${long}3`)).toBe(false);
  });

  it('lets exactly one of many concurrent claims of a key win', async () => {
    const guard = new MemoryReplayGuard();
    const results = await Promise.all(Array.from({ length: 10 }, () => guard.claim('a', TTL_MS)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses new claims when full, with a retry hint, and still reports used keys as used', async () => {
    const time = clock();
    const guard = new MemoryReplayGuard({ maxEntries: 2, now: time.now });
    await guard.claim('a', TTL_MS);
    time.advance(1_000);
    await guard.claim('b', TTL_MS);
    const refused = await guard.claim('c', TTL_MS).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: 'RATE_LIMIT_EXCEEDED', retryAfterSeconds: 599 });
    expect(await guard.claim('a', TTL_MS)).toBe(false);
    expect(await guard.has('c')).toBe(false);
  });

  it('accepts claims again once expired keys free room', async () => {
    const time = clock();
    const guard = new MemoryReplayGuard({ maxEntries: 2, now: time.now });
    await guard.claim('a', TTL_MS);
    await guard.claim('b', TTL_MS);
    time.advance(TTL_MS);
    expect(await guard.claim('c', TTL_MS)).toBe(true);
    expect(await guard.claim('d', TTL_MS)).toBe(true);
  });

  it('frees expired keys stuck behind a longer-lived one when full', async () => {
    const time = clock();
    const guard = new MemoryReplayGuard({ maxEntries: 2, now: time.now });
    await guard.claim('long', 10 * TTL_MS);
    await guard.claim('short', 1_000);
    time.advance(1_000);
    expect(await guard.claim('next', TTL_MS)).toBe(true);
    expect(await guard.has('long')).toBe(true);
  });

  it('rejects a TTL that is not a positive number of ms', async () => {
    const guard = new MemoryReplayGuard();
    await expect(guard.claim('a', 0)).rejects.toThrow(RangeError);
    await expect(guard.claim('a', Number.NaN)).rejects.toThrow(RangeError);
  });
});
