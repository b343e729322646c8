const HEX_DIGITS = '0123456789abcdef';

export function utf8ToBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function bytesToHex(bytes: Uint8Array): `0x${string}` {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte >> 4] + (HEX_DIGITS[byte & 15] as string);
  return `0x${out}`;
}
