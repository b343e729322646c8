import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientPolicy } from '../../src/clients/clientPolicy.js';

const LISTED = { anyOrigin: false, origins: ['https://app.example'] };

function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    socket: { remoteAddress },
    connection: { remoteAddress },
  } as unknown as IncomingMessage;
}

describe('clientPolicy', () => {
  it('lets in listed browser origins and clients without an Origin (native apps), and no other page', () => {
    const policy = clientPolicy({ cors: LISTED, trustProxy: false });
    expect(policy.originAllowed('https://app.example')).toBe(true);
    expect(policy.originAllowed(undefined)).toBe(true);
    expect(policy.originAllowed('https://evil.example')).toBe(false);
    expect(policy.originAllowed('https://app.example.evil')).toBe(false);
  });

  it('lets in any origin when configured so (development)', () => {
    const policy = clientPolicy({ cors: { anyOrigin: true, origins: [] }, trustProxy: false });
    expect(policy.anyOrigin).toBe(true);
    expect(policy.originAllowed('https://anything.example')).toBe(true);
  });

  it('ignores X-Forwarded-For unless told to trust proxies', () => {
    const policy = clientPolicy({ cors: LISTED, trustProxy: false });
    expect(policy.clientIp(request('10.0.0.1', '203.0.113.9'))).toBe('10.0.0.1');
  });

  it('believes as many hops as configured, or the listed proxies', () => {
    expect(
      clientPolicy({ cors: LISTED, trustProxy: 1 }).clientIp(
        request('10.0.0.1', '203.0.113.9, 198.51.100.2'),
      ),
    ).toBe('198.51.100.2');
    const listed = clientPolicy({ cors: LISTED, trustProxy: ['10.0.0.1'] });
    expect(listed.clientIp(request('10.0.0.1', '203.0.113.9'))).toBe('203.0.113.9');
    expect(listed.clientIp(request('10.0.0.2', '203.0.113.9'))).toBe('10.0.0.2');
    expect(listed.trust('10.0.0.1', 0)).toBe(true);
  });
});
