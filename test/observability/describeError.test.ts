import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/observability/describeError.js';

describe('describeError', () => {
  it('gives an error its name, code and message', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9944'), { code: 'ECONNREFUSED' });
    expect(describeError(refused)).toBe('Error ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9944');
    expect(describeError(new TypeError('x is undefined'))).toBe('TypeError: x is undefined');
  });

  it('reads a WebSocket error event, which holds its socket (pino cannot serialize it)', () => {
    const socket: Record<string, unknown> = {};
    socket.self = socket;
    const event = { type: 'error', target: socket, error: new Error('connect ECONNREFUSED'), message: '' };
    expect(describeError(event)).toBe('Error: connect ECONNREFUSED');
    expect(describeError({ type: 'error', target: socket, message: 'socket hang up' })).toBe(
      'socket hang up',
    );
    expect(describeError({ type: 'error', target: socket })).toBe('error event');
  });

  it('describes anything else by its string form, bounded', () => {
    expect(describeError('plain')).toBe('plain');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError('x'.repeat(1000))).toHaveLength(301);
  });
});
