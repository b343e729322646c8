/** Longest display name the app may send (LiveKit allows 256; names are shown in one line). */
export const MAX_DISPLAY_NAME_CHARS = 64;
const SHORT_ADDRESS_EDGE_CHARS = 4;

/** C0/C1 controls, line/paragraph separators and bidi overrides (which let a name spoof another). */
export const DISPLAY_NAME_FORBIDDEN = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

/** `5GrwvaEF…HGKutQY` → `5Grw…utQY`: recognisable, and short enough for a participant tile. */
export function shortAddress(address: string): string {
  if (address.length <= SHORT_ADDRESS_EDGE_CHARS * 2 + 1) return address;
  return `${address.slice(0, SHORT_ADDRESS_EDGE_CHARS)}…${address.slice(-SHORT_ADDRESS_EDGE_CHARS)}`;
}

/** The `name` claim: the app's display name (validated at the edge), else the shortened address. */
export function participantName(address: string, displayName: string | undefined): string {
  return displayName ?? shortAddress(address);
}
