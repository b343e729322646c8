import express, { type Express } from 'express';

/**
 * Baseline (b): a bare Express endpoint answering every request with the same pre-built page,
 * serialized per request as `res.json` does in the service.
 */
export function bareRoomsApp(page: unknown): Express {
  const app = express();
  app.get('/rooms', (_req, res) => {
    res.json(page);
  });
  return app;
}
