import { describe, expect, it } from 'vitest';
import {
  defaultMaxConnections,
  FALLBACK_MAX_CONNECTIONS,
  openFileLimit,
  RESERVED_FILE_DESCRIPTORS,
} from '../../src/http/defaultMaxConnections.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             63484                63484                processes
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('defaultMaxConnections', () => {
  it('leaves descriptors for the service’s own clients: 900 of the usual 1,024', () => {
    expect(defaultMaxConnections(1024)).toBe(900);
    expect(defaultMaxConnections(65_536)).toBe(65_536 - RESERVED_FILE_DESCRIPTORS);
  });

  it('falls back to what 1,024 descriptors allow when the limit is unknown, and never goes below a floor', () => {
    expect(defaultMaxConnections(undefined)).toBe(FALLBACK_MAX_CONNECTIONS);
    expect(defaultMaxConnections(100)).toBe(64);
  });

  it('reads the soft open-file limit of the process', () => {
    expect(openFileLimit(() => LIMITS)).toBe(1024);
    expect(openFileLimit(() => LIMITS.replace('1024 ', 'unlimited'))).toBeUndefined();
    expect(
      openFileLimit(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });

  it('reads this process’s limit where /proc exists', () => {
    const limit = openFileLimit();
    if (process.platform === 'linux') expect(limit).toBeGreaterThan(0);
  });
});
