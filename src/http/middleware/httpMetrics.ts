import type { RequestHandler } from 'express';
import type { Metrics } from '../../observability/Metrics.js';
import { routeTemplateOf } from './requestLogger.js';

/** Request duration by route template (bounded label values; unmatched paths share one label). */
export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    res.once('finish', () => {
      metrics.httpDuration.observe(
        { method: req.method, route: routeTemplateOf(req) ?? 'unmatched', status: String(res.statusCode) },
        (performance.now() - startedAt) / 1000,
      );
    });
    next();
  };
}
