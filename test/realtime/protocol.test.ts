import { describe, expect, it } from 'vitest';
import { ClientFrame } from '../../src/realtime/protocol.js';

const SIGNATURE = `0x${'ab'.repeat(64)}`;

describe('ClientFrame', () => {
  it('accepts the four client frames of the protocol', () => {
    const frames = [
      {
        type: 'auth',
        address: '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY',
        signature: SIGNATURE,
        timestamp: 1,
      },
      { type: 'join-room', roomId: 0 },
      { type: 'join-room', roomId: 12, since: '120-3' },
      { type: 'leave-room', roomId: 0 },
      { type: 'ping' },
    ];
    for (const frame of frames) expect(ClientFrame.parse(frame)).toEqual(frame);
  });

  it('accepts a signature with a MultiSignature type byte (65 bytes) and an ecdsa one (66)', () => {
    for (const bytes of [65, 66]) {
      const frame = { type: 'auth', address: 'x', signature: `0x${'01'.repeat(bytes)}`, timestamp: 5 };
      expect(ClientFrame.safeParse(frame).success).toBe(true);
    }
  });

  it.each([
    ['a negative room id', { type: 'join-room', roomId: -1 }],
    ['a fractional room id', { type: 'join-room', roomId: 1.5 }],
    ['a room id as a string', { type: 'join-room', roomId: '1' }],
    ['a room id past 2^53', { type: 'join-room', roomId: 2 ** 53 }],
    ['a missing room id', { type: 'leave-room' }],
    ['a `since` that is not an event id', { type: 'join-room', roomId: 1, since: 'abc' }],
    ['a numeric `since`', { type: 'join-room', roomId: 1, since: 12 }],
    ['a short signature', { type: 'auth', address: 'x', signature: '0x1234', timestamp: 1 }],
    ['a signature without 0x', { type: 'auth', address: 'x', signature: 'ab'.repeat(64), timestamp: 1 }],
    ['a timestamp as a string', { type: 'auth', address: 'x', signature: SIGNATURE, timestamp: '1' }],
    ['an empty address', { type: 'auth', address: '', signature: SIGNATURE, timestamp: 1 }],
    ['an unknown type', { type: 'subscribe', roomId: 1 }],
    ['no type', { roomId: 1 }],
  ])('rejects %s', (_what, frame) => {
    expect(ClientFrame.safeParse(frame).success).toBe(false);
  });
});
