import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The headers OWASP's REST Security Cheat Sheet lists for every API response (CSP with
 * `frame-ancestors 'none'`, HSTS, `nosniff`, `X-Frame-Options: DENY`), plus helmet's
 * Cross-Origin-Resource-Policy. helmet's other defaults only act on HTML documents (opener policy,
 * agent clusters, referrers, DNS prefetch, IE downloads, Flash policies, the XSS auditor) and this
 * API serves none; each header is paid for on every response.
 */
export const SECURITY_POLICY = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  xFrameOptions: { action: 'deny' },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
} as const satisfies Parameters<typeof helmet>[0];

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
