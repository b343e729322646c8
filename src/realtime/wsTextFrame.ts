const WS_FIN_TEXT = 0x81;
const WS_LENGTH_16 = 126;
const WS_LENGTH_64 = 127;
const WS_MAX_7_BIT_LENGTH = 125;
const WS_MAX_16_BIT_LENGTH = 0xffff;

/** A message as JSON bytes, made once and handed to every recipient. */
export function frameOf(message: object): Buffer {
  return Buffer.from(JSON.stringify(message));
}

/** `payload` as one final, unmasked WebSocket text frame (RFC 6455 §5.2), as a server sends it. */
export function wsTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = length <= WS_MAX_7_BIT_LENGTH ? 2 : length <= WS_MAX_16_BIT_LENGTH ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = WS_FIN_TEXT;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = WS_LENGTH_16;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = WS_LENGTH_64;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header);
  return frame;
}
