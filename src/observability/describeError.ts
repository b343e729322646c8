/** Longest description kept: a reason is a log field, not a dump. */
const MAX_DESCRIPTION_CHARS = 300;

/**
 * A one-line, readable reason for anything thrown or emitted as an error. Errors give their name,
 * code and message; error events (a WebSocket's `ErrorEvent`, which holds the socket and cannot be
 * serialized) give their message or the error they carry; anything else its string form.
 */
export function describeError(error: unknown): string {
  return bounded(describe(error, 0));
}

function describe(error: unknown, depth: number): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const prefix =
      typeof code === 'string' || typeof code === 'number' ? `${error.name} ${code}` : error.name;
    return error.message === '' ? prefix : `${prefix}: ${error.message}`;
  }
  if (typeof error === 'object' && error !== null) {
    const { message, error: inner, type } = error as { message?: unknown; error?: unknown; type?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    if (inner !== undefined && inner !== error && depth < 2) return describe(inner, depth + 1);
    if (typeof type === 'string') return `${type} event`;
    return Object.prototype.toString.call(error);
  }
  return String(error);
}

function bounded(text: string): string {
  return text.length <= MAX_DESCRIPTION_CHARS ? text : `${text.slice(0, MAX_DESCRIPTION_CHARS)}…`;
}
