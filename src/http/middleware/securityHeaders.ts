import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's defaults, with a Content-Security-Policy for an API that serves no documents: nothing
 * may load from or frame a response.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
  });
}
