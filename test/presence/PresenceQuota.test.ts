import { describe, expect, it } from 'vitest';
import { PresenceQuota } from '../../src/presence/PresenceQuota.js';

const WINDOW_MS = 1_000;

describe('PresenceQuota', () => {
  it('admits a bounded number of distinct accounts per IP per window', () => {
    let now = 0;
    const quota = new PresenceQuota({ accountsPerIp: 2, windowMs: WINDOW_MS, now: () => now });
    expect(['a', 'b', 'c', 'a'].map((account) => quota.admit('ip1', account))).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(quota.admit('ip2', 'c')).toBe(true);
    now += WINDOW_MS;
    expect(quota.admit('ip1', 'c')).toBe(true);
  });

  it('forgets the least recently seen IP past its bound, and IPs whose slots all ended', () => {
    let now = 0;
    const quota = new PresenceQuota({ accountsPerIp: 1, windowMs: WINDOW_MS, now: () => now, maxIps: 2 });
    quota.admit('ip1', 'a');
    quota.admit('ip2', 'b');
    quota.admit('ip1', 'a');
    quota.admit('ip3', 'c');
    expect(quota.size).toBe(2);
    // ip1 was kept; ip2 was forgotten, so it starts afresh.
    expect(quota.admit('ip1', 'other')).toBe(false);
    expect(quota.admit('ip2', 'other')).toBe(true);
    now += WINDOW_MS;
    quota.sweep();
    expect(quota.size).toBe(0);
  });
});
