import { timingSafeEqual } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import { AppError } from '../../errors/AppError.js';
import type { Metrics } from '../../observability/Metrics.js';

export const METRICS_PATH = '/metrics';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * `GET /metrics` (Prometheus text format). With METRICS_TOKEN set it needs
 * `Authorization: Bearer <token>`; without, it answers only to a direct loopback client
 * (a scraper on the same host), never through a proxy.
 */
export function mountMetrics(
  app: Express,
  options: { metrics: Metrics; token: string | undefined; limit: RequestHandler },
): void {
  const { metrics, token } = options;
  app.get(METRICS_PATH, options.limit, async (req, res) => {
    if (!allowed(req, token)) throw new AppError('UNAUTHORIZED', 'metrics need the configured bearer token');
    const { contentType, body } = await metrics.render();
    res.set('content-type', contentType).send(body);
  });
}

function allowed(req: Request, token: string | undefined): boolean {
  if (token === undefined) {
    return LOOPBACK.has(req.socket.remoteAddress ?? '') && req.get('x-forwarded-for') === undefined;
  }
  const given = Buffer.from(req.get('authorization') ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
