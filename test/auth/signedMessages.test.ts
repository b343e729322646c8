import { describe, expect, it } from 'vitest';
import { authMessage, roomMessage } from '../../src/auth/signedMessages.js';

describe('signed messages', () => {
  it('builds the room text the app signs for HTTP requests', () => {
    expect(roomMessage(7, 1_700_000_000_000)).toBe('livestream:7:1700000000000');
    expect(roomMessage(7n, 1_700_000_000_000)).toBe('livestream:7:1700000000000');
  });

  it('builds the auth text the app signs for WebSocket sign-in', () => {
    expect(authMessage(1_700_000_000_000)).toBe('livestream:auth:1700000000000');
  });
});
