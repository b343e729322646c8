import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export const SECURITY_POLICY = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
} as const satisfies Parameters<typeof helmet>[0];

/**
 * helmet's defaults, with a Content-Security-Policy for an API that serves no documents: nothing
 * may load from or frame a response.
 *
 * The policy has no per-request parts (no nonces, no functions), so helmet runs once, at start-up,
 * and each request gets the headers it set in one loop, instead of a chain of a dozen middleware
 * calls on every response.
 */
export function securityHeaders(): RequestHandler {
  const headers = headersSetBy(helmet(SECURITY_POLICY));
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

type HeaderSetter = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** The headers `middleware` sets on a response; throws if it does anything else. */
function headersSetBy(middleware: HeaderSetter): [string, string][] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name, String(value));
    },
    // helmet removes X-Powered-By, which the app never sends (`x-powered-by` is disabled).
    removeHeader(name: string) {
      headers.delete(name);
    },
  };
  let called = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    if (error !== undefined) throw error;
    called = true;
  });
  if (!called) throw new Error('security headers: the middleware did not complete synchronously');
  return [...headers];
}
