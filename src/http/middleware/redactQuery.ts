import { REDACTED } from '../../observability/createLogger.js';

/** A longer parameter name is cut: names are chosen by the client, and the log line stays small. */
const MAX_LOGGED_NAME_CHARS = 64;

/**
 * `url` as it may be logged: the path and the query's parameter names, every value replaced
 * (`/ws?token=[REDACTED]&since=[REDACTED]`). A query may carry a signature or a token, and a log
 * cannot tell which parameters do.
 */
export function redactQuery(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return url;
  const names = url
    .slice(start + 1)
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      const name = (equals === -1 ? part : part.slice(0, equals)).slice(0, MAX_LOGGED_NAME_CHARS);
      return equals === -1 ? name : `${name}=${REDACTED}`;
    });
  return `${url.slice(0, start)}?${names.join('&')}`;
}
