import { Router } from 'express';
import type { HealthReport } from '../../observability/healthReport.js';

export interface HealthRouterDeps {
  report: () => HealthReport;
  /** Ready to serve tokens: chain connected and rooms loaded. */
  ready: () => boolean;
}

/** `/health` (503 when the chain is down), `/health/live` (process up), `/health/ready`. */
export function healthRouter(deps: HealthRouterDeps): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    const report = deps.report();
    res.status(report.status === 'down' ? 503 : 200).json(report);
  });
  router.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', (_req, res) => {
    const ready = deps.ready();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready' });
  });
  return router;
}
