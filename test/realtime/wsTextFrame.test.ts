import { describe, expect, it } from 'vitest';
import * as ws from 'ws';
import { wsTextFrame } from '../../src/realtime/wsTextFrame.js';

/** The frame the ws library itself writes for an unmasked text message (server to client). */
function wsLibraryFrame(payload: Buffer): Buffer {
  const sender = (ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;
  return Buffer.concat(
    sender.frame(payload, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }),
  );
}

describe('wsTextFrame', () => {
  it.each([
    ['a 7-bit length', 125],
    ['a 16-bit length', 126],
    ['a 16-bit length', 65_535],
    ['a 64-bit length', 65_536],
  ])('frames a payload with %s (%i bytes) exactly as the ws library does', (_kind, size) => {
    const payload = Buffer.alloc(size, 'x');
    expect(wsTextFrame(payload).equals(wsLibraryFrame(payload))).toBe(true);
  });

  it('frames UTF-8 text by its byte length, not its character count', () => {
    const payload = Buffer.from(JSON.stringify({ type: 'gift:received', title: '直播 🎥' }));
    expect(wsTextFrame(payload).equals(wsLibraryFrame(payload))).toBe(true);
  });
});
