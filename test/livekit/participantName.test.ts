import { describe, expect, it } from 'vitest';
import { DISPLAY_NAME_FORBIDDEN, participantName, shortAddress } from '../../src/livekit/participantName.js';

describe('participantName', () => {
  it('shortens an address to its first and last four characters', () => {
    expect(shortAddress('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY')).toBe('5Grw…utQY');
    expect(shortAddress('short')).toBe('short');
  });

  it('prefers the display name the app sent', () => {
    expect(participantName('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', 'Ada')).toBe('Ada');
    expect(participantName('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY', undefined)).toBe('5Grw…utQY');
  });

  it('recognises control characters, separators and bidi overrides', () => {
    for (const bad of ['\u0000', '\n', '\u007f', '\u0085', '\u2028', '\u202e', '\u2066']) {
      expect(DISPLAY_NAME_FORBIDDEN.test(`a${bad}b`), JSON.stringify(bad)).toBe(true);
    }
    expect(DISPLAY_NAME_FORBIDDEN.test('Zoë 🎙 李')).toBe(false);
  });
});
